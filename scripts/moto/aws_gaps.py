"""Patches that make moto 5.2 behave like AWS where racknet's templates found it departs.

Call `apply_all()` before moto's server starts (launch.py does). One function per gap; each
docstring names the AWS behaviour it restores (see ../../shared/MOTO.md for the rule: patch
moto to behave like AWS, never to make racknet pass).

The patches wrap what is installed when they run (stock moto or an earlier patch, such as
launch.py's) instead of replacing it where they can, and each applies only once, so
`apply_all()` may run before or after launch.py's patches and more than once.
"""

from __future__ import annotations

import ipaddress
import itertools
from typing import Any, Callable

_APPLIED: set[str] = set()


def _once(patch: Callable[[], None]) -> Callable[[], None]:
    def apply() -> None:
        if patch.__name__ not in _APPLIED:
            patch()
            _APPLIED.add(patch.__name__)

    apply.__name__ = patch.__name__
    apply.__doc__ = patch.__doc__
    return apply


def _missing(error: Exception) -> bool:
    """Whether a moto error says the thing is already gone (so deleting it is done)."""
    text = f"{type(error).__name__} {getattr(error, 'error_type', '')} {getattr(error, 'code', '')} {error}"
    return any(word in text for word in ("NotFound", "NotAttached", "does not exist", "InvalidAddress"))


def _true(value: Any) -> bool:
    return str(value).lower() == "true"


# --- 1. Fn::Cidr ---------------------------------------------------------------------------


def _cidr(ip_block: Any, count: Any, cidr_bits: Any) -> list[str]:
    network = ipaddress.ip_network(str(ip_block), strict=False)
    prefix = network.max_prefixlen - int(cidr_bits)
    count = int(count)
    if not 1 <= count <= 256 or prefix < network.prefixlen:
        raise ValueError(f"Fn::Cidr cannot make {count} /{prefix} blocks from {ip_block}")
    blocks = list(itertools.islice(network.subnets(new_prefix=prefix), count))
    if len(blocks) < count:
        raise ValueError(f"Fn::Cidr: {ip_block} holds only {len(blocks)} /{prefix} blocks, not {count}")
    return [str(block) for block in blocks]


@_once
def restore_fn_cidr() -> None:
    """AWS: the intrinsic function Fn::Cidr [ipBlock, count, cidrBits] returns the first
    `count` CIDR blocks of ipBlock, each with cidrBits host bits (mask 32 - cidrBits for IPv4,
    128 - cidrBits for IPv6): Fn::Cidr ["10.0.0.0/16", 4, 13] gives 10.0.0.0/19, 10.0.32.0/19,
    10.0.64.0/19, 10.0.96.0/19. moto left it unresolved (Fn::Select on it raised KeyError: 0)."""
    from moto.cloudformation import parsing
    from moto.cloudformation.exceptions import ValidationError

    previous = parsing.clean_json

    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        if isinstance(resource_json, dict) and "Fn::Cidr" in resource_json:
            arguments = clean_json(resource_json["Fn::Cidr"], resources_map)
            try:
                ip_block, count, cidr_bits = arguments
                return _cidr(ip_block, count, cidr_bits)
            except ValueError as error:
                raise ValidationError(message=f"Template error: {error}")
        return previous(resource_json, resources_map)

    # clean_json recurses through the module global, so nested Fn::Cidr resolve too.
    parsing.clean_json = clean_json


# --- 9. CommaDelimitedList parameters ----------------------------------------------------------


def _parameter_text(value: Any) -> Any:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


