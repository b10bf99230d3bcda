"""Elastic Load Balancing v2 resources made by CloudFormation."""

from __future__ import annotations

from typing import Any

from moto.elbv2.models import elbv2_backends

from .resource_models import deleting, register_model


class ListenerCertificate:
    """AWS::ElasticLoadBalancingV2::ListenerCertificate (moto has none: it skipped the resource)."""

    # moto files every model under the service named by its module (moto.<service>.models).
    __module__ = "moto.elbv2.racknet_listener_certificate"

    def __init__(self, listener_arn: str, certificate_arns: list[str]):
        self.listener_arn = listener_arn
        self.certificate_arns = certificate_arns
        self.id = f"{listener_arn}|{','.join(certificate_arns)}"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ElasticLoadBalancingV2::ListenerCertificate"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @property
    def physical_resource_id(self) -> str:
        return self.id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "ListenerCertificate":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        certificates = [{"CertificateArn": c["CertificateArn"]} for c in properties.get("Certificates", [])]
        elbv2_backends[account_id][region_name].add_listener_certificates(properties["ListenerArn"], certificates)
        return cls(properties["ListenerArn"], [c["CertificateArn"] for c in certificates])

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "ListenerCertificate":  # type: ignore[misc]
        if original_resource is not None:
            original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            elbv2_backends[account_id][region_name].remove_listener_certificates(
                self.listener_arn, [{"CertificateArn": arn} for arn in self.certificate_arns]
            )
        except Exception:  # the listener went first
            pass


def restore_listener_certificates() -> None:
    """AWS: AWS::ElasticLoadBalancingV2::ListenerCertificate adds certificates to a listener
    (DescribeListenerCertificates lists them) and deleting it removes them."""
    register_model(ListenerCertificate)


def restore_load_balancer_attributes() -> None:
    """AWS: Fn::GetAtt of an AWS::ElasticLoadBalancingV2::LoadBalancer gives
    CanonicalHostedZoneID (what DescribeLoadBalancers shows), LoadBalancerFullName
    (app|net/NAME/ID, the tail of the ARN) and SecurityGroups, not an unresolved GetAtt."""
    from moto.elbv2.models import FakeLoadBalancer

    original = FakeLoadBalancer.get_cfn_attribute

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "CanonicalHostedZoneID":
            return self.canonical_hosted_zone_id
        if attribute_name == "LoadBalancerFullName":
            return self.arn.split(":loadbalancer/", 1)[-1]
        if attribute_name == "SecurityGroups":
            return list(self.security_groups or [])
        return original(self, attribute_name)

    FakeLoadBalancer.get_cfn_attribute = get_cfn_attribute


def restore_deletion_of_load_balancing_resources() -> None:
    """AWS: deleting a stack (or removing a resource in an update) deletes its target groups,
    listeners and listener rules. moto has no delete for these types, so they outlived their stack."""
    from moto.elbv2.models import FakeListener, FakeListenerRule, FakeTargetGroup

    def elbv2(account_id: str, region_name: str) -> Any:
        return elbv2_backends[account_id][region_name]

    FakeTargetGroup.delete = deleting(lambda self, a, r: elbv2(a, r).delete_target_group(self.arn))
    FakeListener.delete = deleting(lambda self, a, r: elbv2(a, r).delete_listener(self.arn))
    FakeListenerRule.delete = deleting(lambda self, a, r: elbv2(a, r).delete_rule(self.arn))


_TARGET_GROUP_REPLACED_BY = ("Name", "Port", "Protocol", "ProtocolVersion", "TargetType", "VpcId")


def _target_group_attributes(properties: dict[str, Any]) -> dict[str, str]:
    return {attribute["Key"]: str(attribute["Value"]) for attribute in properties.get("TargetGroupAttributes") or []}


