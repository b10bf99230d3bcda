"""Patches that make moto 5.2 behave like AWS where racknet's templates found it departs.

launch.py applies `PATCHES` after its own, before moto's server starts. One function per gap; each
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


# The gaps scripts/moto/launch.py does not close itself (it closes 2, 3, 4 and 7, and the
# load balancers of 10): the launcher applies these after its own patches, so every gap has
# one patch in the running server.
PATCHES = [
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
