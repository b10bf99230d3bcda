"""CloudFormation change sets: whether a Modify replaces the resource, and which properties
change, as DescribeChangeSet reports them (Replacement, Scope, Details)."""

from __future__ import annotations

import copy
import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing

from .cloudformation_updates import scratch_map, uses_any, as_text

# "Update requires: Replacement" in the CloudFormation resource reference: the properties whose
# change makes CloudFormation create a new resource and delete the old one (the resource
# provider schemas' createOnlyProperties). Sources are listed in docs/moto.md.
REPLACED_BY: dict[str, tuple[str, ...]] = {
    "AWS::ApplicationAutoScaling::ScalableTarget": ("ResourceId", "ScalableDimension", "ServiceNamespace"),
    "AWS::ApplicationAutoScaling::ScalingPolicy": ("PolicyName", "ResourceId", "ScalableDimension", "ScalingTargetId", "ServiceNamespace"),
    "AWS::CertificateManager::Certificate": ("CertificateAuthorityArn", "DomainName", "DomainValidationOptions", "KeyAlgorithm", "SubjectAlternativeNames", "ValidationMethod"),
    "AWS::CloudFormation::Stack": (),
    "AWS::CodeBuild::Project": ("Name",),
    "AWS::EC2::EIP": ("Address", "IpamPoolId", "NetworkBorderGroup", "TransferAddress"),
    "AWS::EC2::InternetGateway": (),
    "AWS::EC2::NatGateway": ("AllocationId", "AvailabilityMode", "ConnectivityType", "PrivateIpAddress", "SubnetId", "VpcId"),
    "AWS::EC2::Route": ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId", "RouteTableId"),
    "AWS::EC2::RouteTable": ("VpcId",),
    "AWS::EC2::SecurityGroup": ("GroupDescription", "GroupName", "VpcId"),
    "AWS::EC2::SecurityGroupIngress": ("CidrIp", "CidrIpv6", "FromPort", "GroupId", "GroupName", "IpProtocol", "SourcePrefixListId", "SourceSecurityGroupId", "SourceSecurityGroupName", "SourceSecurityGroupOwnerId", "ToPort"),
    "AWS::EC2::Subnet": ("AvailabilityZone", "AvailabilityZoneId", "CidrBlock", "Ipv4IpamPoolId", "Ipv4NetmaskLength", "Ipv6IpamPoolId", "Ipv6Native", "Ipv6NetmaskLength", "OutpostArn", "VpcId"),
    "AWS::EC2::SubnetRouteTableAssociation": ("RouteTableId", "SubnetId"),
    "AWS::EC2::VPC": ("CidrBlock", "Ipv4IpamPoolId", "Ipv4NetmaskLength"),
    "AWS::EC2::VPCGatewayAttachment": ("VpcId",),
    "AWS::ECR::Repository": ("EncryptionConfiguration", "RepositoryName"),
    "AWS::ECS::Cluster": ("ClusterName",),
    "AWS::ECS::Service": ("Cluster", "Role", "SchedulingStrategy", "ServiceName"),
    "AWS::ECS::TaskDefinition": ("ContainerDefinitions", "Cpu", "EnableFaultInjection", "EphemeralStorage", "ExecutionRoleArn", "Family", "InferenceAccelerators", "IpcMode", "Memory", "NetworkMode", "PidMode", "PlacementConstraints", "ProxyConfiguration", "RequiresCompatibilities", "RuntimePlatform", "TaskRoleArn", "Volumes"),
    "AWS::ElasticLoadBalancing::LoadBalancer": ("LoadBalancerName", "Scheme"),
    "AWS::ElasticLoadBalancingV2::Listener": ("LoadBalancerArn",),
    "AWS::ElasticLoadBalancingV2::ListenerCertificate": ("ListenerArn",),
    "AWS::ElasticLoadBalancingV2::ListenerRule": ("ListenerArn",),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("Name", "Scheme", "Type"),
    "AWS::ElasticLoadBalancingV2::TargetGroup": ("IpAddressType", "Name", "Port", "Protocol", "ProtocolVersion", "TargetType", "VpcId"),
    "AWS::Events::Rule": ("Name",),
    "AWS::IAM::Role": ("Path", "RoleName"),
    "AWS::KMS::Alias": ("AliasName",),
    "AWS::KMS::Key": (),
    "AWS::Lambda::Function": ("FunctionName", "PackageType", "TenancyConfig"),
    "AWS::Lambda::Permission": ("Action", "EventSourceToken", "FunctionName", "FunctionUrlAuthType", "InvokedViaFunctionUrl", "Principal", "PrincipalOrgID", "SourceAccount", "SourceArn"),
    "AWS::Logs::LogGroup": ("LogGroupName",),
    "AWS::Route53::HostedZone": ("Name",),
    "AWS::Route53::RecordSet": ("HostedZoneId", "HostedZoneName", "Name"),
    "AWS::S3::Bucket": ("BucketName", "BucketNamePrefix", "BucketNamespace"),
    "AWS::SSM::Parameter": ("Name",),
    "AWS::Scheduler::Schedule": ("Name",),
}

