"""Reproductions for resource types whose properties moto dropped or could not take: ECR
repositories, KMS keys, Application Auto Scaling, EventBridge schedules and rules with ECS
targets, ECS service grace periods, target group attributes, SSM parameters."""

from __future__ import annotations

import json
from typing import Any

from selftest import Clients, create_stack, expect_equal, test, unique

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/racknet-test"
MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "config": {"digest": "sha256:" + "a" * 64}})
LIFECYCLE = {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10}, "action": {"type": "expire"}}]}


def update(aws: Clients, stack: str, template: dict[str, Any]) -> None:
    aws.cloudformation.update_stack(StackName=stack, TemplateBody=json.dumps(template))
    status = aws.cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    expect_equal(status, "UPDATE_COMPLETE", "update")


@test
def ecr_repository_scanning_lifecycle_and_empty_on_delete(aws: Clients) -> None:
    name = unique("rack") + "/web"

    def template(scan: bool) -> dict[str, Any]:
        properties = {"RepositoryName": name, "ImageScanningConfiguration": {"ScanOnPush": scan}, "LifecyclePolicy": {"LifecyclePolicyText": json.dumps(LIFECYCLE)}, "EmptyOnDelete": True}
        return {"Resources": {"Repository": {"Type": "AWS::ECR::Repository", "Properties": properties}}}

    stack = create_stack(aws, template(True))
    repository = aws.ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    expect_equal(repository["imageScanningConfiguration"], {"scanOnPush": True}, "ImageScanningConfiguration")
    expect_equal(json.loads(aws.ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]), LIFECYCLE, "LifecyclePolicy")
    update(aws, stack, template(False))
    repository = aws.ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    expect_equal(repository["imageScanningConfiguration"], {"scanOnPush": False}, "ImageScanningConfiguration after an update")
    aws.ecr.put_image(repositoryName=name, imageManifest=MANIFEST, imageTag="v1")
    aws.cloudformation.delete_stack(StackName=stack)
    remaining = [entry["repositoryName"] for entry in aws.ecr.describe_repositories()["repositories"]]
    expect_equal(name in remaining, False, "EmptyOnDelete: the repository is deleted with its image")


@test
def kms_key_policy_rotation_alias_and_deletion(aws: Clients) -> None:
    alias = f"alias/{unique('rack')}"
    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}]}
    stack = create_stack(
        aws,
        {
            "Resources": {
                "Given": {"Type": "AWS::KMS::Key", "Properties": {"Description": "rack CA key", "EnableKeyRotation": True, "KeyPolicy": policy}},
                "Default": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": "true"}},
                "Alias": {"Type": "AWS::KMS::Alias", "Properties": {"AliasName": alias, "TargetKeyId": {"Ref": "Given"}}},
            }
        },
    )
    resources = {summary["LogicalResourceId"]: summary["PhysicalResourceId"] for summary in aws.cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]}
    given, default = resources["Given"], resources["Default"]
    expect_equal(aws.kms.describe_key(KeyId=given)["KeyMetadata"]["Description"], "rack CA key", "DescribeKey of a key with an object KeyPolicy")
    expect_equal(json.loads(aws.kms.get_key_policy(KeyId=given, PolicyName="default")["Policy"]), policy, "KeyPolicy")
    default_policy = json.loads(aws.kms.get_key_policy(KeyId=default, PolicyName="default")["Policy"])
    expect_equal(default_policy["Statement"][0]["Principal"], {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "default key policy without KeyPolicy")
    expect_equal([aws.kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] for key in (given, default)], [True, True], "EnableKeyRotation")
    expect_equal([entry["AliasName"] for entry in aws.kms.list_aliases(KeyId=given)["Aliases"]], [alias], "Alias")
    aws.cloudformation.delete_stack(StackName=stack)
    expect_equal(aws.kms.describe_key(KeyId=given)["KeyMetadata"]["KeyState"], "PendingDeletion", "deleting the stack schedules the key's deletion")


