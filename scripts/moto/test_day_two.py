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


def _run_one(aws: Clients, command: list[str] | None) -> tuple[dict[str, Any], str, str]:
    cluster = unique("cluster")
    aws.ecs.create_cluster(clusterName=cluster)
    group = unique("/racknet/logs")
    aws.logs.create_log_group(logGroupName=group)
    vpc = aws.ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = aws.ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    definition = aws.ecs.register_task_definition(
        family=unique("web"),
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx:1", "essential": True, "command": ["echo", "from the task definition"], "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "shop"}}}],
    )["taskDefinition"]["taskDefinitionArn"]
    overrides = {"containerOverrides": [{"name": "web", "command": command}]} if command else {}
    task = aws.ecs.run_task(cluster=cluster, taskDefinition=definition, launchType="FARGATE", overrides=overrides, networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [], "assignPublicIp": "DISABLED"}})["tasks"][0]
    return task, cluster, group


@test
def run_task_runs_the_command_logs_it_and_stops_with_its_exit_code(aws: Clients) -> None:
    task, cluster, group = _run_one(aws, ["sh", "-c", "echo hi && exit 3"])
    expect_equal("exitCode" in task["containers"][0], False, "a running container has no exit code")
    task_id = task["taskArn"].split("/")[-1]
    for _ in range(10):
        task = aws.ecs.describe_tasks(cluster=cluster, tasks=[task["taskArn"]])["tasks"][0]
        if task["lastStatus"] == "STOPPED":
            break
    expect_equal(task["lastStatus"], "STOPPED", "the task stops once its container exits")
    expect_equal(task["containers"][0]["exitCode"], 3, "the container's exit code")
    expect_equal(task.get("stopCode"), "EssentialContainerExited", "stopCode")
    events = aws.logs.get_log_events(logGroupName=group, logStreamName=f"shop/web/{task_id}", startFromHead=True)["events"]
    expect_equal([event["message"] for event in events], ["hi"], "what the container printed, in its awslogs stream")

    default, cluster, group = _run_one(aws, None)
    stopped = aws.ecs.stop_task(cluster=cluster, task=default["taskArn"], reason="racknet run: Ctrl-C")["task"]
    expect_equal((stopped.get("stopCode"), stopped.get("stoppedReason")), ("UserInitiated", "racknet run: Ctrl-C"), "StopTask")
    events = aws.logs.get_log_events(logGroupName=group, logStreamName=f"shop/web/{default['taskArn'].split('/')[-1]}", startFromHead=True)["events"]
    expect_equal([event["message"] for event in events], ["from the task definition"], "the task definition's command")


@test
def update_takes_time_and_cancel_update_stack_rolls_it_back(aws: Clients) -> None:
    import os
    import time

    parameter = {"Type": "String"}
    template = {"Parameters": {"Value": parameter}, "Resources": {"Setting": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": unique("/racknet/cancel"), "Type": "String", "Value": {"Ref": "Value"}}}}}
    stack = create_stack(aws, template, {"Value": "before"})
    name = stack_resources(aws, stack)["Setting"]
    try:
        aws.cloudformation.cancel_update_stack(StackName=stack)
        raise AssertionError("CancelUpdateStack on a stack that is not updating must fail")
    except aws.cloudformation.exceptions.ClientError as error:
        expect_equal("CancelUpdateStack cannot be called from current stack status" in str(error), True, "CancelUpdateStack outside UPDATE_IN_PROGRESS")
    os.environ["MOTO_CLOUDFORMATION_UPDATE_SECONDS"] = "2"
    try:
        run_change_set(aws, stack, template, {"Value": "after"})
        expect_equal(aws.cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"], "UPDATE_IN_PROGRESS", "an update runs for a while")
        aws.cloudformation.cancel_update_stack(StackName=stack)
        expect_equal(aws.cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"], "UPDATE_ROLLBACK_COMPLETE", "a cancelled update is rolled back")
        expect_equal(aws.ssm.get_parameter(Name=name)["Parameter"]["Value"], "before", "the resource is updated back")
        events = aws.cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
        statuses = [(event["LogicalResourceId"], event["ResourceStatus"], event.get("ResourceStatusReason", "")) for event in reversed(events)]
        expect_equal(("Setting", "UPDATE_FAILED", "Resource update cancelled") in statuses, True, "the resource in flight is cancelled")
        expect_equal(any(status == "UPDATE_ROLLBACK_IN_PROGRESS" and "Stack update cancelled" in reason for _, status, reason in statuses), True, "the stack says why it rolls back")
        run_change_set(aws, stack, template, {"Value": "again"})
        time.sleep(2.5)
        expect_equal(aws.cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"], "UPDATE_COMPLETE", "an update not cancelled completes")
        expect_equal(aws.ssm.get_parameter(Name=name)["Parameter"]["Value"], "again", "and stays")
    finally:
        del os.environ["MOTO_CLOUDFORMATION_UPDATE_SECONDS"]

