"""Self-tests of the day-two patches (ecs_desired_count.py): one reproduction per gap.
Run by test_aws_gaps.py (python3 scripts/moto/test_aws_gaps.py desired)."""

from __future__ import annotations

from typing import Any

from selftest import Clients, create_stack, expect_equal, run_change_set, stack_resources, test, unique


def _service_template(cluster: str, desired: int | None, scale: tuple[int, int] | None, tag: str) -> dict[str, Any]:
    service: dict[str, Any] = {
        "Cluster": cluster,
        "TaskDefinition": {"Ref": "Task"},
        "LaunchType": "FARGATE",
        "Tags": [{"Key": "release", "Value": tag}],
    }
    if desired is not None:
        service["DesiredCount"] = desired
    resources: dict[str, Any] = {
        "Task": {
            "Type": "AWS::ECS::TaskDefinition",
            "Properties": {"Family": unique("web"), "RequiresCompatibilities": ["FARGATE"], "NetworkMode": "awsvpc", "Cpu": "256", "Memory": "512", "ContainerDefinitions": [{"Name": "web", "Image": f"nginx:{tag}"}]},
        },
        "Service": {"Type": "AWS::ECS::Service", "Properties": service},
    }
    if scale is not None:
        resources["Target"] = {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "Properties": {
                "MinCapacity": scale[0],
                "MaxCapacity": scale[1],
                "ResourceId": {"Fn::Join": ["/", ["service", cluster, {"Fn::GetAtt": ["Service", "Name"]}]]},
                "ScalableDimension": "ecs:service:DesiredCount",
                "ServiceNamespace": "ecs",
            },
        }
    return {"Resources": resources}


def _desired(aws: Clients, cluster: str, stack: str) -> int:
    service = stack_resources(aws, stack)["Service"]
    return aws.ecs.describe_services(cluster=cluster, services=[service])["services"][0]["desiredCount"]


@test
def desired_count_left_out_and_scalable_target_range(aws: Clients) -> None:
    cluster = unique("cluster")
    aws.ecs.create_cluster(clusterName=cluster)
    fixed = create_stack(aws, _service_template(cluster, None, None, "1"))
    expect_equal(_desired(aws, cluster, fixed), 1, "a service created without DesiredCount")
    scaled = create_stack(aws, _service_template(cluster, None, (2, 6), "1"))
    expect_equal(_desired(aws, cluster, scaled), 2, "the scalable target moves a new service up to its MinCapacity")
    # Autoscaling scales it out (Application Auto Scaling calls UpdateService), then an update leaves DesiredCount out.
    aws.ecs.update_service(cluster=cluster, service=stack_resources(aws, scaled)["Service"], desiredCount=5)
    run_change_set(aws, scaled, _service_template(cluster, None, (2, 6), "2"), {})
    expect_equal(_desired(aws, cluster, scaled), 5, "an update without DesiredCount keeps the count")
    run_change_set(aws, scaled, _service_template(cluster, None, (1, 4), "2"), {})
    expect_equal(_desired(aws, cluster, scaled), 4, "a lower MaxCapacity scales the service in to it")
    run_change_set(aws, scaled, _service_template(cluster, 3, None, "2"), {})
    expect_equal(_desired(aws, cluster, scaled), 3, "a DesiredCount given again is applied")