# "Update requires: Some interruptions" or replacement depending on the change: the schemas'
# conditionalCreateOnlyProperties ("properties that can only be updated under certain
# conditions ... the resource will be replaced if it cannot be updated",
# https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html).
# DescribeChangeSet reports them RequiresRecreation Conditionally, so Replacement Conditional.
# Taken from the schemas cfn-lint 1.51 ships (us-east-1) for the types above.
CONDITIONALLY_REPLACED_BY: dict[str, tuple[str, ...]] = {
    "AWS::EC2::Subnet": ("Ipv6CidrBlock",),
    "AWS::EC2::VPC": ("InstanceTenancy",),
    "AWS::ECS::Service": ("LaunchType",),
    "AWS::Events::Rule": ("EventBusName",),
    "AWS::Lambda::Function": ("DurableConfig",),
}

_UNRESOLVED = object()
_IMPACT = {"Never": 0, "Conditionally": 1, "Always": 2}


@functools.lru_cache(maxsize=None)
def _schema_replaced_by(resource_type: str, key: str = "createOnlyProperties") -> tuple[str, ...] | None:
    """createOnlyProperties (or conditionalCreateOnlyProperties) from the resource provider
    schemas cfn-lint ships, for the types the tables above leave out (None when cfn-lint is not
    installed or knows no such type)."""
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        return None
    schemas = Path(list(spec.submodule_search_locations)[0]) / "data" / "schemas"
    try:
        index = (schemas / "providers" / "us_east_1.py").read_text()
        found = re.search(r'"' + re.escape(resource_type) + r'": "([0-9a-f]+)"', index)
        if not found:
            return None
        schema = json.loads((schemas / "resources" / f"{found.group(1)}.json").read_text())
    except OSError:
        return None
    return tuple(sorted({path.split("/")[2] for path in schema.get(key, [])}))


def requires_recreation(resource_type: str, property_name: str) -> str:
    """Always when changing the property replaces the resource, Conditionally when it may
    (a conditionally create-only property, or a type neither the table nor a schema knows),
    Never when it is updated in place."""
    replaced_by = REPLACED_BY.get(resource_type)
    if replaced_by is None:
        replaced_by = _schema_replaced_by(resource_type)
    if replaced_by is None:
        return "Conditionally"
    if property_name in replaced_by:
        return "Always"
    conditionally = CONDITIONALLY_REPLACED_BY.get(resource_type) if resource_type in REPLACED_BY else _schema_replaced_by(resource_type, "conditionalCreateOnlyProperties")
    return "Conditionally" if property_name in (conditionally or ()) else "Never"


