"""ECS services and clusters made by CloudFormation, and what a stopped task releases."""

from __future__ import annotations

from typing import Any

from moto.ecs import models as ecs_models

from .resource_models import deleting, is_true


def _lower_camel(node: Any) -> Any:
    """CloudFormation's PascalCase property shapes are the ECS API's camelCase ones."""
    if isinstance(node, list):
        return [_lower_camel(item) for item in node]
    if isinstance(node, dict):
        return {key[:1].lower() + key[1:]: _lower_camel(value) for key, value in node.items()}
    return node


def restore_ecs_service_properties() -> None:
    """AWS: an AWS::ECS::Service keeps LaunchType, NetworkConfiguration, LoadBalancers,
    PlatformVersion, PropagateTags, ServiceRegistries, DeploymentController and Tags
    (DescribeServices shows them), and an update that changes the network configuration or
    load balancers applies them in place with a new deployment; a new LaunchType or cluster
    replaces the service. GetAtt ServiceArn is supported."""
    Service = ecs_models.Service

    def api_properties(properties: dict[str, Any]) -> dict[str, Any]:
        network = properties.get("NetworkConfiguration")
        return {
            "launch_type": properties.get("LaunchType"),
            "network_configuration": _lower_camel(network) if network else None,
            "load_balancers": _lower_camel(properties.get("LoadBalancers")) if properties.get("LoadBalancers") else None,
            "platform_version": properties.get("PlatformVersion"),
            "propagate_tags": properties.get("PropagateTags") or "NONE",
            "service_registries": _lower_camel(properties.get("ServiceRegistries")) if properties.get("ServiceRegistries") else None,
            "deployment_controller": _lower_camel(properties.get("DeploymentController")) if properties.get("DeploymentController") else None,
            "tags": _lower_camel(properties.get("Tags")) if properties.get("Tags") else None,
            "scheduling_strategy": properties.get("SchedulingStrategy"),
        }

    def names(properties: dict[str, Any]) -> tuple[str, str | None]:
        cluster = properties.get("Cluster", "default")
        cluster = cluster.name if isinstance(cluster, ecs_models.Cluster) else cluster
        task_definition = properties.get("TaskDefinition")
        if isinstance(task_definition, ecs_models.TaskDefinition):
            task_definition = task_definition.arn
        return cluster, task_definition

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        cluster, task_definition = names(properties)
        backend = ecs_models.ecs_backends[account_id][region_name]
        return backend.create_service(
            cluster,
            resource_name,
            properties.get("DesiredCount"),
            task_definition_str=task_definition,
            **api_properties(properties),
        )

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json["Properties"]
        cluster, task_definition = names(properties)
        backend = ecs_models.ecs_backends[account_id][region_name]
        wanted = api_properties(properties)
        same_cluster = original_resource is not None and original_resource.cluster_name == backend._get_cluster(cluster).name
        same_launch_type = original_resource is not None and (wanted["launch_type"] or "EC2") == original_resource.launch_type
        if not (same_cluster and same_launch_type):
            if original_resource is not None and original_resource.status == "ACTIVE":
                backend.delete_service(original_resource.cluster_name, original_resource.name, force=True)
            return create(cls, new_resource_name, cloudformation_json, account_id, region_name)
        service = backend.update_service(
            {
                "cluster": cluster,
                "service": original_resource.name,
                "task_definition": task_definition,
                "desired_count": properties.get("DesiredCount"),
            }
        )
        network = wanted["network_configuration"]
        service.network_configuration = service._validate_network(network) if network else {}
        service.load_balancers = wanted["load_balancers"] or []
        service.platform_version = wanted["platform_version"]
        service.propagate_tags = wanted["propagate_tags"]
        service.service_registries = wanted["service_registries"] or []
        if service.deployments:
            deployment = service.deployments[0]
            deployment["id"] = f"ecs-svc/{ecs_models.mock_random.randint(0, 32**12)}"
            deployment["networkConfiguration"] = network
            deployment["taskDefinition"] = service.task_definition
            deployment["desiredCount"] = service.desired_count
            deployment["updatedAt"] = ecs_models.utcnow()
        return service

    def get_cfn_attribute(self: Any, attribute_name: str) -> str:
        if attribute_name == "Name":
            return self.name
        if attribute_name == "ServiceArn":
            return self.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    Service.create_from_cloudformation_json = classmethod(create)
    Service.update_from_cloudformation_json = classmethod(update)
    Service.has_cfn_attr = classmethod(lambda cls, attr: attr in ("Name", "ServiceArn"))
    Service.get_cfn_attribute = get_cfn_attribute


