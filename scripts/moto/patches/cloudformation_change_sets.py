"""CloudFormation change sets: what executing one leaves behind, how they are listed, and an
update that changes nothing."""

from __future__ import annotations

from typing import Any

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation import responses as cfn_responses
from moto.ec2.models import ec2_backends
from moto.ec2.models.core import TaggedEC2Resource

CloudFormationBackend = cfn_models.CloudFormationBackend
ResourceMap = cfn_parsing.ResourceMap


def find_change_set(backend: Any, name_or_arn: str, stack_name: str | None = None) -> Any:
    """A change set by ARN, or by name within the given stack (names are per stack in AWS)."""
    if name_or_arn in backend.change_sets:
        return backend.change_sets[name_or_arn]
    for change_set in backend.change_sets.values():
        if change_set.change_set_name != name_or_arn:
            continue
        if stack_name and stack_name not in (change_set.stack_name, change_set.stack_id):
            continue
        return change_set
    return None


def _resolved_parameters(template: dict[str, Any], parameters: dict[str, Any], stack: Any) -> dict[str, str]:
    """The template's parameters with defaults applied, as strings (what DescribeStacks shows)."""
    scratch = ResourceMap(
        stack.stack_id,
        stack.name,
        parameters,
        {},
        region_name=stack.region_name,
        account_id=stack.account_id,
        template=template,
        cross_stack_resources={},
    )
    scratch.load_mapping()
    scratch.load_parameters()
    return {key: as_text(value) for key, value in scratch.resolved_parameters.items()}


def as_text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def restore_outputs_after_change_set() -> None:
    """AWS: executing a CREATE or UPDATE change set leaves the stack as CreateStack/UpdateStack
    would: DescribeStacks shows the new template's Outputs, Description, parameters and tags,
    its exports are registered, and EC2 resources carry the aws:cloudformation:* tags."""
    original = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = find_change_set(self, change_set_name, stack_name)
        if change_set is None:
            raise cfn_models.ValidationError(stack_name or change_set_name)
        original(self, change_set.change_set_id, stack_name)
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.parameters = dict(stack.resource_map.input_parameters)
        if change_set.tags:
            stack.tags = dict(change_set.tags)
        stack.output_map = stack._create_output_map()
        for name, export in list(self.exports.items()):
            if export.exporting_stack_id == stack.stack_id:
                del self.exports[name]
        for export in stack.exports:
            self.exports[export.name] = export
        _tag_ec2_resources(stack)

    CloudFormationBackend.execute_change_set = execute_change_set


def _tag_ec2_resources(stack: Any) -> None:
    resource_map = stack.resource_map
    backend = ec2_backends[stack.account_id][stack.region_name]
    for logical_id in list(resource_map.resources):
        instance = resource_map._parsed_resources.get(logical_id)
        if not isinstance(instance, TaggedEC2Resource):
            continue
        tags = dict(stack.tags)
        tags.update(
            {
                "aws:cloudformation:stack-name": stack.name,
                "aws:cloudformation:stack-id": stack.stack_id,
                "aws:cloudformation:logical-id": logical_id,
            }
        )
        backend.create_tags([instance.physical_resource_id], tags)


def restore_executed_change_sets_leave_list() -> None:
    """AWS: ListChangeSets lists the change sets of the named stack only, and once a change
    set is executed CloudFormation deletes every change set of that stack, so none is listed.
    (DescribeChangeSet by ARN keeps answering for the executed one.)"""
    original_execute = CloudFormationBackend.execute_change_set
    original_describe = CloudFormationBackend.describe_change_set
    original_delete = CloudFormationBackend.delete_change_set

    def executed(self: Any) -> dict[str, Any]:
        if not hasattr(self, "_racknet_executed_change_sets"):
            self._racknet_executed_change_sets = {}
        return self._racknet_executed_change_sets

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = find_change_set(self, change_set_name, stack_name)
        original_execute(self, change_set_name, stack_name)
        if change_set is None:
            return
        executed(self)[change_set.change_set_id] = change_set
        for change_set_id, other in list(self.change_sets.items()):
            if other.stack_id == change_set.stack_id:
                del self.change_sets[change_set_id]

    def describe_change_set(self: Any, change_set_name: str) -> Any:
        if change_set_name in executed(self):
            return executed(self)[change_set_name]
        return original_describe(self, change_set_name)

    def delete_change_set(self: Any, change_set_name: str) -> None:
        if executed(self).pop(change_set_name, None) is not None:
            return
        if find_change_set(self, change_set_name) is None:
            raise cfn_models.ValidationError(change_set_name)
        original_delete(self, change_set_name)

    def list_change_sets(self: Any) -> Any:
        stack_name = self._get_param("StackName")
        summaries = [
            change_set
            for change_set in self.cloudformation_backend.list_change_sets()
            if not stack_name or stack_name in (change_set.stack_name, change_set.stack_id)
        ]
        return cfn_responses.ActionResult({"Summaries": summaries})

    CloudFormationBackend.execute_change_set = execute_change_set
    CloudFormationBackend.describe_change_set = describe_change_set
    CloudFormationBackend.delete_change_set = delete_change_set
    cfn_responses.CloudFormationResponse.list_change_sets = list_change_sets


def restore_empty_change_set_status() -> None:
    """AWS: CreateChangeSet for an update that changes nothing (same template, same resolved
    parameter values, same tags) succeeds and the change set ends FAILED with the reason
    "The submitted information didn't contain changes...". moto refuses CreateChangeSet with
    "No updates are to be performed" when parameters are passed, and compares unresolved
    parameters otherwise."""
    original = CloudFormationBackend.create_change_set
    no_changes = (
        "The submitted information didn't contain changes. "
        "Submit different information to create a change set."
    )

    def create_change_set(self: Any, stack_name: str, change_set_name: str, template: str, parameters: dict[str, str], description: str, change_set_type: str, notification_arns: Any = None, tags: Any = None, role_arn: Any = None) -> Any:
        result = original(self, stack_name, change_set_name, template, parameters, description, change_set_type, notification_arns, tags, role_arn)
        change_set = self.change_sets[result[0]]
        if change_set_type == "UPDATE":
            stack = change_set.stack
            unchanged = (
                stack.template_dict == change_set.template_dict
                and _resolved_parameters(stack.template_dict, stack.resource_map.input_parameters, stack)
                == _resolved_parameters(change_set.template_dict, parameters, stack)
                and (not tags or dict(tags) == dict(stack.tags))
            )
            if unchanged:
                change_set.status, change_set.execution_status, change_set.status_reason = "FAILED", "UNAVAILABLE", no_changes
            else:
                change_set.status, change_set.execution_status, change_set.status_reason = "CREATE_COMPLETE", "AVAILABLE", None
        return result

    CloudFormationBackend.create_change_set = create_change_set
    cfn_responses.CloudFormationResponse._validate_different_update = lambda self, *args, **kwargs: None