@_once
def restore_list_parameter_values() -> None:
    """AWS: DescribeStacks shows a CommaDelimitedList or List<...> parameter as the
    comma-separated string it was given ("subnet-a,subnet-b"), and UsePreviousValue on it
    (UpdateStack or CreateChangeSet) reuses that string. moto showed the Python list
    ("['subnet-a', 'subnet-b']") and UsePreviousValue passed the list on, which crashed
    ('list' object has no attribute 'split'), or failed with KeyError for a parameter that had
    its default."""
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import CloudFormationBackend, Stack

    def stack_parameters(self: Any) -> dict[str, Any]:
        return {key: _parameter_text(value) for key, value in self.resource_map.resolved_parameters.items()}

    def parameter_list(self: Any) -> list[dict[str, Any]]:
        # NoEcho masking kept exactly as moto has it (it compares the value, not the key: so
        # NoEcho values show in clear; a separate gap, not this patch's).
        hidden = getattr(self.resource_map, "no_echo_parameter_keys", [])
        return [
            {"ParameterKey": key, "ParameterValue": _parameter_text(value) if value not in hidden else "****"}
            for key, value in self.resource_map.resolved_parameters.items()
        ]

    previous_resolve = CloudFormationBackend._resolve_update_parameters

    def resolve_update_parameters(self: Any, instance: Any, incoming_params: list[dict[str, str]]) -> dict[str, str]:
        if not isinstance(instance, Stack):
            return previous_resolve(self, instance, incoming_params)
        # The previous value is the stack's current one, a default included.
        current = instance.stack_parameters
        resolved = {}
        for parameter in incoming_params:
            key = parameter["ParameterKey"]
            if parameter.get("UsePreviousValue", False):
                if key not in current:
                    raise ValidationError(message=f"Invalid input for parameter key {key}. Cannot specify usePreviousValue as true for a parameter that did not exist before")
                resolved[key] = current[key]
            elif "ParameterValue" in parameter:
                resolved[key] = parameter["ParameterValue"]
        return resolved

    Stack.stack_parameters = property(stack_parameters)
    Stack.parameter_list = property(parameter_list)
    CloudFormationBackend._resolve_update_parameters = resolve_update_parameters


# --- 3. DeleteStack deletes the network ---------------------------------------------------------


@_once
def restore_network_deletion() -> None:
    """AWS: deleting a stack (or removing a resource from it) deletes its NAT gateways (with
    their network interfaces), Elastic IPs, routes, route tables, internet gateway attachments
    and internet gateways, so the VPC can be deleted and the stack ends DELETE_COMPLETE. moto
    has no delete for these types: they outlived the stack and the VPC delete failed with
    DependencyViolation. (A type that already has a delete, say from launch.py, keeps it.)"""
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.elastic_ip_addresses import ElasticAddress
    from moto.ec2.models.internet_gateways import InternetGateway
    from moto.ec2.models.nat_gateways import NatGateway
    from moto.ec2.models.route_tables import Route, RouteTable
    from moto.ec2.models.vpn_gateway import VPCGatewayAttachment

    def ec2(account_id: str, region_name: str) -> Any:
        return ec2_backends[account_id][region_name]

    def delete_nat_gateway(self: Any, backend: Any) -> None:
        if self.state == "deleted":
            return
        for address in backend.describe_addresses():
            if address.eni is not None and address.eni is self._eni:
                backend.disassociate_address(address=address.public_ip)
        try:
            backend.delete_network_interface(self._eni.id)
        except Exception as error:
            if not _missing(error):
                raise
        backend.delete_nat_gateway(self.id)

    def detach(self: Any, backend: Any) -> None:
        gateway = self.gateway_id or ""
        if gateway.startswith("igw-"):
            backend.detach_internet_gateway(gateway, self.vpc_id)
        elif gateway.startswith("vgw-"):
            backend.detach_vpn_gateway(gateway, self.vpc_id)

    actions: dict[type, Callable[[Any, Any], None]] = {
        NatGateway: delete_nat_gateway,
        ElasticAddress: lambda self, backend: backend.release_address(address=self.public_ip),
        Route: lambda self, backend: backend.delete_route(self.route_table.id, self.destination_cidr_block, self.destination_ipv6_cidr_block),
        RouteTable: lambda self, backend: backend.delete_route_table(self.id),
        VPCGatewayAttachment: detach,
        InternetGateway: lambda self, backend: backend.delete_internet_gateway(self.id),
    }

    def deleting(action: Callable[[Any, Any], None]) -> Callable[[Any, str, str], None]:
        def delete(self: Any, account_id: str, region_name: str) -> None:
            try:
                action(self, ec2(account_id, region_name))
            except Exception as error:  # already gone counts as deleted; dependencies are retried by moto
                if not _missing(error):
                    raise

        return delete

    for model, action in actions.items():
        if "delete" not in vars(model):
            model.delete = deleting(action)


# --- 4. Conditions that change on update ---------------------------------------------------------


