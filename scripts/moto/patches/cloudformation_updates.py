"""CloudFormation stack updates: which resources an update creates, updates or deletes, and
what stays in the stack."""

from __future__ import annotations

from typing import Any

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing

from .cloudformation_change_sets import as_text

ResourceMap = cfn_parsing.ResourceMap


def restore_condition_aware_updates() -> None:
    """AWS: an update (UpdateStack or a change set, also with UsePreviousTemplate and new
    parameter values) creates the resources whose Condition became true, deletes those whose
    Condition became false, and updates those whose properties resolve differently (a changed
    parameter they Ref or Sub, a Fn::If on a changed condition). DescribeChangeSet lists those
    changes. moto diffs only the template text, so a parameter-only update does nothing; it
    also saw a resource without Properties as modified on every update (an ECS cluster was
    replaced), kept removed resources in the stack, and failed a stack delete when a resource
    was already gone (AWS skips it)."""

    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, list[str]]:
        old = self._resource_json_map
        new = other_template.get("Resources", {})
        new_parameters = parameters if parameters is not None else self.input_parameters
        old_conditions = _conditions_of(self, self._template, self.input_parameters)
        new_conditions = _conditions_of(self, other_template, new_parameters)
        old_values = {key: as_text(value) for key, value in self.resolved_parameters.items()}
        new_values = _resolved_values(self, other_template, new_parameters)
        changed = {key for key in set(old_values) | set(new_values) if old_values.get(key) != new_values.get(key)}
        changed |= {name for name in set(old_conditions) | set(new_conditions) if old_conditions.get(name) != new_conditions.get(name)}

        def active(resource: dict[str, Any], conditions: dict[str, bool]) -> bool:
            condition = resource.get("Condition")
            return not condition or bool(conditions.get(condition))

        def same(name: str) -> bool:
            # moto adds "Properties": {} to the stored template when it parses a resource.
            return {"Properties": {}, **old[name]} == {"Properties": {}, **new[name]}

        existed = {name for name, resource in old.items() if active(resource, old_conditions)}
        wanted = {name for name, resource in new.items() if active(resource, new_conditions)}
        modify = [
            name
            for name in new
            if name in existed and name in wanted and (not same(name) or uses_any(new[name], changed))
        ]
        return {
            "Add": [name for name in new if name in wanted and name not in existed],
            "Modify": modify,
            "Remove": [name for name in old if name in existed and name not in wanted],
        }

    original_diff = cfn_models.ChangeSet.diff

    def diff(self: Any) -> Any:
        # Compute the change set's changes with its parameters, as AWS does.
        resource_map = self.stack.resource_map
        saved = resource_map.build_change_set_actions
        resource_map.build_change_set_actions = lambda template: _change_set_actions(resource_map, template, self.parameters)
        try:
            return original_diff(self)
        finally:
            resource_map.build_change_set_actions = saved

    original_update = ResourceMap.update

    def update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
        removed = self.build_resource_diff(template, parameters)["Remove"]
        original_update(self, template, parameters)
        # A removed resource is gone: a later stack delete must not try to delete it again.
        for name in removed:
            self._parsed_resources.pop(name, None)

    original_delete_resource = ResourceMap._delete_resource

    def delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
        try:
            original_delete_resource(self, parsed_resource, resource_json)
        except Exception as error:
            text = f"{type(error).__name__} {getattr(error, 'error_type', '')} {error}"
            if "NotFound" not in text and "does not exist" not in text:
                raise

    ResourceMap.build_resource_diff = build_resource_diff
    ResourceMap.update = update
    ResourceMap._delete_resource = delete_resource
    cfn_models.ChangeSet.diff = diff