def restore_target_group_attributes_and_updates() -> None:
    """AWS: an AWS::ElasticLoadBalancingV2::TargetGroup applies its TargetGroupAttributes
    (DescribeTargetGroupAttributes shows deregistration_delay.timeout_seconds, stickiness.enabled,
    stickiness.type, stickiness.lb_cookie.duration_seconds...) and HealthCheckEnabled, and an
    update changes the health check settings, the Matcher and the attributes in place (a new
    Name, Port, Protocol, ProtocolVersion, TargetType or VpcId replaces the group). moto ignored
    the attributes and could not update a target group."""
    from moto.elbv2.models import FakeTargetGroup

    previous_create = FakeTargetGroup.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        group = previous_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        if properties.get("HealthCheckEnabled") is not None:
            group.health_check_enabled = str(properties["HealthCheckEnabled"]).lower() == "true"
        attributes = _target_group_attributes(properties)
        if attributes:
            elbv2_backends[account_id][region_name].modify_target_group_attributes(group.arn, attributes)
        return group

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json.get("Properties", {})
        backend = elbv2_backends[account_id][region_name]
        current = {"Name": original_resource.name, "Port": original_resource.port, "Protocol": original_resource.protocol, "TargetType": original_resource.target_type, "VpcId": original_resource.vpc_id, "ProtocolVersion": original_resource.protocol_version}
        wanted = {"Name": properties.get("Name", original_resource.name), **{key: properties.get(key, current[key]) for key in _TARGET_GROUP_REPLACED_BY if key != "Name"}}
        if any(str(wanted[key]) != str(current[key]) for key in _TARGET_GROUP_REPLACED_BY):
            replacement = create(cls, new_resource_name if "Name" not in properties else properties["Name"], cloudformation_json, account_id, region_name)
            try:  # AWS deletes the old group once nothing uses it; here, when nothing does now
                backend.delete_target_group(original_resource.arn)
            except Exception:
                pass
            return replacement
        matcher = properties.get("Matcher") or {}
        backend.modify_target_group(
            original_resource.arn,
            health_check_proto=properties.get("HealthCheckProtocol"),
            health_check_port=None if properties.get("HealthCheckPort") is None else str(properties["HealthCheckPort"]),
            health_check_path=properties.get("HealthCheckPath"),
            health_check_interval=properties.get("HealthCheckIntervalSeconds"),
            health_check_timeout=properties.get("HealthCheckTimeoutSeconds"),
            healthy_threshold_count=None if properties.get("HealthyThresholdCount") is None else str(properties["HealthyThresholdCount"]),
            unhealthy_threshold_count=None if properties.get("UnhealthyThresholdCount") is None else str(properties["UnhealthyThresholdCount"]),
            http_codes=matcher.get("HttpCode"),
            health_check_enabled=None if properties.get("HealthCheckEnabled") is None else str(properties["HealthCheckEnabled"]).lower() == "true",
        )
        attributes = _target_group_attributes(properties)
        if attributes:
            backend.modify_target_group_attributes(original_resource.arn, attributes)
        return original_resource

    FakeTargetGroup.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment]
    FakeTargetGroup.update_from_cloudformation_json = classmethod(update)  # type: ignore[assignment]


