"""Application Auto Scaling scalable targets and scaling policies made by CloudFormation (moto
has the API but not the resource types: it skipped them)."""

from __future__ import annotations

from typing import Any

from moto.applicationautoscaling.models import applicationautoscaling_backends

from .resource_models import register_model


def _backend(account_id: str, region_name: str) -> Any:
    return applicationautoscaling_backends[account_id][region_name]


def _target_key(properties: dict[str, Any]) -> tuple[str, str, str]:
    return properties["ResourceId"], properties["ScalableDimension"], properties["ServiceNamespace"]


class ScalableTarget:
    """AWS::ApplicationAutoScaling::ScalableTarget: Ref is "ResourceId|ScalableDimension|ServiceNamespace"."""

    __module__ = "moto.applicationautoscaling.racknet_scalable_target"

    def __init__(self, resource_id: str, dimension: str, namespace: str):
        self.resource_id, self.dimension, self.namespace = resource_id, dimension, namespace

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApplicationAutoScaling::ScalableTarget"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Id":
            return self.physical_resource_id
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return f"{self.resource_id}|{self.dimension}|{self.namespace}"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "ScalableTarget":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        resource_id, dimension, namespace = _target_key(properties)
        _backend(account_id, region_name).register_scalable_target(
            namespace,
            resource_id,
            dimension,
            int(properties["MinCapacity"]),
            int(properties["MaxCapacity"]),
            properties.get("RoleARN"),
            properties.get("SuspendedState"),
        )
        return cls(resource_id, dimension, namespace)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "ScalableTarget":  # type: ignore[misc]
        # A new ResourceId, ScalableDimension or ServiceNamespace replaces the target; capacities change in place.
        properties = cloudformation_json["Properties"]
        if original_resource is not None and _target_key(properties) != (original_resource.resource_id, original_resource.dimension, original_resource.namespace):
            original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            _backend(account_id, region_name).deregister_scalable_target(self.namespace, self.resource_id, self.dimension)
        except Exception:  # already gone
            pass


class ScalingPolicy:
    """AWS::ApplicationAutoScaling::ScalingPolicy: Ref and GetAtt Arn are the policy's ARN."""

    __module__ = "moto.applicationautoscaling.racknet_scaling_policy"

    def __init__(self, arn: str, name: str, resource_id: str, dimension: str, namespace: str):
        self.arn, self.name = arn, name
        self.resource_id, self.dimension, self.namespace = resource_id, dimension, namespace

    @staticmethod
    def cloudformation_name_type() -> str:
        return "PolicyName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApplicationAutoScaling::ScalingPolicy"

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
        return self.arn

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "ScalingPolicy":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        if properties.get("ScalingTargetId"):
            resource_id, dimension, namespace = str(properties["ScalingTargetId"]).split("|")
        else:
            resource_id, dimension, namespace = _target_key(properties)
        policy_type = properties["PolicyType"]
        body = properties.get("TargetTrackingScalingPolicyConfiguration") if policy_type == "TargetTrackingScaling" else properties.get("StepScalingPolicyConfiguration")
        name = properties.get("PolicyName", resource_name)
        policy = _backend(account_id, region_name).put_scaling_policy(name, namespace, resource_id, dimension, body, policy_type)
        return cls(policy.policy_arn, name, resource_id, dimension, namespace)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "ScalingPolicy":  # type: ignore[misc]
        if original_resource is not None:
            original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            _backend(account_id, region_name).delete_scaling_policy(self.name, self.namespace, self.resource_id, self.dimension)
        except Exception:  # already gone with its target
            pass


def restore_application_autoscaling_resources() -> None:
    """AWS: CloudFormation registers an AWS::ApplicationAutoScaling::ScalableTarget
    (DescribeScalableTargets shows MinCapacity, MaxCapacity, RoleARN; Ref is
    "ResourceId|ScalableDimension|ServiceNamespace") and puts an
    AWS::ApplicationAutoScaling::ScalingPolicy on it, by ScalingTargetId or by ResourceId,
    ScalableDimension and ServiceNamespace (DescribeScalingPolicies shows the
    TargetTrackingScalingPolicyConfiguration: TargetValue, the predefined or customized metric,
    ScaleInCooldown, ScaleOutCooldown); both are updated and deleted with the stack. moto
    skipped both resource types."""
    register_model(ScalableTarget)
    register_model(ScalingPolicy)
