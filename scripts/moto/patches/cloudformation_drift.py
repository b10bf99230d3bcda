"""CloudFormation drift detection: DetectStackDrift, DescribeStackDriftDetectionStatus,
DescribeStackResourceDrifts and DetectStackResourceDrift, for the resource types racknet
reports drift on (moto had none of these calls)."""

from __future__ import annotations

import copy
import json
from typing import Any, Callable

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation import responses as cfn_responses
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random

from .cloudformation_replacement import _normal
from .cloudformation_updates import scratch_map

# Lists CloudFormation compares as sets (the schema's insertionOrder false): a rule's index
# says nothing, only whether it is there.
UNORDERED = {"SecurityGroupIngress", "SecurityGroupEgress", "Tags"}


# --- what each type is in AWS now, in the template's shape ------------------------------


def _rule(rule: Any, is_ingress: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"IpProtocol": rule.ip_protocol}
    if rule.from_port is not None:
        entry["FromPort"], entry["ToPort"] = rule.from_port, rule.to_port
    ip_range, source = rule.ip_range or {}, rule.source_group or {}
    if ip_range.get("CidrIp"):
        entry["CidrIp"] = ip_range["CidrIp"]
    if ip_range.get("CidrIpv6"):
        entry["CidrIpv6"] = ip_range["CidrIpv6"]
    if source.get("GroupId"):
        entry["SourceSecurityGroupId" if is_ingress else "DestinationSecurityGroupId"] = source["GroupId"]
    if rule.prefix_list_id:
        entry["SourcePrefixListId" if is_ingress else "DestinationPrefixListId"] = rule.prefix_list_id
    description = ip_range.get("Description") or source.get("Description")
    if description:
        entry["Description"] = description
    return entry


