"""CloudFormation: a resource that fails rolls the stack operation back."""

from __future__ import annotations

import re
from typing import Any

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing

from .cloudformation_change_sets import find_change_set

CloudFormationBackend = cfn_models.CloudFormationBackend
ResourceMap = cfn_parsing.ResourceMap


def _journal(resource_map: Any) -> list[tuple[str, str]]:
    """What the running stack operation did to each resource, in order: (created|updated|deleted, logical id)."""
    if not hasattr(resource_map, "_racknet_journal"):
        resource_map._racknet_journal = []
    return resource_map._racknet_journal


def _error_text(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error)
    code = getattr(error, "error_type", None) or getattr(error, "code", None)
    return f"{message} (Service error code: {code})" if isinstance(code, str) and code and code not in message else str(message)


def _resource_event(stack: Any, logical_id: str, resource_type: str, status: str, physical_id: str = "", reason: str | None = None) -> None:
    stack.events.append(cfn_models.Event(stack.stack_id, stack.name, logical_id, physical_id or "", resource_type, status, reason, None))


def _physical_id(resource: Any) -> str:
    try:
        return str(getattr(resource, "physical_resource_id", "") or "")
    except Exception:  # a half-made resource may not know its id
        return ""


class _Snapshot:
    """A stack before an update: its template, parameters and resources (what a rollback puts back)."""

    def __init__(self, stack: Any) -> None:
        resource_map = stack.resource_map
        self.template = stack.template
        self.template_dict = stack.template_dict
        self.map_template = resource_map._template
        self.json = resource_map._resource_json_map
        self.input_parameters = dict(resource_map.input_parameters or {})
        self.parsed = dict(resource_map._parsed_resources)
        self.parameters = stack.parameters
        _journal(resource_map).clear()


def _fail_and_roll_back(stack: Any, error: Exception, snapshot: _Snapshot | None) -> None:
    """Record the failed resource, undo what the operation did, and leave the stack where AWS would."""
    resource_map = stack.resource_map
    journal = list(_journal(resource_map))
    new_json = resource_map._resource_json_map
    failed = getattr(error, "_racknet_failed_resource", None)
    verb = "create" if snapshot is None else "update"
    if failed:
        logical_id, resource_type, status = failed
        _resource_event(stack, logical_id, resource_type, status, reason=_error_text(error))
        verb = "create" if status == "CREATE_FAILED" else "update"
        stack_reason = f"The following resource(s) failed to {verb}: [{logical_id}]. "
    else:
        stack_reason = _error_text(error)
    prefix = "ROLLBACK" if snapshot is None else "UPDATE_ROLLBACK"
    stack._add_stack_event(f"{prefix}_IN_PROGRESS", resource_status_reason=stack_reason + ("Rollback requested by user." if snapshot is None else ""))
    rollback_failed = False
    if snapshot is not None:
        resource_map._template = snapshot.map_template
        resource_map._resource_json_map = snapshot.json
        resource_map.input_parameters = snapshot.input_parameters
        resource_map.resolved_parameters = {}
        resource_map.load_mapping()
        resource_map.load_parameters()
        resource_map.load_conditions()
        for action, logical_id in journal:
            if action != "updated" or logical_id not in snapshot.json:
                continue
            resource_type = snapshot.json[logical_id]["Type"]
            _resource_event(stack, logical_id, resource_type, "UPDATE_IN_PROGRESS", _physical_id(resource_map._parsed_resources.get(logical_id)))
            try:
                restored = cfn_parsing.parse_and_update_resource(logical_id, snapshot.json[logical_id], resource_map, stack.account_id, stack.region_name)
            except Exception as rollback_error:
                _resource_event(stack, logical_id, resource_type, "UPDATE_FAILED", reason=_error_text(rollback_error))
                rollback_failed = True
                continue
            resource_map._parsed_resources[logical_id] = restored
            _resource_event(stack, logical_id, resource_type, "UPDATE_COMPLETE", _physical_id(restored))
        for action, logical_id in journal:
            if action == "deleted" and logical_id in snapshot.json:
                resource_map._parsed_resources.pop(logical_id, None)
                recreated = resource_map[logical_id]
                _resource_event(stack, logical_id, snapshot.json[logical_id]["Type"], "CREATE_COMPLETE", _physical_id(recreated))
        stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    created = [logical_id for action, logical_id in journal if action == "created" and (snapshot is None or logical_id not in snapshot.json)]
    for logical_id in reversed(created):
        resource = resource_map._parsed_resources.pop(logical_id, None)
        resource_type = (new_json.get(logical_id) or {}).get("Type", "")
        if resource is None or isinstance(resource, str):
            continue
        try:
            resource_map._delete_resource(resource, new_json.get(logical_id, {}))
            _resource_event(stack, logical_id, resource_type, "DELETE_COMPLETE", _physical_id(resource))
        except Exception as delete_error:
            _resource_event(stack, logical_id, resource_type, "DELETE_FAILED", _physical_id(resource), _error_text(delete_error))
            rollback_failed = rollback_failed or snapshot is None
    if snapshot is None:
        # Nothing of the failed creation is left: no resource may be created lazily later, and
        # a stack whose creation rolled back has no outputs (also once a later patch rebuilds them).
        resource_map._resource_json_map = {}
        stack._create_output_map = lambda: cfn_parsing.OutputMap(resource_map, {}, stack.stack_id)
        stack.output_map = stack._create_output_map()
        stack.status = "ROLLBACK_FAILED" if rollback_failed else "ROLLBACK_COMPLETE"
    else:
        stack.template, stack.template_dict, stack.parameters = snapshot.template, snapshot.template_dict, snapshot.parameters
        stack.output_map = stack._create_output_map()
        stack.status = "UPDATE_ROLLBACK_FAILED" if rollback_failed else "UPDATE_ROLLBACK_COMPLETE"
    stack._add_stack_event(stack.status)