@test
def application_autoscaling_target_tracking_on_an_ecs_service(aws: Clients) -> None:
    cluster = unique("rack")
    aws.ecs.create_cluster(clusterName=cluster)
    aws.ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 512}])
    aws.ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="web", desiredCount=2)
    resource_id = f"service/{cluster}/web"

    def template(maximum: int) -> dict[str, Any]:
        return {
            "Resources": {
                "Target": {
                    "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
                    "Properties": {"MinCapacity": 2, "MaxCapacity": maximum, "ResourceId": resource_id, "RoleARN": ROLE, "ScalableDimension": "ecs:service:DesiredCount", "ServiceNamespace": "ecs"},
                },
                "Cpu": {
                    "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
                    "Properties": {
                        "PolicyName": "cpu",
                        "PolicyType": "TargetTrackingScaling",
                        "ScalingTargetId": {"Ref": "Target"},
                        "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70, "ScaleInCooldown": 60, "ScaleOutCooldown": 30, "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}},
                    },
                },
            }
        }

    stack = create_stack(aws, template(10))
    scaling = aws.named("application-autoscaling")
    targets = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource_id])["ScalableTargets"]
    expect_equal([(target["MinCapacity"], target["MaxCapacity"]) for target in targets], [(2, 10)], "ScalableTarget")
    policies = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource_id)["ScalingPolicies"]
    expect_equal([(policy["PolicyName"], policy["PolicyType"]) for policy in policies], [("cpu", "TargetTrackingScaling")], "ScalingPolicy")
    configuration = policies[0]["TargetTrackingScalingPolicyConfiguration"]
    expect_equal((configuration["TargetValue"], configuration["ScaleOutCooldown"], configuration["PredefinedMetricSpecification"]["PredefinedMetricType"]), (70.0, 30, "ECSServiceAverageCPUUtilization"), "target tracking")
    update(aws, stack, template(6))
    targets = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource_id])["ScalableTargets"]
    expect_equal([target["MaxCapacity"] for target in targets], [6], "MaxCapacity after an update")
    aws.cloudformation.delete_stack(StackName=stack)
    expect_equal(scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource_id])["ScalableTargets"], [], "deleted with the stack")


@test
def scheduled_ecs_tasks_keep_their_network_configuration(aws: Clients) -> None:
    name = unique("timer")
    network = {"Subnets": ["subnet-0a1b"], "SecurityGroups": ["sg-0a1b"], "AssignPublicIp": "DISABLED"}
    ecs = {"TaskDefinitionArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/web:1", "TaskCount": 1, "LaunchType": "FARGATE"}
    stack = create_stack(
        aws,
        {
            "Resources": {
                "Schedule": {
                    "Type": "AWS::Scheduler::Schedule",
                    "Properties": {
                        "Name": name,
                        "ScheduleExpression": "cron(0 3 * * ? *)",
                        "FlexibleTimeWindow": {"Mode": "OFF"},
                        "Target": {"Arn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/rack", "RoleArn": ROLE, "EcsParameters": {**ecs, "NetworkConfiguration": {"AwsvpcConfiguration": network}}},
                    },
                },
                "Rule": {
                    "Type": "AWS::Events::Rule",
                    "Properties": {
                        "Name": name,
                        "ScheduleExpression": "rate(1 hour)",
                        "Targets": [{"Id": "task", "Arn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/rack", "RoleArn": ROLE, "EcsParameters": {**ecs, "NetworkConfiguration": {"AwsVpcConfiguration": network}}}],
                    },
                },
            },
            "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Schedule", "Arn"]}}},
        },
    )
    schedule = aws.scheduler.get_schedule(Name=name)
    expect_equal(schedule["Target"]["EcsParameters"]["NetworkConfiguration"], {"awsvpcConfiguration": network}, "Scheduler target network configuration")
    expect_equal(schedule["ScheduleExpression"], "cron(0 3 * * ? *)", "ScheduleExpression")
    target = aws.events.list_targets_by_rule(Rule=name)["Targets"][0]
    expect_equal(target["EcsParameters"]["NetworkConfiguration"], {"awsvpcConfiguration": network}, "Events rule target network configuration")
    aws.cloudformation.delete_stack(StackName=stack)
    expect_equal(name in [entry["Name"] for entry in aws.scheduler.list_schedules()["Schedules"]], False, "schedule deleted with the stack")