def _conditions(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> dict[str, bool]:
    """The template's conditions evaluated with these parameters (as the stack would resolve them)."""
    from moto.cloudformation.parsing import ResourceMap

    if not template.get("Conditions"):
        return {}
    scratch = ResourceMap(
        resource_map.stack_id,
        resource_map["AWS::StackName"],
        parameters,
        {},
        region_name=resource_map._region_name,
        account_id=resource_map._account_id,
        template=template,
        cross_stack_resources=resource_map.cross_stack_resources,
    )
    scratch.load_mapping()
    scratch.load_parameters()
    scratch.load_conditions()
    return {name: bool(scratch.lazy_condition_map[name]) for name in template["Conditions"]}


@_once
def restore_condition_changes_on_update() -> None:
    """AWS: an update (UpdateStack or an executed change set) deletes the resources whose
    Condition became false and creates those whose Condition became true; the deleted ones
    leave the stack. moto only diffed the template text, so a parameter that flips a condition
    (Private Yes->No, InternalOnly No->Yes) kept the NAT gateways or the balancer."""
    from moto.cloudformation.parsing import ResourceMap

    previous_diff = ResourceMap.build_resource_diff
    previous_update = ResourceMap.update

    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, Any]:
        result = previous_diff(self, other_template, parameters)
        new = other_template.get("Resources") or {}
        # Like moto's update: no parameters passed means the stack's current ones.
        conditions = _conditions(self, other_template, parameters or self.input_parameters)

        def wanted(name: str) -> bool:
            condition = new[name].get("Condition")
            return not condition or conditions.get(condition, False)

        def exists(name: str) -> bool:
            return name in self._resource_json_map and self._parsed_resources.get(name) is not None

        add = [name for name in result["Add"] if wanted(name)]
        add += [name for name in new if wanted(name) and not exists(name) and name not in add]
        modify = [name for name in result["Modify"] if wanted(name) and exists(name)]
        remove = list(result["Remove"])
        remove += [name for name in new if not wanted(name) and exists(name) and name not in remove]
        return {**result, "Add": add, "Modify": modify, "Remove": remove}

    def update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
        removed = self.build_resource_diff(template, parameters)["Remove"]
        previous_update(self, template, parameters)
        for name in removed:  # deleted: not part of the stack any more
            self._parsed_resources.pop(name, None)

    ResourceMap.build_resource_diff = build_resource_diff
    ResourceMap.update = update


# --- 6. MapPublicIpOnLaunch --------------------------------------------------------------------


@_once
def restore_subnet_map_public_ip_on_launch() -> None:
    """AWS: an AWS::EC2::Subnet with MapPublicIpOnLaunch true maps public IPs on launch
    (DescribeSubnets shows MapPublicIpOnLaunch true), and an update that changes only
    MapPublicIpOnLaunch applies it to the same subnet (VpcId, CidrBlock or AvailabilityZone
    changes replace the subnet). moto ignored the property and could not update a subnet."""
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.subnets import Subnet

    previous_create = Subnet.create_from_cloudformation_json.__func__

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        subnet = previous_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        mapped = _true(cloudformation_json.get("Properties", {}).get("MapPublicIpOnLaunch", False))
        ec2_backends[account_id][region_name].modify_subnet_attribute(subnet.id, "map_public_ip_on_launch", mapped)
        return subnet

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json.get("Properties", {})
        backend = ec2_backends[account_id][region_name]
        same = original_resource is not None and (
            properties.get("VpcId") == original_resource.vpc_id
            and properties.get("CidrBlock") == original_resource.cidr_block
            and properties.get("AvailabilityZone", original_resource.availability_zone) == original_resource.availability_zone
        )
        if not same:
            if original_resource is not None:
                backend.delete_subnet(original_resource.id)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        mapped = _true(properties.get("MapPublicIpOnLaunch", False))
        backend.modify_subnet_attribute(original_resource.id, "map_public_ip_on_launch", mapped)
        return original_resource

    Subnet.create_from_cloudformation_json = classmethod(create)
    if "update_from_cloudformation_json" not in vars(Subnet):
        Subnet.update_from_cloudformation_json = classmethod(update)


# --- 2. CanonicalHostedZoneID ------------------------------------------------------------------