def restore_network_load_balancers_and_listener_attributes() -> None:
    """AWS: AWS::ElasticLoadBalancingV2::LoadBalancer makes the load balancer its Type says
    ("application", "network" or "gateway"; default application), and
    AWS::ElasticLoadBalancingV2::Listener applies its ListenerAttributes (for a network load
    balancer's TCP listener, tcp.idle_timeout.seconds, 60-6000), on create and on update:
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-loadbalancer.html,
    https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html.
    moto made every one an application load balancer and dropped the listener attributes. A value
    outside 60-6000, or the attribute on a listener that is not TCP, fails as AWS fails it."""
    from moto.elbv2.exceptions import ELBClientError as RESTError
    from moto.elbv2.models import FakeListener, FakeLoadBalancer

    def create_load_balancer(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        backend = elbv2_backends[account_id][region_name]
        return backend.create_load_balancer(
            resource_name,
            properties.get("SecurityGroups"),
            properties.get("Subnets"),
            scheme=properties.get("Scheme", "internet-facing"),
            loadbalancer_type=properties.get("Type", "application"),
        )

    FakeLoadBalancer.create_from_cloudformation_json = classmethod(create_load_balancer)  # type: ignore[assignment]

    def apply_attributes(listener: Any, properties: dict[str, Any], account_id: str, region_name: str) -> None:
        attributes = [{"Key": item["Key"], "Value": str(item["Value"])} for item in properties.get("ListenerAttributes") or []]
        for attribute in attributes:
            if attribute["Key"] == "tcp.idle_timeout.seconds":
                if listener.protocol != "TCP":
                    raise RESTError("InvalidConfigurationRequest", "The attribute tcp.idle_timeout.seconds is supported on TCP listeners only")
                if not attribute["Value"].isdigit() or not 60 <= int(attribute["Value"]) <= 6000:
                    raise RESTError("ValidationError", f"tcp.idle_timeout.seconds must be from 60 to 6000, not {attribute['Value']}")
        if attributes:
            elbv2_backends[account_id][region_name].modify_listener_attributes(listener.arn, attributes)

    previous_create = FakeListener.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    previous_update = FakeListener.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_listener(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        listener = previous_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        apply_attributes(listener, cloudformation_json.get("Properties", {}), account_id, region_name)
        return listener

    def update_listener(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        listener = previous_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        apply_attributes(listener, cloudformation_json.get("Properties", {}), account_id, region_name)
        return listener

    FakeListener.create_from_cloudformation_json = classmethod(create_listener)  # type: ignore[assignment]
    FakeListener.update_from_cloudformation_json = classmethod(update_listener)  # type: ignore[assignment]


def restore_load_balancer_attributes_on_create_and_update() -> None:
    """AWS: AWS::ElasticLoadBalancingV2::LoadBalancer applies its LoadBalancerAttributes when it
    is created, and a change of them is an update with no interruption (ModifyLoadBalancerAttributes
    on the same load balancer): Template Reference, AWS::ElasticLoadBalancingV2::LoadBalancer
    (LoadBalancerAttributes: "Update requires: No interruption"),
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-loadbalancer.html.
    An application load balancer's idle_timeout.timeout_seconds is 1-4000 (ELB User Guide for
    Application Load Balancers, "Connection idle timeout"); a value outside it fails as AWS fails
    it. Stock moto 5.2 dropped the attributes on create and had no update, so DescribeLoadBalancerAttributes
    kept its defaults whatever the template said. Reproduced by test/e2e/apps.e2e.test.ts
    (LoadBalancerIdleTimeout)."""
    from moto.elbv2.exceptions import ELBClientError as RESTError
    from moto.elbv2.models import FakeLoadBalancer

    def apply_attributes(balancer: Any, properties: dict[str, Any], account_id: str, region_name: str) -> None:
        attributes = {item["Key"]: str(item["Value"]) for item in properties.get("LoadBalancerAttributes") or []}
        idle = attributes.get("idle_timeout.timeout_seconds")
        if idle is not None and (not idle.isdigit() or not 1 <= int(idle) <= 4000):
            raise RESTError("ValidationError", f"idle_timeout.timeout_seconds must be from 1 to 4000, not {idle}")
        if attributes:
            elbv2_backends[account_id][region_name].modify_load_balancer_attributes(balancer.arn, attributes)

    previous_create = FakeLoadBalancer.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        balancer = previous_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        apply_attributes(balancer, cloudformation_json.get("Properties", {}), account_id, region_name)
        return balancer

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        apply_attributes(original_resource, cloudformation_json.get("Properties", {}), account_id, region_name)
        return original_resource

    FakeLoadBalancer.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment]
    FakeLoadBalancer.update_from_cloudformation_json = classmethod(update)  # type: ignore[assignment]