def _security_group(resource: Any, account_id: str, region_name: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    from moto.ec2.models import ec2_backends

    group = ec2_backends[account_id][region_name].get_security_group_from_id(resource.physical_resource_id)
    if group is None:
        return None
    return {
        "GroupDescription": group.description,
        "GroupName": group.name,
        "VpcId": group.vpc_id,
        "SecurityGroupIngress": [_rule(rule, True) for rule in group.ingress_rules],
        "SecurityGroupEgress": [_rule(rule, False) for rule in group.egress_rules],
        "Tags": _tags(group),
    }


def _tags(resource: Any) -> list[dict[str, str]]:
    """The resource's tags but CloudFormation's own aws:* ones, which drift detection ignores."""
    tags = [{"Key": tag.get("Key", tag.get("key")), "Value": tag.get("Value", tag.get("value"))} for tag in resource.get_tags()]
    return [tag for tag in tags if not str(tag["Key"]).startswith("aws:")]


def _ingress_identity(rule: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("IpProtocol", "FromPort", "ToPort", "CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourcePrefixListId")
    normal = _normal({**rule, "IpProtocol": _protocol(rule.get("IpProtocol"))})
    return tuple(normal.get(key) for key in keys)


def _protocol(value: Any) -> str:
    text = str(value).lower()
    return {"6": "tcp", "17": "udp", "1": "icmp", "all": "-1"}.get(text, text)


def _security_group_ingress(resource: Any, account_id: str, region_name: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    from moto.ec2.models import ec2_backends

    group_id = expected.get("GroupId")
    group = ec2_backends[account_id][region_name].get_security_group_from_id(group_id) if group_id else None
    if group is None:
        return None
    wanted = _ingress_identity(expected)
    for rule in group.ingress_rules:
        actual = _rule(rule, True)
        if _ingress_identity(actual) == wanted:
            return {"GroupId": group.id, **actual}
    return None


def _action(action: Any) -> dict[str, Any]:
    return copy.deepcopy(getattr(action, "data", action))


def _listener(resource: Any, account_id: str, region_name: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    from moto.elbv2.models import elbv2_backends

    backend = elbv2_backends[account_id][region_name]
    for balancer in backend.load_balancers.values():
        listener = balancer.listeners.get(resource.physical_resource_id)
        if listener is not None:
            actual: dict[str, Any] = {
                "LoadBalancerArn": listener.load_balancer_arn,
                "Port": int(listener.port),
                "Protocol": listener.protocol,
                "DefaultActions": [_action(action) for action in listener.default_actions],
            }
            if listener.ssl_policy:
                actual["SslPolicy"] = listener.ssl_policy
            if listener.certificates:
                actual["Certificates"] = [{"CertificateArn": arn} for arn in listener.certificates[:1]]
            return actual
    return None


def _listener_rule(resource: Any, account_id: str, region_name: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    from moto.elbv2.models import elbv2_backends

    for balancer in elbv2_backends[account_id][region_name].load_balancers.values():
        for listener in balancer.listeners.values():
            rule = listener.rules.get(resource.physical_resource_id) if isinstance(listener.rules, dict) else None
            if rule is not None:
                return {
                    "ListenerArn": listener.arn,
                    "Priority": int(rule.priority),
                    "Conditions": copy.deepcopy(rule.conditions),
                    "Actions": [_action(action) for action in rule.actions],
                }
    return None


CHECKED: dict[str, Callable[[Any, str, str, dict[str, Any]], dict[str, Any] | None]] = {
    "AWS::EC2::SecurityGroup": _security_group,
    "AWS::EC2::SecurityGroupIngress": _security_group_ingress,
    "AWS::ElasticLoadBalancingV2::Listener": _listener,
    "AWS::ElasticLoadBalancingV2::ListenerRule": _listener_rule,
}


# --- comparing -------------------------------------------------------------------------


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), sort_keys=True)


def _difference(path: str, expected: Any, actual: Any, kind: str) -> dict[str, str]:
    return {"PropertyPath": path, "ExpectedValue": "null" if expected is None else _json(expected), "ActualValue": "null" if actual is None else _json(actual), "DifferenceType": kind}


IDENTITY = ("IpProtocol", "FromPort", "ToPort", "CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourcePrefixListId", "DestinationSecurityGroupId", "DestinationPrefixListId", "Key", "Value")


def _matches(expected: Any, actual: Any) -> bool:
    """Whether the actual value has what the template says (keys the template leaves out are not compared)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(_matches(value, actual.get(key)) for key, value in expected.items() if value is not None)
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(_matches(e, a) for e, a in zip(expected, actual))
    return _normal(expected) == _normal(actual)


def _same_item(expected: Any, actual: Any) -> bool:
    """An item of an unordered list (a rule, a tag) is the same when it has the template's values
    and no identifying value the template does not have (another source, another port)."""
    if not _matches(expected, actual):
        return False
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(key in expected for key in IDENTITY if actual.get(key) is not None)
    return True


def compare(path: str, expected: Any, actual: Any, unordered: bool = False) -> list[dict[str, str]]:
    """PropertyDifferences between the template's value and the actual one: NOT_EQUAL for a
    value, REMOVE for what the template has and AWS not, ADD for list items AWS has and the
    template not. Keys the template leaves out of an object are not compared."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found: list[dict[str, str]] = []
        for key, value in expected.items():
            if value is None:
                continue
            if key not in actual or actual[key] is None:
                found.append(_difference(f"{path}/{key}", value, None, "REMOVE"))
            else:
                found += compare(f"{path}/{key}", value, actual[key], key in UNORDERED)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = []
        if unordered:
            unmatched = list(range(len(actual)))
            for index, item in enumerate(expected):
                match = next((other for other in unmatched if _same_item(item, actual[other])), None)
                if match is None:
                    found.append(_difference(f"{path}/{index}", item, None, "REMOVE"))
                else:
                    unmatched.remove(match)
            return found + [_difference(f"{path}/{other}", None, actual[other], "ADD") for other in unmatched]
        for index in range(max(len(expected), len(actual))):
            if index >= len(actual):
                found.append(_difference(f"{path}/{index}", expected[index], None, "REMOVE"))
            elif index >= len(expected):
                found.append(_difference(f"{path}/{index}", None, actual[index], "ADD"))
            else:
                found += compare(f"{path}/{index}", expected[index], actual[index])
        return found
    if _normal(expected) != _normal(actual):
        return [_difference(path, expected, actual, "NOT_EQUAL")]
    return []


# --- detecting --------------------------------------------------------------------------


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value if item is not None]
    return value


def expected_properties(stack: Any, logical_id: str) -> dict[str, Any]:
    """The resource's template properties, resolved as the stack stands (nothing is created)."""
    resource_map = stack.resource_map
    scratch = scratch_map(resource_map, resource_map._template, resource_map.input_parameters)
    scratch._parsed_resources = {**resource_map._parsed_resources, **scratch._parsed_resources}
    scratch._resource_json_map = {}
    properties = (resource_map._resource_json_map.get(logical_id) or {}).get("Properties") or {}
    resolved = _without_none(cfn_parsing.clean_json(copy.deepcopy(properties), scratch))
    resource_type = resource_map._resource_json_map[logical_id]["Type"]
    if resource_type == "AWS::EC2::SecurityGroup":
        # AWS compares a group's rules only when the template lists some: an absent or empty
        # list is not checked (aws-cloudformation/cloudformation-coverage-roadmap#2091).
        for key in ("SecurityGroupIngress", "SecurityGroupEgress"):
            if not resolved.get(key):
                resolved.pop(key, None)
            else:
                resolved[key] = [{**rule, "IpProtocol": _protocol(rule.get("IpProtocol"))} for rule in resolved[key]]
    if resource_type == "AWS::EC2::SecurityGroupIngress" and "IpProtocol" in resolved:
        resolved["IpProtocol"] = _protocol(resolved["IpProtocol"])
    return resolved


def detect_resource(stack: Any, logical_id: str) -> dict[str, Any] | None:
    """The resource's StackResourceDrift, or None for a type whose drift is not checked."""
    resource_map = stack.resource_map
    resource_type = resource_map._resource_json_map[logical_id]["Type"]
    check = CHECKED.get(resource_type)
    resource = resource_map._parsed_resources.get(logical_id)
    if check is None or resource is None:
        return None
    expected = expected_properties(stack, logical_id)
    actual = check(resource, stack.account_id, stack.region_name, expected)
    drift: dict[str, Any] = {
        "StackId": stack.stack_id,
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": getattr(resource, "physical_resource_id", ""),
        "ResourceType": resource_type,
        "ExpectedProperties": json.dumps(expected, sort_keys=True),
        "Timestamp": utcnow(),
    }
    if actual is None:
        drift["StackResourceDriftStatus"] = "DELETED"
        drift["PropertyDifferences"] = []
        return drift
    shown = {key: actual[key] for key in actual if key in expected}
    differences = compare("", expected, shown)
    drift["ActualProperties"] = json.dumps(shown, sort_keys=True)
    drift["PropertyDifferences"] = differences
    drift["StackResourceDriftStatus"] = "MODIFIED" if differences else "IN_SYNC"
    return drift


def _drift_state(backend: Any) -> dict[str, Any]:
    if not hasattr(backend, "_racknet_drift"):
        backend._racknet_drift = {"detections": {}, "resources": {}}
    return backend._racknet_drift


def detect_stack(backend: Any, stack: Any, logical_ids: list[str] | None) -> str:
    state = _drift_state(backend)
    now = utcnow()
    checked = state["resources"].setdefault(stack.stack_id, {})
    names = [name for name in stack.resource_map._resource_json_map if name in stack.resource_map._parsed_resources and not isinstance(stack.resource_map._parsed_resources[name], str)]
    for name in names if not logical_ids else [name for name in names if name in logical_ids]:
        drift = detect_resource(stack, name)
        checked[name] = drift if drift is not None else {"StackResourceDriftStatus": "NOT_CHECKED"}
    drifted = [drift for drift in checked.values() if drift["StackResourceDriftStatus"] in ("MODIFIED", "DELETED")]
    detection_id = str(mock_random.uuid4())
    state["detections"][detection_id] = {
        "StackId": stack.stack_id,
        "StackDriftDetectionId": detection_id,
        "StackDriftStatus": "DRIFTED" if drifted else "IN_SYNC",
        "DetectionStatus": "DETECTION_COMPLETE",
        "DriftedStackResourceCount": len(drifted),
        "Timestamp": now,
    }
    stack.drift_information = {"StackDriftStatus": "DRIFTED" if drifted else "IN_SYNC", "LastCheckTimestamp": now}
    return detection_id


def _resource_drift_information(backend: Any, stack: Any, logical_id: str) -> dict[str, Any]:
    drift = _drift_state(backend)["resources"].get(stack.stack_id, {}).get(logical_id)
    if drift is None or "Timestamp" not in drift:
        return {"StackResourceDriftStatus": "NOT_CHECKED"}
    return {"StackResourceDriftStatus": drift["StackResourceDriftStatus"], "LastCheckTimestamp": drift["Timestamp"]}


def restore_drift_detection() -> None:
    """AWS: DetectStackDrift compares each resource of the stack that supports drift detection
    with its template (the template's properties only; a security group's rules only when the
    template lists some, and then rules added by separate AWS::EC2::SecurityGroupIngress
    resources count as added, as AWS reports them) and returns a StackDriftDetectionId;
    DescribeStackDriftDetectionStatus gives StackDriftStatus DRIFTED or IN_SYNC,
    DetectionStatus and DriftedStackResourceCount; DescribeStackResourceDrifts lists the checked
    resources (StackResourceDriftStatusFilters, MaxResults) with StackResourceDriftStatus
    IN_SYNC, MODIFIED or DELETED, ExpectedProperties and ActualProperties as JSON and
    PropertyDifferences (PropertyPath, ExpectedValue, ActualValue, DifferenceType ADD, REMOVE
    or NOT_EQUAL); DetectStackResourceDrift checks one resource; DescribeStacks shows the
    stack's DriftInformation and ListStackResources / DescribeStackResources each resource's
    (NOT_CHECKED until checked, and for types that are not checked). Checked here:
    AWS::EC2::SecurityGroup, AWS::EC2::SecurityGroupIngress,
    AWS::ElasticLoadBalancingV2::Listener and ::ListenerRule. moto had none of these calls."""
    Response = cfn_responses.CloudFormationResponse

    def find_stack(self: Any, name: str) -> Any:
        stack = self.cloudformation_backend.get_stack(name)
        if stack is None:
            raise cfn_models.ValidationError(name)
        return stack

    def detect_stack_drift(self: Any) -> Any:
        stack = find_stack(self, self._get_param("StackName"))
        logical_ids = self._get_param("LogicalResourceIds")
        return cfn_responses.ActionResult({"StackDriftDetectionId": detect_stack(self.cloudformation_backend, stack, logical_ids)})

    def describe_stack_drift_detection_status(self: Any) -> Any:
        detection_id = self._get_param("StackDriftDetectionId")
        detection = _drift_state(self.cloudformation_backend)["detections"].get(detection_id)
        if detection is None:
            raise cfn_models.ValidationError(detection_id, message=f"Stack drift detection with id [{detection_id}] does not exist")
        return cfn_responses.ActionResult(detection)

    def describe_stack_resource_drifts(self: Any) -> Any:
        stack = find_stack(self, self._get_param("StackName"))
        wanted = self._get_param("StackResourceDriftStatusFilters") or ["IN_SYNC", "MODIFIED", "DELETED"]
        checked = _drift_state(self.cloudformation_backend)["resources"].get(stack.stack_id, {})
        drifts = [drift for drift in checked.values() if drift["StackResourceDriftStatus"] != "NOT_CHECKED" and drift["StackResourceDriftStatus"] in wanted]
        start = int(self._get_param("NextToken") or 0)
        size = int(self._get_param("MaxResults") or 100)
        page = drifts[start : start + size]
        result: dict[str, Any] = {"StackResourceDrifts": page}
        if start + size < len(drifts):
            result["NextToken"] = str(start + size)
        return cfn_responses.ActionResult(result)

    def detect_stack_resource_drift(self: Any) -> Any:
        stack = find_stack(self, self._get_param("StackName"))
        logical_id = self._get_param("LogicalResourceId")
        resource_type = (stack.resource_map._resource_json_map.get(logical_id) or {}).get("Type")
        if logical_id not in stack.resource_map._parsed_resources or resource_type is None:
            raise cfn_models.ValidationError(logical_id, message=f"Resource {logical_id} does not exist for stack {stack.name}")
        drift = detect_resource(stack, logical_id)
        if drift is None:
            raise cfn_models.ValidationError(logical_id, message=f"Drift detection is not supported for resource type {resource_type}")
        _drift_state(self.cloudformation_backend)["resources"].setdefault(stack.stack_id, {})[logical_id] = drift
        return cfn_responses.ActionResult({"StackResourceDrift": drift})

    def list_stack_resources(self: Any) -> Any:
        stack = find_stack(self, self._get_param("StackName"))
        summaries = [
            {
                "ResourceStatus": "CREATE_COMPLETE",
                "LogicalResourceId": getattr(resource, "logical_resource_id", ""),
                "LastUpdateTimestamp": "2011-06-21T20:15:58Z",
                "PhysicalResourceId": getattr(resource, "physical_resource_id", ""),
                "ResourceType": getattr(resource, "cf_resource_type", ""),
                "DriftInformation": _resource_drift_information(self.cloudformation_backend, stack, getattr(resource, "logical_resource_id", "")),
            }
            for resource in self.cloudformation_backend.list_stack_resources(stack.stack_id)
        ]
        return cfn_responses.ActionResult({"StackResourceSummaries": summaries})

    previous_dto = cfn_responses.StackResourceDTO.__init__

    def stack_resource_dto(self: Any, stack: Any, resource: Any) -> None:
        previous_dto(self, stack, resource)
        backend = cfn_models.cloudformation_backends[stack.account_id][stack.region_name]
        self.drift_information = _resource_drift_information(backend, stack, self.logical_resource_id or "")

    Response.detect_stack_drift = detect_stack_drift
    Response.describe_stack_drift_detection_status = describe_stack_drift_detection_status
    Response.describe_stack_resource_drifts = describe_stack_resource_drifts
    Response.detect_stack_resource_drift = detect_stack_resource_drift
    Response.list_stack_resources = list_stack_resources
    cfn_responses.StackResourceDTO.__init__ = stack_resource_dto
    cfn_models.Stack.drift_information = {"StackDriftStatus": "NOT_CHECKED"}