@_once
def restore_load_balancer_canonical_hosted_zone_id() -> None:
    """AWS: Fn::GetAtt [LoadBalancer, CanonicalHostedZoneID] of an
    AWS::ElasticLoadBalancingV2::LoadBalancer is the balancer's canonical hosted zone id, the
    one DescribeLoadBalancers shows as CanonicalHostedZoneId. moto left the GetAtt unresolved."""
    from moto.elbv2.models import FakeLoadBalancer

    previous = FakeLoadBalancer.get_cfn_attribute

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "CanonicalHostedZoneID":
            return self.canonical_hosted_zone_id
        return previous(self, attribute_name)

    FakeLoadBalancer.get_cfn_attribute = get_cfn_attribute


# --- 7. ListenerCertificate --------------------------------------------------------------------

LISTENER_CERTIFICATE = "AWS::ElasticLoadBalancingV2::ListenerCertificate"


@_once
def restore_listener_certificate() -> None:
    """AWS: an AWS::ElasticLoadBalancingV2::ListenerCertificate adds its Certificates to the
    listener (DescribeListenerCertificates lists them), an update replaces them with the new
    ones, and deleting it removes them from the listener. moto had no such resource type
    ("No Moto CloudFormation support"). (If a ListenerCertificate model is already registered,
    say by launch.py, it is kept.)"""
    from moto.cloudformation import parsing
    from moto.core.common_models import CloudFormationModel
    from moto.elbv2.models import elbv2_backends

    def refresh() -> None:
        parsing.get_model_list.cache_clear()
        parsing.get_model_map.cache_clear()
        parsing.get_name_type_map.cache_clear()

    refresh()
    if LISTENER_CERTIFICATE in parsing.get_model_map():
        return

    class GapListenerCertificate(CloudFormationModel):
        # moto files a model under the service named by its module: moto.<service>....
        __module__ = "moto.elbv2.aws_gaps"

        def __init__(self, listener_arn: str, certificate_arns: list[str]):
            self.listener_arn = listener_arn
            self.certificate_arns = certificate_arns

        @staticmethod
        def cloudformation_name_type() -> str:
            return ""

        @staticmethod
        def cloudformation_type() -> str:
            return LISTENER_CERTIFICATE

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return False

        @property
        def physical_resource_id(self) -> str:
            return f"{self.listener_arn}|{','.join(self.certificate_arns)}"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:  # type: ignore[override]
            properties = cloudformation_json["Properties"]
            arns = [certificate["CertificateArn"] for certificate in properties.get("Certificates", [])]
            elbv2_backends[account_id][region_name].add_listener_certificates(
                properties["ListenerArn"], [{"CertificateArn": arn} for arn in arns]
            )
            return cls(properties["ListenerArn"], arns)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:  # type: ignore[override]
            if original_resource is not None:
                original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

        def delete(self, account_id: str, region_name: str) -> None:
            try:
                elbv2_backends[account_id][region_name].remove_listener_certificates(
                    self.listener_arn, [{"CertificateArn": arn} for arn in self.certificate_arns]
                )
            except Exception as error:  # the listener is gone already
                if not _missing(error) and not isinstance(error, IndexError):
                    raise

    refresh()
    assert parsing.get_model_map()[LISTENER_CERTIFICATE] is GapListenerCertificate


# --- 10. ECS service LoadBalancers and DeploymentConfiguration -----------------------------------


