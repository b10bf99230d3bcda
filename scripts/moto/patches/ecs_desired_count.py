"""ECS desired counts: CloudFormation's default when DesiredCount is left out, and the scalable
target that keeps a service's count inside its range."""

from __future__ import annotations

from typing import Any

from moto.applicationautoscaling import models as scaling_models
from moto.ecs import models as ecs_models


def restore_desired_count_left_out() -> None:
    """AWS: an AWS::ECS::Service created without DesiredCount starts with a desired count of 1,
    and an update that leaves DesiredCount out keeps the count the service has ("when creating
    a service, the service is created and starts up with a desired count of 1; when updating a
    service, the service is updated and starts up with the same desired count as it had prior
    to the deployment": https://github.com/aws/aws-cdk/pull/13130, from the AWS::ECS::Service
    DesiredCount reference: "For new services, if a desired count is not specified, a default
    value of 1 is used ... For existing services, if a desired count is not specified, it is
    omitted from the operation"). moto created the service with 0 (its UpdateService already
    keeps the count when none is given)."""
    original_create = ecs_models.Service.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json.get("Properties") or {}
        daemon = properties.get("SchedulingStrategy") == "DAEMON"
        if "DesiredCount" not in properties and not daemon:
            cloudformation_json = {**cloudformation_json, "Properties": {**properties, "DesiredCount": 1}}
        return original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    ecs_models.Service.create_from_cloudformation_json = classmethod(create)


def restore_scalable_target_moves_capacity_into_range() -> None:
    """AWS: RegisterScalableTarget (also through an AWS::ApplicationAutoScaling::ScalableTarget)
    on an active resource "changes the resource's current capacity to a value that is inside of
    this range" (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html):
    an ECS service below MinCapacity is scaled out to it, one above MaxCapacity scaled in to it.
    moto recorded the target and left the service's desired count as it was."""
    backend_class = scaling_models.ApplicationAutoscalingBackend
    original_register = backend_class.register_scalable_target

    def register_scalable_target(self: Any, namespace: str, r_id: str, dimension: str, min_capacity: int | None, max_capacity: int | None, role_arn: str, suspended_state: str) -> Any:
        target = original_register(self, namespace, r_id, dimension, min_capacity, max_capacity, role_arn, suspended_state)
        if namespace != "ecs" or dimension != "ecs:service:DesiredCount":
            return target
        _, cluster, service_name = r_id.split("/")
        services, _ = self.ecs_backend.describe_services(cluster, [service_name])
        service = services[0] if services else None
        if service is None or service.status != "ACTIVE":
            return target
        low, high = int(target.min_capacity), int(target.max_capacity)
        count = min(max(int(service.desired_count or 0), low), high)
        if count != service.desired_count:
            self.ecs_backend.update_service({"cluster": cluster, "service": service_name, "desired_count": count})
        return target

    backend_class.register_scalable_target = register_scalable_target
