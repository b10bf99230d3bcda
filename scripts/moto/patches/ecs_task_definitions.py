"""ECS task definitions made by CloudFormation, and the Fargate tasks run from them."""

from __future__ import annotations

from typing import Any

from moto.ecs import models as ecs_models


def restore_fargate_task_level_memory() -> None:
    """AWS: a Fargate task definition may set memory at the task level only; its containers need none.

    moto's RunTask adds up each container's memory and fails with a 500 on a container
    without one. Containers without memory count as 0 in that sum (the task's own memory
    is what Fargate reserves); the stored task definition is left as it was given.
    """
    backend_class = ecs_models.EC2ContainerServiceBackend
    original = backend_class._calculate_task_resource_requirements

    def calculate(task_definition: Any) -> dict[str, Any]:
        given = task_definition.container_definitions
        memory_keys = ("Memory", "MemoryReservation", "memory", "memoryReservation")
        task_definition.container_definitions = [
            c if any(c.get(key) is not None for key in memory_keys) else {**c, "memory": 0} for c in given
        ]
        try:
            return original(task_definition)
        finally:
            task_definition.container_definitions = given

    backend_class._calculate_task_resource_requirements = staticmethod(calculate)


def restore_task_definition_properties() -> None:
    """AWS keeps an AWS::ECS::TaskDefinition's NetworkMode, RequiresCompatibilities, Cpu, Memory and roles.

    moto's CloudFormation model registers only the family, containers, volumes and memory,
    so a Fargate task definition comes back as an EC2 one in bridge mode and its tasks get
    no network interface.
    """
    model = ecs_models.TaskDefinition

    def with_properties(task_definition: Any, cloudformation_json: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        compatibilities = properties.get("RequiresCompatibilities")
        if compatibilities:
            task_definition.requires_compatibilities = compatibilities
            task_definition.compatibilities = ["EC2", "FARGATE"] if "FARGATE" in compatibilities else ["EC2"]
        if properties.get("NetworkMode"):
            task_definition.network_mode = properties["NetworkMode"]
        elif compatibilities and "FARGATE" in compatibilities:
            task_definition.network_mode = "awsvpc"
        for attribute, key in (("cpu", "Cpu"), ("memory", "Memory"), ("execution_role_arn", "ExecutionRoleArn"), ("task_role_arn", "TaskRoleArn")):
            if properties.get(key) is not None:
                setattr(task_definition, attribute, str(properties[key]) if key in ("Cpu", "Memory") else properties[key])
        return task_definition

    create = model.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    update = model.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_with_properties(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        return with_properties(create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs), cloudformation_json)

    def update_with_properties(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        return with_properties(update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name), cloudformation_json)

    model.create_from_cloudformation_json = classmethod(create_with_properties)  # type: ignore[assignment]
    model.update_from_cloudformation_json = classmethod(update_with_properties)  # type: ignore[assignment]


def restore_task_definition_revisions() -> None:
    """AWS: updating an AWS::ECS::TaskDefinition (a new image, say) registers a new revision
    with the new container definitions, as creating one does (DescribeTaskDefinition shows
    image, name, port mappings...), and the old revision is deregistered. moto registered the
    template's PascalCase container definitions as they were, so the new revision had no image."""
    model = ecs_models.TaskDefinition

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json.get("Properties", {})
        containers = ecs_models.remap_nested_keys(properties.get("ContainerDefinitions", []), ecs_models.pascal_to_camelcase)
        volumes = ecs_models.remap_nested_keys(properties.get("Volumes", []), ecs_models.pascal_to_camelcase)
        same = (
            original_resource.family == properties.get("Family", original_resource.family)
            and original_resource.container_definitions == containers
            and (original_resource.volumes or []) == (volumes or [])
        )
        if same:
            return original_resource
        revision = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        ecs_models.ecs_backends[account_id][region_name].deregister_task_definition(original_resource.arn)
        return revision

    model.update_from_cloudformation_json = classmethod(update)  # type: ignore[assignment]