def balanced_service(grace: int, drain: str, path: str) -> dict[str, Any]:
    ref = lambda name: {"Ref": name}  # noqa: E731
    return {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.40.0.0/16"}},
            "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": ref("Vpc"), "CidrBlock": "10.40.0.0/24", "AvailabilityZone": "us-east-1a"}},
            "Tasks": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "tasks", "VpcId": ref("Vpc")}},
            "Group": {
                "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "Properties": {
                    "Port": 80,
                    "Protocol": "HTTP",
                    "TargetType": "ip",
                    "VpcId": ref("Vpc"),
                    "HealthCheckPath": path,
                    "HealthCheckIntervalSeconds": 15,
                    "TargetGroupAttributes": [
                        {"Key": "deregistration_delay.timeout_seconds", "Value": drain},
                        {"Key": "stickiness.enabled", "Value": "true"},
                        {"Key": "stickiness.type", "Value": "lb_cookie"},
                        {"Key": "stickiness.lb_cookie.duration_seconds", "Value": "3600"},
                    ],
                },
            },
            "Cluster": {"Type": "AWS::ECS::Cluster"},
            "Task": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {"Family": "web", "RequiresCompatibilities": ["FARGATE"], "NetworkMode": "awsvpc", "Cpu": "256", "Memory": "512", "ContainerDefinitions": [{"Name": "web", "Image": "nginx"}]},
            },
            "Service": {
                "Type": "AWS::ECS::Service",
                "Properties": {
                    "Cluster": ref("Cluster"),
                    "TaskDefinition": ref("Task"),
                    "DesiredCount": 1,
                    "LaunchType": "FARGATE",
                    "HealthCheckGracePeriodSeconds": grace,
                    "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": [ref("Subnet")], "SecurityGroups": [ref("Tasks")]}},
                },
            },
        }
    }


@test
def target_group_attributes_and_service_grace_period_follow_updates(aws: Clients) -> None:
    stack = create_stack(aws, balanced_service(90, "12", "/health"))
    resources = {summary["LogicalResourceId"]: summary["PhysicalResourceId"] for summary in aws.cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]}
    group = resources["Group"]

    def attributes() -> dict[str, str]:
        return {attribute["Key"]: attribute["Value"] for attribute in aws.elbv2.describe_target_group_attributes(TargetGroupArn=group)["Attributes"]}

    def grace() -> int:
        cluster = resources["Cluster"]
        services = aws.ecs.describe_services(cluster=cluster, services=aws.ecs.list_services(cluster=cluster)["serviceArns"])["services"]
        return services[0].get("healthCheckGracePeriodSeconds")

    expect_equal({key: attributes()[key] for key in ("deregistration_delay.timeout_seconds", "stickiness.enabled", "stickiness.lb_cookie.duration_seconds")}, {"deregistration_delay.timeout_seconds": "12", "stickiness.enabled": "true", "stickiness.lb_cookie.duration_seconds": "3600"}, "TargetGroupAttributes")
    expect_equal(grace(), 90, "HealthCheckGracePeriodSeconds")
    update(aws, stack, balanced_service(120, "30", "/ready"))
    described = aws.elbv2.describe_target_groups(TargetGroupArns=[group])["TargetGroups"][0]
    expect_equal((described["HealthCheckPath"], attributes()["deregistration_delay.timeout_seconds"]), ("/ready", "30"), "the same target group updated in place")
    expect_equal(grace(), 120, "HealthCheckGracePeriodSeconds after an update")


@test
def ssm_parameter_tags_map_and_generated_name(aws: Clients) -> None:
    name = f"/racknet/{unique('rack')}/ca"
    stack = create_stack(
        aws,
        {
            "Resources": {
                "Named": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": name, "Type": "String", "Value": "v", "Tags": {"Rack": "one", "System": "racknet"}}},
                "Unnamed": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "w"}},
            }
        },
    )
    tags = aws.ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=name)["TagList"]
    expect_equal(sorted((tag["Key"], tag["Value"]) for tag in tags), [("Rack", "one"), ("System", "racknet")], "Tags as a map")
    unnamed = {summary["LogicalResourceId"]: summary["PhysicalResourceId"] for summary in aws.cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]}["Unnamed"]
    expect_equal(aws.ssm.get_parameter(Name=unnamed)["Parameter"]["Value"], "w", "a parameter without Name gets a generated one")