def _ecs_load_balancers(properties: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for balancer in properties.get("LoadBalancers") or []:
        entry: dict[str, Any] = {}
        for source, target in (
            ("TargetGroupArn", "targetGroupArn"),
            ("LoadBalancerName", "loadBalancerName"),
            ("ContainerName", "containerName"),
            ("ContainerPort", "containerPort"),
        ):
            if balancer.get(source) is not None:
                entry[target] = int(balancer[source]) if target == "containerPort" else balancer[source]
        result.append(entry)
    return result


def _ecs_deployment_configuration(properties: dict[str, Any]) -> dict[str, Any]:
    given = properties.get("DeploymentConfiguration") or {}
    daemon = properties.get("SchedulingStrategy") == "DAEMON"
    breaker = given.get("DeploymentCircuitBreaker") or {}
    result: dict[str, Any] = {
        "maximumPercent": int(given.get("MaximumPercent", 100 if daemon else 200)),
        "minimumHealthyPercent": int(given.get("MinimumHealthyPercent", 0 if daemon else 100)),
        "deploymentCircuitBreaker": {"enable": _true(breaker.get("Enable")), "rollback": _true(breaker.get("Rollback"))},
    }
    alarms = given.get("Alarms")
    if alarms:
        result["alarms"] = {
            "alarmNames": list(alarms.get("AlarmNames", [])),
            "enable": _true(alarms.get("Enable")),
            "rollback": _true(alarms.get("Rollback")),
        }
    return result


@_once
def restore_ecs_service_load_balancers_and_deployment_configuration() -> None:
    """AWS: an AWS::ECS::Service keeps its LoadBalancers and DeploymentConfiguration:
    DescribeServices shows loadBalancers (targetGroupArn, containerName, containerPort) and
    deploymentConfiguration (maximumPercent, minimumHealthyPercent, deploymentCircuitBreaker;
    200/100 and no circuit breaker when not given, 100/0 for a DAEMON service),
    also after an update. moto dropped both. This wraps the create/update installed when it runs
    (stock, or launch.py's LaunchType/NetworkConfiguration one), calling it first, and only sets
    these two fields."""
    from moto.ecs.models import Service

    previous_create = Service.create_from_cloudformation_json.__func__
    previous_update = Service.update_from_cloudformation_json.__func__

    def keep(service: Any, cloudformation_json: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        service.load_balancers = _ecs_load_balancers(properties)
        service.deployment_configuration = _ecs_deployment_configuration(properties)
        return service

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        return keep(previous_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs), cloudformation_json)

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        service = previous_update(
            cls,
            original_resource=original_resource,
            new_resource_name=new_resource_name,
            cloudformation_json=cloudformation_json,
            account_id=account_id,
            region_name=region_name,
        )
        return keep(service, cloudformation_json)

    Service.create_from_cloudformation_json = classmethod(create)
    Service.update_from_cloudformation_json = classmethod(update)


# --- 8. ACM re-import keeps tags -----------------------------------------------------------------


@_once
def restore_acm_reimport_tags() -> None:
    """AWS: ImportCertificate with the CertificateArn of an imported certificate (a re-import)
    replaces the certificate and key under the same ARN and keeps the certificate's tags.
    moto made a fresh certificate under that ARN, so its tags were lost."""
    from moto.acm.models import AWSCertificateManagerBackend

    previous = AWSCertificateManagerBackend.import_certificate

    def import_certificate(self: Any, certificate: bytes, private_key: bytes, chain: bytes | None, arn: str | None, tags: list[dict[str, str]]) -> str:
        old = self._certificates.get(arn) if arn else None
        result = previous(self, certificate, private_key, chain, arn, tags)
        if old is not None and result in self._certificates and self._certificates[result] is not old:
            new = self._certificates[result]
            kept = old.tags
            if tags:
                kept.add(tags)
            new.tags = kept
            new.in_use_by = old.in_use_by
        return result

    AWSCertificateManagerBackend.import_certificate = import_certificate


# --- 5. ListStackResources lists existing resources ------------------------------------------------


@_once
def restore_stack_resources_exist() -> None:
    """AWS: ListStackResources, DescribeStackResources and DescribeStackResource list the
    stack's resources that exist; a resource whose Condition is false is not created and not
    listed. moto listed it as an entry with an empty logical id."""
    from moto.cloudformation.models import Stack

    def stack_resources(self: Any) -> list[Any]:
        return [resource for resource in self.resource_map.values() if resource is not None]

    Stack.stack_resources = property(stack_resources)


PATCHES = [
    restore_fn_cidr,
    restore_list_parameter_values,
    restore_network_deletion,
    restore_condition_changes_on_update,
    restore_subnet_map_public_ip_on_launch,
    restore_load_balancer_canonical_hosted_zone_id,
    restore_listener_certificate,
    restore_ecs_service_load_balancers_and_deployment_configuration,
    restore_acm_reimport_tags,
    restore_stack_resources_exist,
]


# The gaps scripts/moto/launch.py does not close itself: the launcher applies these after its
# own patches, so every gap has one patch in the running server.
COMPLEMENTS_OF_LAUNCH = [
    restore_fn_cidr,
    restore_list_parameter_values,
    restore_subnet_map_public_ip_on_launch,
    restore_ecs_service_load_balancers_and_deployment_configuration,
    restore_acm_reimport_tags,
    restore_stack_resources_exist,
]


def apply_all() -> None:
    """Apply every patch of this module (each once, however often this is called)."""
    for patch in PATCHES:
        patch()