def _ecs_load_balancers(properties: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for balancer in properties.get("LoadBalancers") or []:
        entry: dict[str, Any] = {}
        for source, target in (
            ("TargetGroupArn", "targetGroupArn"),
            ("LoadBalancerName", "loadBalancerName"),
            ("ContainerName", "containerName"),
            ("ContainerPort", "containerPort"),
        ):
            if balancer.get(source) is not None:
                entry[target] = int(balancer[source]) if target == "containerPort" else balancer[source]
        result.append(entry)
    return result


def _ecs_deployment_configuration(properties: dict[str, Any]) -> dict[str, Any]:
    given = properties.get("DeploymentConfiguration") or {}
    daemon = properties.get("SchedulingStrategy") == "DAEMON"
    breaker = given.get("DeploymentCircuitBreaker") or {}
    result: dict[str, Any] = {
        "maximumPercent": int(given.get("MaximumPercent", 100 if daemon else 200)),
        "minimumHealthyPercent": int(given.get("MinimumHealthyPercent", 0 if daemon else 100)),
        "deploymentCircuitBreaker": {"enable": is_true(breaker.get("Enable")), "rollback": is_true(breaker.get("Rollback"))},
    }
    alarms = given.get("Alarms")
    if alarms:
        result["alarms"] = {
            "alarmNames": list(alarms.get("AlarmNames", [])),
            "enable": is_true(alarms.get("Enable")),
            "rollback": is_true(alarms.get("Rollback")),
        }
    return result


def restore_ecs_service_load_balancers_and_deployment_configuration() -> None:
    """AWS: an AWS::ECS::Service keeps its LoadBalancers and DeploymentConfiguration:
    DescribeServices shows loadBalancers (targetGroupArn, containerName, containerPort) and
    deploymentConfiguration (maximumPercent, minimumHealthyPercent, deploymentCircuitBreaker;
    200/100 and no circuit breaker when not given, 100/0 for a DAEMON service),
    also after an update. moto dropped both. This wraps the create/update installed when it runs
    (restore_ecs_service_properties' LaunchType/NetworkConfiguration one), calling it first, and only sets
    these two fields."""
    from moto.ecs.models import Service

    previous_create = Service.create_from_cloudformation_json.__func__
    previous_update = Service.update_from_cloudformation_json.__func__

    def keep(service: Any, cloudformation_json: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        service.load_balancers = _ecs_load_balancers(properties)
        service.deployment_configuration = _ecs_deployment_configuration(properties)
        return service

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        return keep(previous_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs), cloudformation_json)

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        service = previous_update(
            cls,
            original_resource=original_resource,
            new_resource_name=new_resource_name,
            cloudformation_json=cloudformation_json,
            account_id=account_id,
            region_name=region_name,
        )
        return keep(service, cloudformation_json)

    Service.create_from_cloudformation_json = classmethod(create)
    Service.update_from_cloudformation_json = classmethod(update)


def restore_deletion_of_services_and_clusters() -> None:
    """AWS: deleting a stack (or removing a resource in an update) deletes its ECS services and
    clusters. moto has no delete for these types, so they outlived their stack."""

    def ecs(account_id: str, region_name: str) -> Any:
        return ecs_models.ecs_backends[account_id][region_name]

    def delete_service(self: Any, account_id: str, region_name: str) -> None:
        if self.status == "ACTIVE":
            ecs(account_id, region_name).delete_service(self.cluster_name, self.name, force=True)

    ecs_models.Service.delete = deleting(delete_service)
    ecs_models.Cluster.delete = deleting(lambda self, a, r: ecs(a, r).delete_cluster(self.name))


def restore_ecs_service_health_check_grace_period() -> None:
    """AWS: an AWS::ECS::Service keeps HealthCheckGracePeriodSeconds (DescribeServices shows
    healthCheckGracePeriodSeconds), also after an update in place. moto dropped it."""
    Service = ecs_models.Service
    previous_create = Service.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    previous_update = Service.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def keep(service: Any, cloudformation_json: Any) -> Any:
        grace = cloudformation_json.get("Properties", {}).get("HealthCheckGracePeriodSeconds")
        service.health_check_grace_period_seconds = int(grace) if grace is not None else None
        return service

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        return keep(previous_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs), cloudformation_json)

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        return keep(previous_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name), cloudformation_json)

    Service.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment]
    Service.update_from_cloudformation_json = classmethod(update)  # type: ignore[assignment]


