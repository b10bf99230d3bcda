"""EventBridge Scheduler schedules and EventBridge rules made by CloudFormation, with ECS RunTask targets."""

from __future__ import annotations

import copy
from typing import Any


from .resource_models import register_model


def _api_network_configuration(target: dict[str, Any], cloudformation_key: str) -> dict[str, Any]:
    """The target as the API shapes it: CloudFormation's NetworkConfiguration.{cloudformation_key}
    is the API's NetworkConfiguration.awsvpcConfiguration (the API spells it in lower camel case)."""
    target = copy.deepcopy(target)
    network = ((target.get("EcsParameters") or {}).get("NetworkConfiguration")) or {}
    if cloudformation_key in network:
        network["awsvpcConfiguration"] = network.pop(cloudformation_key)
    return target


class SchedulerSchedule:
    """AWS::Scheduler::Schedule: Ref is the schedule's name, GetAtt Arn its ARN."""

    __module__ = "moto.scheduler.racknet_schedule"

    def __init__(self, name: str, group_name: str | None, arn: str):
        self.name, self.group_name, self.arn = name, group_name, arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Scheduler::Schedule"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Arn":
            return self.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @staticmethod
    def _arguments(properties: dict[str, Any]) -> dict[str, Any]:
        return {
            "description": properties.get("Description"),
            "end_date": properties.get("EndDate"),
            "flexible_time_window": properties["FlexibleTimeWindow"],
            "group_name": properties.get("GroupName"),
            "kms_key_arn": properties.get("KmsKeyArn"),
            "schedule_expression": properties["ScheduleExpression"],
            "schedule_expression_timezone": properties.get("ScheduleExpressionTimezone"),
            "start_date": properties.get("StartDate"),
            "state": properties.get("State"),
            "target": _api_network_configuration(properties["Target"], "AwsvpcConfiguration"),
        }

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "SchedulerSchedule":  # type: ignore[misc]
        from moto.scheduler.models import scheduler_backends

        properties = cloudformation_json["Properties"]
        name = properties.get("Name", resource_name)
        schedule = scheduler_backends[account_id][region_name].create_schedule(name=name, action_after_completion=None, **cls._arguments(properties))
        return cls(name, properties.get("GroupName"), schedule.arn)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "SchedulerSchedule":  # type: ignore[misc]
        from moto.scheduler.models import scheduler_backends

        properties = cloudformation_json["Properties"]
        name = properties.get("Name", original_resource.name if original_resource else new_resource_name)
        same = original_resource is not None and (name, properties.get("GroupName")) == (original_resource.name, original_resource.group_name)
        if not same:
            if original_resource is not None:
                original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)
        scheduler_backends[account_id][region_name].update_schedule(name=name, **cls._arguments(properties))
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.scheduler.models import scheduler_backends

        try:
            scheduler_backends[account_id][region_name].delete_schedule(self.group_name, self.name)
        except Exception:  # already gone
            pass


def restore_scheduler_schedule_resource() -> None:
    """AWS: CloudFormation creates an AWS::Scheduler::Schedule (GetSchedule shows its
    ScheduleExpression, FlexibleTimeWindow, State and Target, an ECS RunTask target with its
    EcsParameters: TaskDefinitionArn, LaunchType, NetworkConfiguration.awsvpcConfiguration with
    Subnets, SecurityGroups, AssignPublicIp), updates it in place (a new Name or GroupName
    replaces it), deletes it with the stack, and gives Ref (the name) and GetAtt Arn. moto
    skipped the resource."""
    register_model(SchedulerSchedule)


def restore_events_rule_ecs_network_configuration() -> None:
    """AWS: an AWS::Events::Rule target's EcsParameters.NetworkConfiguration.AwsVpcConfiguration
    (Subnets, SecurityGroups, AssignPublicIp) is the target's awsvpcConfiguration:
    ListTargetsByRule shows it. moto stored the template's key as it was, so the API showed an
    empty NetworkConfiguration."""
    from moto.events.models import Rule

    previous_create = Rule.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        shaped = copy.deepcopy(cloudformation_json)
        properties = shaped.get("Properties", {})
        if properties.get("Targets"):
            properties["Targets"] = [_api_network_configuration(target, "AwsVpcConfiguration") for target in properties["Targets"]]
        return previous_create(cls, resource_name, shaped, account_id, region_name, **kwargs)

    Rule.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment]