def comparable(value: Any) -> Any:
    """A resolved value as CloudFormation compares it: 80 and "80", true and "true" are equal;
    an AWS::NoValue is no value."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [comparable(item) for item in value if item is not None]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return None
    return str(value)


def _resolver(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> Any:
    """Resolves property values against the stack's existing resources and the given
    parameters, without creating anything: a Ref or GetAtt to a resource that does not exist
    yet cannot be resolved."""
    scratch = scratch_map(resource_map, template, parameters)
    scratch._parsed_resources = {**resource_map._parsed_resources, **scratch._parsed_resources}
    scratch._resource_json_map = {}

    def resolve(value: Any) -> Any:
        try:
            return comparable(cfn_parsing.clean_json(copy.deepcopy(value), scratch))
        except Exception:  # refers to something only the update will make
            return _UNRESOLVED

    return resolve


def _references(node: Any) -> list[tuple[str, str]]:
    """The resources a property takes values from: ("Ref"|"GetAtt", logical id)."""
    found: list[tuple[str, str]] = []
    if isinstance(node, list):
        for item in node:
            found += _references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.append(("Ref", value))
            elif key == "Fn::GetAtt":
                name = value[0] if isinstance(value, list) and value else str(value).split(".")[0]
                found.append(("GetAtt", name))
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) and value else value
                for name in re.findall(r"\$\{([^}!]+)\}", text if isinstance(text, str) else ""):
                    found.append(("GetAtt" if "." in name else "Ref", name.split(".")[0]))
                found += _references(value[1] if isinstance(value, list) and len(value) > 1 else [])
            else:
                found += _references(value)
    return found


def _detail(attribute: str, name: str | None, recreation: str, evaluation: str, source: str, causing: str | None) -> dict[str, Any]:
    target: dict[str, Any] = {"Attribute": attribute, "RequiresRecreation": recreation}
    if name:
        target["Name"] = name
    detail: dict[str, Any] = {"Target": target, "Evaluation": evaluation, "ChangeSource": source}
    if causing:
        detail["CausingEntity"] = causing
    return detail


def _replacement(details: list[dict[str, Any]]) -> str:
    # Always and Static: True; Always and Dynamic, or Conditionally: Conditional; else False.
    if any(d["Target"]["RequiresRecreation"] == "Always" and d["Evaluation"] == "Static" for d in details):
        return "True"
    if any(d["Target"]["RequiresRecreation"] != "Never" for d in details):
        return "Conditional"
    return "False"


def describe_modifications(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any], modified: list[str], added: list[str]) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """For each modified resource: its Replacement and the Details of its changed properties."""
    old_resolve = _resolver(resource_map, resource_map._template, resource_map.input_parameters)
    new_resolve = _resolver(resource_map, template, parameters)
    old_values = {key: as_text(value) for key, value in resource_map.resolved_parameters.items()}
    new_scratch = scratch_map(resource_map, template, parameters)
    new_values = {key: as_text(value) for key, value in new_scratch.resolved_parameters.items()}
    changed_parameters = {key for key in set(old_values) | set(new_values) if old_values.get(key) != new_values.get(key)}
    conditions = template.get("Conditions") or {}
    result: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    static: dict[str, list[dict[str, Any]]] = {}
    for name in modified:
        resource_type = template["Resources"][name]["Type"]
        old = (resource_map._resource_json_map.get(name) or {}).get("Properties") or {}
        new = template["Resources"][name].get("Properties") or {}
        details: list[dict[str, Any]] = []
        for key in sorted(set(old) | set(new), key=lambda k: list(new).index(k) if k in new else len(new)):
            attribute = "Tags" if key == "Tags" else "Properties"
            recreation = "Never" if attribute == "Tags" else requires_recreation(resource_type, key)
            before, after = old_resolve(old.get(key)), new_resolve(new.get(key))
            pending = [entity for _, entity in _references(new.get(key)) if entity in added]
            if after is _UNRESOLVED or pending:
                details.append(_detail(attribute, key if attribute == "Properties" else None, recreation, "Dynamic", "ResourceReference", pending[0] if pending else None))
            elif before != after:
                if old.get(key) != new.get(key):
                    details.append(_detail(attribute, key if attribute == "Properties" else None, recreation, "Static", "DirectModification", None))
                else:
                    causing = sorted(parameter for parameter in changed_parameters if uses_any(new.get(key), {parameter}) or any(uses_any(conditions.get(condition), {parameter}) for condition in conditions if uses_any(new.get(key), {condition})))
                    details.append(_detail(attribute, key if attribute == "Properties" else None, recreation, "Static", "ParameterReference", causing[0] if causing else None))
        previous_json = resource_map._resource_json_map.get(name) or {}
        for attribute in ("Metadata", "CreationPolicy", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy"):
            if previous_json.get(attribute) != template["Resources"][name].get(attribute):
                details.append(_detail(attribute, None, "Never", "Static", "DirectModification", None))
        static[name] = details
    # A resource that is replaced gets a new physical id (and attributes): every property that
    # takes a value from it may change, which CloudFormation can only tell at execution (Dynamic).
    replaced = {name: _replacement(static[name]) for name in modified}
    for _ in range(len(modified) + 1):
        grown = False
        for name in modified:
            resource_type = template["Resources"][name]["Type"]
            new = template["Resources"][name].get("Properties") or {}
            known = {detail["Target"].get("Name", detail["Target"]["Attribute"]) for detail in static[name]}
            for key, value in new.items():
                if key in known or (key == "Tags" and "Tags" in known):
                    continue
                for kind, entity in _references(value):
                    if entity not in replaced or (kind == "Ref" and replaced[entity] == "False"):
                        continue
                    attribute = "Tags" if key == "Tags" else "Properties"
                    recreation = "Never" if attribute == "Tags" else requires_recreation(resource_type, key)
                    source = "ResourceReference" if kind == "Ref" else "ResourceAttribute"
                    static[name].append(_detail(attribute, key if attribute == "Properties" else None, recreation, "Dynamic", source, entity))
                    grown = True
                    break
            replaced[name] = _replacement(static[name])
        if not grown:
            break
    for name in modified:
        result[name] = (replaced[name], static[name])
    return result


def restore_change_set_replacement() -> None:
    """AWS: DescribeChangeSet reports, for each Modify, the resource's PhysicalResourceId, its
    Scope (Properties, Tags), Details (one per changed property: Target.Attribute, Name and
    RequiresRecreation Always, Conditionally or Never from the resource type's "Update requires: Replacement"
    properties, Evaluation Static or Dynamic, ChangeSource DirectModification,
    ParameterReference, ResourceReference or ResourceAttribute with its CausingEntity) and
    Replacement: True when a property that requires replacement changes (Static), Conditional
    when it may change (Dynamic, because a resource it takes a value from is replaced) or when a
    conditionally create-only property changes (RequiresRecreation Conditionally: an ECS
    service's LaunchType, https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html),
    False otherwise. The changed properties are those whose resolved values differ between the
    deployed stack and the change set. Remove changes carry the PhysicalResourceId. moto
    reported only the action, logical id and type."""
    previous = cfn_models.ChangeSet.diff

    def diff(self: Any) -> Any:
        changes = previous(self)
        resource_map = self.stack.resource_map
        if self.change_set_type != "UPDATE" or not self.template_dict:
            return changes
        modified = [change.logical_resource_id for change in changes if change.action == "Modify"]
        added = [change.logical_resource_id for change in changes if change.action == "Add"]
        parameters = self.parameters if self.parameters is not None else resource_map.input_parameters
        described = describe_modifications(resource_map, self.template_dict, parameters, modified, added)
        # A resource listed only because it refers to one that changes in place keeps its
        # values: AWS does not list it.
        changes = [change for change in changes if change.action != "Modify" or described[change.logical_resource_id][1]]
        for change in changes:
            existing = resource_map._parsed_resources.get(change.logical_resource_id)
            if change.action in ("Modify", "Remove") and existing is not None and not isinstance(existing, str):
                change.physical_resource_id = getattr(existing, "physical_resource_id", None)
            if change.action == "Modify":
                change.replacement, change.details = described[change.logical_resource_id]
                change.scope = sorted({detail["Target"]["Attribute"] for detail in change.details})
        return changes

    cfn_models.ChangeSet.diff = diff
