"""CloudFormation drift detection: DetectStackDrift, DescribeStackDriftDetectionStatus,
DescribeStackResourceDrifts and DetectStackResourceDrift, for the resource types racknet
reports drift on (moto had none of these calls)."""

from __future__ import annotations

import copy
import json
from typing import Any

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation import responses as cfn_responses
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random

from .cloudformation_drift_checks import CHECKED, compare, protocol
from .cloudformation_updates import scratch_map


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
                resolved[key] = [{**rule, "IpProtocol": protocol(rule.get("IpProtocol"))} for rule in resolved[key]]
        # Stack-level tags are propagated to the group, and AWS expects them there: they are
        # not drift (aws-cloudformation/cloudformation-coverage-roadmap#218, #955).
        stack_tags = [{"Key": key, "Value": value} for key, value in dict(stack.tags or {}).items() if key not in {tag.get("Key") for tag in resolved.get("Tags") or []}]
        if stack_tags:
            resolved["Tags"] = [*(resolved.get("Tags") or []), *stack_tags]
    if resource_type == "AWS::EC2::SecurityGroupIngress" and "IpProtocol" in resolved:
        resolved["IpProtocol"] = protocol(resolved["IpProtocol"])
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
    with its template (the template's properties only, a security group's expected Tags
    including the stack-level tags CloudFormation propagates to it; a security group's rules only when the
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
                # A resource whose deletion failed says so (restore_stack_deletion_failure).
                "ResourceStatus": getattr(stack, "_racknet_resource_statuses", {}).get(getattr(resource, "logical_resource_id", ""), "CREATE_COMPLETE"),
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