def restore_rollback_on_resource_failure() -> None:
    """AWS: a stack operation (an executed change set, CreateStack, UpdateStack) is accepted
    and then runs; when a resource fails, CloudFormation records that resource's CREATE_FAILED
    or UPDATE_FAILED event with the service's error as ResourceStatusReason and rolls back. A
    failed update puts back the previous template, parameters and resources (updated resources
    updated back, new ones deleted) and ends in UPDATE_ROLLBACK_COMPLETE, with the events
    UPDATE_ROLLBACK_IN_PROGRESS ("The following resource(s) failed to ...") ...
    UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, UPDATE_ROLLBACK_COMPLETE; a failed creation
    deletes what it created and ends in ROLLBACK_COMPLETE (ROLLBACK_IN_PROGRESS, ...,
    ROLLBACK_COMPLETE); a rollback that fails itself ends in UPDATE_ROLLBACK_FAILED or
    ROLLBACK_FAILED. moto raised the resource's error from the API call itself (ExecuteChangeSet
    failed) and left the stack half changed in *_IN_PROGRESS, with no *_FAILED event."""
    original_create = cfn_parsing.parse_and_create_resource
    original_update = cfn_parsing.parse_and_update_resource
    original_delete = ResourceMap._delete_resource

    def tag(error: Exception, logical_id: str, resource_json: dict[str, Any], status: str) -> None:
        # The innermost resource is the one that failed (creating one may create what it Refs).
        if getattr(error, "_racknet_failed_resource", None) is None:
            try:
                error._racknet_failed_resource = (logical_id, resource_json.get("Type", ""), status)  # type: ignore[attr-defined]
            except AttributeError:  # a built-in exception without __dict__
                pass

    def parse_and_create_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        try:
            created = original_create(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as error:
            tag(error, logical_id, resource_json, "CREATE_FAILED")
            raise
        if created is not None:
            _journal(resources_map).append(("created", logical_id))
        return created

    def parse_and_update_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        try:
            updated = original_update(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as error:
            tag(error, logical_id, resource_json, "UPDATE_FAILED")
            raise
        _journal(resources_map).append(("updated", logical_id))
        return updated

    def delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
        original_delete(self, parsed_resource, resource_json)
        logical_id = getattr(parsed_resource, "logical_resource_id", None)
        if logical_id:
            _journal(self).append(("deleted", logical_id))

    original_execute = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = find_change_set(self, change_set_name, stack_name)
        if change_set is None:
            return original_execute(self, change_set_name, stack_name)
        stack = self.stacks[change_set.stack_id]
        snapshot = _Snapshot(stack) if change_set.change_set_type == "UPDATE" else None
        _journal(stack.resource_map).clear()
        try:
            original_execute(self, change_set_name, stack_name)
        except Exception as error:
            if snapshot is None:
                stack.template = change_set.template
                stack._parse_template()
            _fail_and_roll_back(stack, error, snapshot)
            change_set.execution_status = "EXECUTE_COMPLETE"

    original_create_resources = cfn_models.Stack.create_resources

    def create_resources(self: Any) -> None:
        _journal(self.resource_map).clear()
        try:
            original_create_resources(self)
        except Exception as error:
            _fail_and_roll_back(self, error, None)

    original_stack_update = cfn_models.Stack.update

    def stack_update(self: Any, template: str, role_arn: str | None = None, parameters: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> None:
        snapshot = _Snapshot(self)
        try:
            original_stack_update(self, template, role_arn, parameters, tags)
        except Exception as error:
            _fail_and_roll_back(self, error, snapshot)

    cfn_parsing.parse_and_create_resource = parse_and_create_resource
    cfn_parsing.parse_and_update_resource = parse_and_update_resource
    ResourceMap._delete_resource = delete_resource
    CloudFormationBackend.execute_change_set = execute_change_set
    cfn_models.Stack.create_resources = create_resources
    cfn_models.Stack.update = stack_update


def _referenced_names(node: Any) -> set[str]:
    """Every name a resource's JSON takes a value from (Ref, Fn::GetAtt, Fn::Sub), in one walk."""
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= _referenced_names(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) and value else str(value).split(".")[0])
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) and value else value
                found |= {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text if isinstance(text, str) else "")}
            found |= _referenced_names(value)
    return found