def _change_set_actions(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> dict[str, dict[str, dict[str, str]]]:
    names = resource_map.build_resource_diff(template, parameters)
    result: dict[str, dict[str, dict[str, str]]] = {"Add": {}, "Modify": {}, "Remove": {}}
    for action in ("Add", "Modify"):
        for name in names[action]:
            result[action][name] = {"LogicalResourceId": name, "ResourceType": template["Resources"][name]["Type"]}
    for name in names["Remove"]:
        result["Remove"][name] = {"LogicalResourceId": name, "ResourceType": resource_map._resource_json_map[name]["Type"]}
    return result


def scratch_map(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> Any:
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
    return scratch


def _conditions_of(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> dict[str, bool]:
    if not template or not template.get("Conditions"):
        return {}
    scratch = scratch_map(resource_map, template, parameters)
    return {name: bool(scratch.lazy_condition_map[name]) for name in template["Conditions"]}


def _resolved_values(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> dict[str, str]:
    if not template:
        return {}
    scratch = scratch_map(resource_map, template, parameters)
    return {key: as_text(value) for key, value in scratch.resolved_parameters.items()}


def uses_any(node: Any, names: set[str]) -> bool:
    """Whether a resource's JSON refers (Ref, Fn::Sub, Fn::If) to any of these parameters/conditions."""
    if not names:
        return False
    if isinstance(node, list):
        return any(uses_any(item, names) for item in node)
    if not isinstance(node, dict):
        return False
    for key, value in node.items():
        # Only strings name parameters or conditions: an IAM policy's "Condition" is a map.
        if key in ("Ref", "Condition") and isinstance(value, str) and value in names:
            return True
        if key == "Fn::If" and isinstance(value, list) and value and isinstance(value[0], str) and value[0] in names:
            return True
        if key == "Fn::Sub":
            text = value[0] if isinstance(value, list) and value else value
            if isinstance(text, str) and any("${" + name + "}" in text for name in names):
                return True
        if uses_any(value, names):
            return True
    return False


def restore_resources_kept_on_update() -> None:
    """AWS: a resource that an update modifies stays in the stack (updated in place or
    replaced). moto stores None for types it cannot update, so the resource drops out of
    ListStackResources and every Ref to it breaks; keep the existing resource instead."""
    original = cfn_parsing.parse_and_update_resource

    def parse_and_update_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        updated = original(logical_id, resource_json, resources_map, account_id, region_name)
        if updated is None and logical_id in resources_map._parsed_resources:
            return resources_map._parsed_resources[logical_id]
        return updated

    cfn_parsing.parse_and_update_resource = parse_and_update_resource


def _refers_to(node: Any, name: str) -> bool:
    """Whether a resource's JSON takes a value from resource `name` (Ref, Fn::GetAtt, Fn::Sub)."""
    if isinstance(node, list):
        return any(_refers_to(item, name) for item in node)
    if not isinstance(node, dict):
        return False
    for key, value in node.items():
        if key == "Ref" and value == name:
            return True
        if key == "Fn::GetAtt" and ((isinstance(value, list) and value and value[0] == name) or (isinstance(value, str) and value.split(".")[0] == name)):
            return True
        if key == "Fn::Sub":
            text = value[0] if isinstance(value, list) and value else value
            if isinstance(text, str) and ("${" + name + "}" in text or "${" + name + "." in text):
                return True
        if _refers_to(value, name):
            return True
    return False


def restore_updates_of_dependents() -> None:
    """AWS: when an update modifies a resource whose Ref or attributes change with it (an
    AWS::ECS::TaskDefinition is replaced by a new revision when its image changes), every
    resource that takes a value from it is updated too, after it (the ECS service moves to the
    new revision), and the change set lists those as Modify. moto updated only the resources
    whose own template text changed, so the service kept running the old task definition."""
    previous = ResourceMap.build_resource_diff

    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, list[str]]:
        result = previous(self, other_template, parameters)
        new = other_template.get("Resources") or {}
        modify = list(result["Modify"])
        untouched = [
            name
            for name in new
            if name not in modify and name not in result["Add"] and name not in result["Remove"] and self._parsed_resources.get(name) is not None
        ]
        pending = list(modify)
        while pending:
            changed = pending.pop(0)
            for name in [candidate for candidate in untouched if _refers_to(new[candidate], changed)]:
                untouched.remove(name)
                modify.append(name)
                pending.append(name)
        return {**result, "Modify": modify}

    ResourceMap.build_resource_diff = build_resource_diff