def restore_cluster_deletion_refused_while_in_use() -> None:
    """AWS: DeleteCluster refuses a cluster that still has active tasks
    (ClusterContainsTasksException, "The Cluster cannot be deleted while Tasks are active.") or
    services (ClusterContainsServicesException, "The Cluster cannot be deleted while Services are
    active."): https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html.
    A task is active until it is STOPPED (StopTask, or its containers exiting), however it was
    started (RunTask by hand, by an EventBridge rule or Scheduler schedule); a service until it
    is deleted (ACTIVE or DRAINING). So a stack whose AWS::ECS::Cluster still runs tasks ends
    DELETE_FAILED with that error on the cluster (https://github.com/aws/aws-cdk/issues/8654:
    "Cluster deletions fail while the cluster has tasks running"). moto marked the cluster
    INACTIVE whatever ran in it."""
    from moto.ecs.exceptions import ClusterNotFoundException, ECSException

    backend_class = ecs_models.EC2ContainerServiceBackend
    original_delete = backend_class.delete_cluster

    def delete_cluster(self: Any, cluster_str: str) -> Any:
        cluster = self._get_cluster(cluster_str)
        # The task's own state, not `status` (reading that moves moto's task on a state).
        tasks = [task for task in self.tasks.get(cluster.name, {}).values() if getattr(task, "_status", None) != "STOPPED"]
        if tasks:
            raise ECSException("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
        services = [service for service in self.services.values() if service.cluster_name == cluster.name and service.status in ("ACTIVE", "DRAINING")]
        if services:
            raise ECSException("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.")
        return original_delete(self, cluster_str)

    def delete(self: Any, account_id: str, region_name: str) -> None:
        try:
            ecs_models.ecs_backends[account_id][region_name].delete_cluster(self.name)
        except ClusterNotFoundException:  # already gone: CloudFormation skips it
            pass

    backend_class.delete_cluster = delete_cluster
    ecs_models.Cluster.delete = delete


def restore_stopped_task_network_interface_release() -> None:
    """AWS: a task in the awsvpc network mode (every Fargate task) has its own network interface,
    which ECS detaches and deletes before the task reaches STOPPED ("DEPROVISIONING ... for tasks
    that use the awsvpc network mode, the elastic network interface needs to be detached and
    deleted", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html),
    so a stopped task no longer holds its subnet or security groups. moto kept the interface
    after StopTask (and once the task moved on to STOPPED by itself), so the subnet could never
    be deleted."""
    from moto.ec2.models import ec2_backends

    Task = ecs_models.Task
    status_property = Task.last_status

    def release(task: Any) -> None:
        backend = ec2_backends[task._account_id][task.region_name]
        for attachment in task.attachments:
            if attachment.get("type") != "ElasticNetworkInterface" or attachment.get("status") == "DELETED":
                continue
            eni = next((detail["value"] for detail in attachment.get("details", []) if detail.get("name") == "networkInterfaceId"), None)
            if eni:
                backend.enis.pop(eni, None)
            attachment["status"] = "DELETED"

    def get_status(self: Any) -> str:
        value = status_property.fget(self)
        if value == "STOPPED":
            release(self)
        return value

    def set_status(self: Any, value: str) -> None:
        status_property.fset(self, value)
        if value == "STOPPED":
            release(self)

    Task.last_status = property(get_status, set_status)