def _dependencies(resource_json: dict[str, Any], names: set[str]) -> set[str]:
    """The resources this one takes a value from (Ref, Fn::GetAtt, Fn::Sub) or names in DependsOn."""
    depends_on = resource_json.get("DependsOn") or []
    explicit = {depends_on} if isinstance(depends_on, str) else set(depends_on)
    return (explicit | _referenced_names(resource_json)) & names


def restore_stack_deletion_failure() -> None:
    """AWS: DeleteStack is accepted and the deletion runs: CloudFormation deletes the stack's
    resources in the reverse order of their dependencies (a resource goes only after every
    resource that takes a value from it or names it in DependsOn). When a resource cannot be
    deleted (a hosted zone that still holds records, HostedZoneNotEmpty; a cluster with tasks,
    ClusterContainsTasksException) it is DELETE_FAILED with the service's error as
    ResourceStatusReason, the resources it depends on are kept, the rest goes, and the stack ends
    DELETE_FAILED ("The following resource(s) failed to delete: [...]"); DescribeStacks and
    ListStackResources still show it with what is left (the failed resource DELETE_FAILED),
    and a new DeleteStack tries again
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-delete-stack-fails,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html:
    RetainResources "For stacks in the DELETE_FAILED state"). moto tried every resource in any
    order, then made DeleteStack itself answer the last error and dropped the stack from its
    list, so it could be neither described nor deleted again."""
    ResourceMap.delete = _delete_in_dependency_order
    original_getitem = ResourceMap.__getitem__

    def getitem(self: Any, key: str) -> Any:
        # A stack being deleted never creates a resource again (moto creates them lazily on read).
        if getattr(self, "_racknet_deleting", False) and key not in self._parsed_resources:
            return None
        return original_getitem(self, key)

    ResourceMap.__getitem__ = getitem
    previous_resources = cfn_models.Stack.stack_resources

    def stack_resources(self: Any) -> Any:
        resource_map = self.resource_map
        if getattr(resource_map, "_racknet_deleting", False):
            return [resource for name, resource in resource_map._parsed_resources.items() if name in resource_map._resource_json_map and resource is not None and not isinstance(resource, str)]
        return previous_resources.fget(self)

    cfn_models.Stack.stack_resources = property(stack_resources)
    previous_exports = cfn_parsing.OutputMap.exports

    def exports(self: Any) -> Any:
        frozen = getattr(self, "_racknet_exports", None)
        return frozen if frozen is not None else previous_exports.fget(self)

    cfn_parsing.OutputMap.exports = property(exports)

    def stack_delete(self: Any) -> None:
        resource_map = self.resource_map
        if not getattr(resource_map, "_racknet_deleting", False):
            # What the stack shows while and after it is deleted: its outputs and exports as they were.
            try:
                self.outputs  # noqa: B018 (evaluated once, then kept by the output map)
                self.output_map._racknet_exports = self.output_map.exports
            except Exception:
                self.output_map._racknet_exports = []
            resource_map._racknet_deleting = True
        self._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
        failed = resource_map.delete()
        if failed:
            for logical_id, error in failed.items():
                resource_type = resource_map._resource_json_map.get(logical_id, {}).get("Type", "")
                _resource_event(self, logical_id, resource_type, "DELETE_FAILED", _physical_id(resource_map._parsed_resources.get(logical_id)), _error_text(error))
            self._racknet_resource_statuses = {logical_id: "DELETE_FAILED" for logical_id in failed}
            self.status = "DELETE_FAILED"
            self._add_stack_event("DELETE_FAILED", resource_status_reason=f"The following resource(s) failed to delete: [{', '.join(failed)}]. ")
            return
        self._add_stack_event("DELETE_COMPLETE")
        self.status = "DELETE_COMPLETE"

    def delete_stack(self: Any, name_or_stack_id: str) -> None:
        stacks = [self.stacks[name_or_stack_id]] if name_or_stack_id in self.stacks else [s for s in list(self.stacks.values()) if s.name == name_or_stack_id]
        for stack in stacks:
            export_names = [export.name for export in stack.exports]
            stack.delete()
            if stack.status == "DELETE_FAILED":
                continue
            self.stacks.pop(stack.stack_id, None)
            self.deleted_stacks[stack.stack_id] = stack
            for export_name in export_names:
                self.exports.pop(export_name, None)

    cfn_models.Stack.delete = stack_delete
    CloudFormationBackend.delete_stack = delete_stack


def _delete_in_dependency_order(self: Any) -> dict[str, Exception]:
    """ResourceMap.delete as CloudFormation orders it. Returns the resources that failed, with
    their errors (empty when everything went). A dependency error (another resource of the stack
    still uses this one) is tried again after the others, as moto did."""
    json_map = self._resource_json_map
    remaining = {name for name, value in json_map.items() if value.get("DeletionPolicy") != "Retain"}
    names = set(json_map)
    dependents: dict[str, set[str]] = {name: set() for name in names}
    for name, value in json_map.items():
        for dependency in _dependencies(value, names - {name}):
            dependents[dependency].add(name)
    errors: dict[str, Exception] = {}
    progress = True
    while remaining and progress:
        progress = False
        for name in [n for n in json_map if n in remaining and not (dependents[n] & remaining)]:
            parsed = self._parsed_resources.get(name)
            try:
                if parsed is not None and not isinstance(parsed, str):
                    self._delete_resource(parsed, json_map[name])
                    self._parsed_resources.pop(name, None)
            except Exception as error:
                errors[name] = error
                continue
            errors.pop(name, None)
            remaining.discard(name)
            progress = True
    return {name: error for name, error in errors.items() if name in remaining}
