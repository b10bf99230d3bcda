"""Reproductions of AWS refusing what it refuses (issue 19): a stack whose deletion fails ends
DELETE_FAILED; a zone holding records, a cluster running tasks, an account at its quotas, a
Dockerfile copying what its context lacks; and a change set saying Conditional where a property
may or may not replace its resource. Each fails on stock moto (`test_aws_gaps.py --stock`)."""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any, Iterator

from selftest import Clients, create_stack, expect_equal, stack_resources, test, unique
from test_codebuild import REGISTRY, finished, log_of, phase_statuses, project_template, start, upload, zipped


def stack_status(aws: Clients, stack_id: str) -> str:
    return aws.cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]


def stack_id_of(aws: Clients, name: str) -> str:
    return aws.cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackId"]


def resource_events(aws: Clients, stack_id: str, status: str) -> dict[str, str]:
    events = aws.cloudformation.describe_stack_events(StackName=stack_id)["StackEvents"]
    return {event["LogicalResourceId"]: event.get("ResourceStatusReason", "") for event in events if event["ResourceStatus"] == status and event["ResourceType"] != "AWS::CloudFormation::Stack"}


def error_code(call: Any) -> str:
    try:
        call()
    except Exception as error:  # botocore's ClientError
        return str(getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__))
    return "no error"


# --- a stack whose private zone holds a record it does not own ------------------------------


def zone_template(zone: str) -> dict[str, Any]:
    return {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.60.0.0/16"}},
            "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": zone, "VPCs": [{"VPCId": {"Ref": "Vpc"}, "VPCRegion": {"Ref": "AWS::Region"}}]}},
            "Own": {"Type": "AWS::Route53::RecordSet", "Properties": {"HostedZoneId": {"Ref": "Zone"}, "Name": f"own.{zone}", "Type": "A", "TTL": "60", "ResourceRecords": ["10.60.0.9"]}},
        },
        "Outputs": {"Zone": {"Value": {"Ref": "Zone"}}, "Vpc": {"Value": {"Ref": "Vpc"}}},
    }


def record_change(action: str, name: str) -> dict[str, Any]:
    return {"Changes": [{"Action": action, "ResourceRecordSet": {"Name": name, "Type": "A", "TTL": 5, "ResourceRecords": [{"Value": "10.60.1.7"}]}}]}


@test
def deleting_a_stack_whose_zone_holds_foreign_records_fails(aws: Clients) -> None:
    zone = f"{unique('pn')}.private-network.internal"
    name = create_stack(aws, zone_template(zone))
    stack_id = stack_id_of(aws, name)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in aws.cloudformation.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]}
    zone_id = outputs["Zone"]
    aws.route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch=record_change("CREATE", f"1.web.{zone}"))

    aws.cloudformation.delete_stack(StackName=stack_id)
    expect_equal(stack_status(aws, stack_id), "DELETE_FAILED", "a zone holding a record the stack does not own")
    failed = resource_events(aws, stack_id, "DELETE_FAILED")
    expect_equal(sorted(failed), ["Zone"], "the zone is the resource that failed")
    assert "HostedZoneNotEmpty" in failed["Zone"], failed
    expect_equal(sorted(stack_resources(aws, stack_id)), ["Vpc", "Zone"], "the zone and what it depends on are kept; its own record went")
    statuses = {s["LogicalResourceId"]: s["ResourceStatus"] for s in aws.cloudformation.list_stack_resources(StackName=stack_id)["StackResourceSummaries"]}
    expect_equal(statuses, {"Vpc": "CREATE_COMPLETE", "Zone": "DELETE_FAILED"}, "ListStackResources' statuses")
    names = [record["Name"] for record in aws.route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]]
    assert f"own.{zone}." not in names and f"1.web.{zone}." in names, names
    assert aws.ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [outputs["Vpc"]]}])["Vpcs"], "the VPC the zone depends on is kept"
    stack_event = aws.cloudformation.describe_stack_events(StackName=stack_id)["StackEvents"][0]
    expect_equal((stack_event["ResourceStatus"], stack_event.get("ResourceStatusReason")), ("DELETE_FAILED", "The following resource(s) failed to delete: [Zone]. "), "the stack's last event")

    # Emptied by hand, the zone goes with a second DeleteStack, and the rest with it.
    aws.route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch=record_change("DELETE", f"1.web.{zone}"))
    aws.cloudformation.delete_stack(StackName=stack_id)
    expect_equal(stack_status(aws, stack_id), "DELETE_COMPLETE", "deleted once the zone is empty")
    expect_equal(error_code(lambda: aws.route53.get_hosted_zone(Id=zone_id)), "NoSuchHostedZone", "the zone is gone")
    expect_equal(aws.ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [outputs["Vpc"]]}])["Vpcs"], [], "the VPC is gone")


# --- a cluster with tasks or services -------------------------------------------------------


def fargate_task_definition(aws: Clients) -> str:
    return aws.ecs.register_task_definition(
        family=unique("job"),
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "job", "image": "busybox", "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]


def run_task(aws: Clients, cluster: str, network: tuple[str, str]) -> str:
    subnet, group = network
    task = aws.ecs.run_task(
        cluster=cluster,
        taskDefinition=fargate_task_definition(aws),
        launchType="FARGATE",
        # Security groups given: moto fails a task without (docs/moto.md).
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "DISABLED"}},
    )["tasks"][0]
    return task["taskArn"]


def a_network(aws: Clients) -> tuple[str, str]:
    """A subnet and a security group for tasks."""
    vpc = aws.ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    subnet = aws.ec2.create_subnet(VpcId=vpc, CidrBlock="10.61.1.0/24")["Subnet"]["SubnetId"]
    return subnet, aws.ec2.create_security_group(GroupName=unique("tasks"), Description="tasks", VpcId=vpc)["GroupId"]


@test
def a_cluster_with_tasks_or_services_is_not_deleted(aws: Clients) -> None:
    network = a_network(aws)
    cluster = aws.ecs.create_cluster(clusterName=unique("cluster"))["cluster"]["clusterName"]
    task = run_task(aws, cluster, network)
    expect_equal(error_code(lambda: aws.ecs.delete_cluster(cluster=cluster)), "ClusterContainsTasksException", "a running task")
    interfaces = lambda: aws.ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [network[0]]}])["NetworkInterfaces"]  # noqa: E731
    expect_equal(len(interfaces()), 1, "the task's network interface")
    aws.ecs.stop_task(cluster=cluster, task=task, reason="test")
    expect_equal(interfaces(), [], "a stopped task's network interface is deleted")
    service = aws.ecs.create_service(cluster=cluster, serviceName="web", taskDefinition=fargate_task_definition(aws), desiredCount=0)["service"]["serviceName"]
    expect_equal(error_code(lambda: aws.ecs.delete_cluster(cluster=cluster)), "ClusterContainsServicesException", "an active service")
    aws.ecs.delete_service(cluster=cluster, service=service, force=True)
    expect_equal(aws.ecs.delete_cluster(cluster=cluster)["cluster"]["status"], "INACTIVE", "deleted once nothing runs")

    # The same through CloudFormation: the stack ends DELETE_FAILED on the cluster.
    name = create_stack(aws, {"Resources": {"Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": unique("cluster")}}}, "Outputs": {"Cluster": {"Value": {"Ref": "Cluster"}}}})
    stack_id = stack_id_of(aws, name)
    stack_cluster = aws.cloudformation.describe_stacks(StackName=name)["Stacks"][0]["Outputs"][0]["OutputValue"]
    task = run_task(aws, stack_cluster, network)
    aws.cloudformation.delete_stack(StackName=stack_id)
    expect_equal(stack_status(aws, stack_id), "DELETE_FAILED", "a stack whose cluster runs a task")
    assert "ClusterContainsTasksException" in resource_events(aws, stack_id, "DELETE_FAILED").get("Cluster", ""), resource_events(aws, stack_id, "DELETE_FAILED")
    expect_equal(aws.ecs.describe_clusters(clusters=[stack_cluster])["clusters"][0]["status"], "ACTIVE", "the cluster is kept")
    aws.ecs.stop_task(cluster=stack_cluster, task=task, reason="test")
    aws.cloudformation.delete_stack(StackName=stack_id)
    expect_equal(stack_status(aws, stack_id), "DELETE_COMPLETE", "deleted once the task stopped")


# --- the account's quotas -------------------------------------------------------------------


@contextlib.contextmanager
def account_quotas(quotas: dict[str, float]) -> Iterator[None]:
    """The emulated account's applied quotas for a while (MOTO_SERVICE_QUOTAS, read at each call)."""
    saved = os.environ.get("MOTO_SERVICE_QUOTAS")
    os.environ["MOTO_SERVICE_QUOTAS"] = json.dumps({**json.loads(saved or "{}"), **quotas})
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("MOTO_SERVICE_QUOTAS", None)
        else:
            os.environ["MOTO_SERVICE_QUOTAS"] = saved


@test
def quotas_are_enforced_where_aws_enforces_them(aws: Clients) -> None:
    quotas = aws.named("service-quotas")
    vpcs = len(aws.ec2.describe_vpcs()["Vpcs"])
    addresses = len(aws.ec2.describe_addresses()["Addresses"])
    gateways = len(aws.ec2.describe_internet_gateways()["InternetGateways"])
    with account_quotas({"vpc/L-F678F1CE": vpcs + 1, "ec2/L-0263D0A3": addresses + 2, "vpc/L-A4707A72": gateways + 1}):
        expect_equal(quotas.get_service_quota(ServiceCode="vpc", QuotaCode="L-F678F1CE")["Quota"]["Value"], float(vpcs + 1), "the quota enforced is the one answered")
        vpc = aws.ec2.create_vpc(CidrBlock="10.62.0.0/16")["Vpc"]["VpcId"]
        expect_equal(error_code(lambda: aws.ec2.create_vpc(CidrBlock="10.63.0.0/16")), "VpcLimitExceeded", "one VPC beyond the quota")
        aws.ec2.allocate_address(Domain="vpc")
        aws.ec2.create_internet_gateway()
        expect_equal(error_code(aws.ec2.create_internet_gateway), "InternetGatewayLimitExceeded", "one internet gateway beyond the quota")

        # Through CloudFormation: the second EIP is CREATE_FAILED and the stack rolls back.
        template = {"Resources": {"First": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}}, "Second": {"Type": "AWS::EC2::EIP", "DependsOn": "First", "Properties": {"Domain": "vpc"}}}}
        name = unique("gap")
        aws.cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))
        expect_equal(stack_status(aws, name), "ROLLBACK_COMPLETE", "a stack with one Elastic IP beyond the quota")
        failed = resource_events(aws, stack_id_of(aws, name), "CREATE_FAILED")
        assert "AddressLimitExceeded" in failed.get("Second", ""), failed
        expect_equal(len(aws.ec2.describe_addresses()["Addresses"]), addresses + 1, "the rollback released the first")
        expect_equal(error_code(lambda: [aws.ec2.allocate_address(Domain="vpc") for _ in range(2)]), "AddressLimitExceeded", "one address beyond the quota")

        # NAT gateways count per Availability Zone.
        subnet_a = aws.ec2.create_subnet(VpcId=vpc, CidrBlock="10.62.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        subnet_b = aws.ec2.create_subnet(VpcId=vpc, CidrBlock="10.62.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    nats = aws.ec2.describe_nat_gateways(Filters=[{"Name": "state", "Values": ["pending", "available", "deleting"]}])["NatGateways"]
    zones = [aws.ec2.describe_subnets(SubnetIds=[nat["SubnetId"]])["Subnets"][0]["AvailabilityZone"] for nat in nats]
    quota = max(zones.count("us-east-1a"), zones.count("us-east-1b")) + 1
    with account_quotas({"vpc/L-FE5A380F": quota, "ec2/L-0263D0A3": addresses + 2 * quota + 4}):
        allocation = lambda: aws.ec2.allocate_address(Domain="vpc")["AllocationId"]  # noqa: E731
        for _ in range(quota - zones.count("us-east-1a")):
            aws.ec2.create_nat_gateway(SubnetId=subnet_a, AllocationId=allocation())
        expect_equal(error_code(lambda: aws.ec2.create_nat_gateway(SubnetId=subnet_a, AllocationId=allocation())), "NatGatewayLimitExceeded", "one NAT gateway beyond the quota in us-east-1a")
        aws.ec2.create_nat_gateway(SubnetId=subnet_b, AllocationId=allocation())


# --- a Dockerfile copying what its context lacks ---------------------------------------------


@test
def docker_build_fails_on_a_copy_source_the_context_lacks(aws: Clients) -> None:
    name = unique("rack")
    create_stack(aws, project_template(name))
    image = f"{REGISTRY}/{name}/web"
    dockerfile = "FROM node:20-alpine AS deps\nCOPY package.json ./\nCOPY --from=deps /app /app\nCOPY src/ ./src\nCOPY *.md ./\nCOPY . .\n"
    files = {"package.json": "{}", "src/server.js": "listen()", "notes.txt": "", ".dockerignore": "*.txt\n"}
    sources = {
        "good": dict(files, Dockerfile=dockerfile),
        "missing": dict(files, Dockerfile=dockerfile + "COPY config/settings.json ./config/\n"),
        "ignored": dict(files, Dockerfile=dockerfile + "ADD notes.txt ./\n"),
        "kept by an exception": dict(files, Dockerfile=dockerfile + "COPY notes.txt ./\n", **{".dockerignore": "*.txt\n!notes.txt\n"}),
        "own ignore file": dict(files, Dockerfile=dockerfile + "COPY package.json ./again.json\n", **{"Dockerfile.dockerignore": "package.json\n"}),
    }
    ids = {label: start(aws, name, upload(aws, f"{name}/{index}.zip", zipped(content)), f"{image}:v{index}") for index, (label, content) in enumerate(sources.items())}
    builds = {label: finished(aws, [build_id])[build_id] for label, build_id in ids.items()}
    expect_equal({label: build["buildStatus"] for label, build in builds.items()}, {"good": "SUCCEEDED", "missing": "FAILED", "ignored": "FAILED", "kept by an exception": "SUCCEEDED", "own ignore file": "FAILED"}, "builds")
    expect_equal(phase_statuses(builds["missing"])["BUILD"], "FAILED", "the BUILD phase fails")
    message = "COPY failed: file not found in build context or excluded by .dockerignore: stat {}: file does not exist"
    assert message.format("config/settings.json") in log_of(aws, builds["missing"]), log_of(aws, builds["missing"])
    assert message.format("notes.txt") in log_of(aws, builds["ignored"]), log_of(aws, builds["ignored"])
    assert message.format("package.json") in log_of(aws, builds["own ignore file"]), log_of(aws, builds["own ignore file"])


# --- Replacement: Conditional ------------------------------------------------------------------


def service_template(cluster: str) -> dict[str, Any]:
    return {
        "Parameters": {"LaunchType": {"Type": "String", "Default": "FARGATE"}, "Subnet": {"Type": "String"}, "Group": {"Type": "String"}},
        "Resources": {
            "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": cluster}},
            "Tasks": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {"Family": unique("web"), "NetworkMode": "awsvpc", "RequiresCompatibilities": ["FARGATE", "EC2"], "Cpu": "256", "Memory": "512", "ContainerDefinitions": [{"Name": "web", "Image": "httpd"}]},
            },
            "Service": {
                "Type": "AWS::ECS::Service",
                "Properties": {
                    "Cluster": {"Ref": "Cluster"},
                    "TaskDefinition": {"Ref": "Tasks"},
                    "DesiredCount": 0,
                    "LaunchType": {"Ref": "LaunchType"},
                    "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": [{"Ref": "Subnet"}], "SecurityGroups": [{"Ref": "Group"}], "AssignPublicIp": "DISABLED"}},
                },
            },
        },
    }


@test
def a_conditionally_create_only_property_may_replace(aws: Clients) -> None:
    subnet, group = a_network(aws)
    template = service_template(unique("cluster"))
    name = create_stack(aws, template, {"Subnet": subnet, "Group": group})
    created = aws.cloudformation.create_change_set(
        StackName=name,
        ChangeSetName=unique("cs"),
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "LaunchType", "ParameterValue": "EC2"}, {"ParameterKey": "Subnet", "UsePreviousValue": True}, {"ParameterKey": "Group", "UsePreviousValue": True}],
    )
    changes = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in aws.cloudformation.describe_change_set(ChangeSetName=created["Id"])["Changes"]}
    service = changes.get("Service", {})
    expect_equal(service.get("Replacement"), "Conditional", "a new LaunchType may replace the service")
    expect_equal(
        [(d["Target"].get("Name"), d["Target"]["RequiresRecreation"], d["ChangeSource"]) for d in service.get("Details", [])],
        [("LaunchType", "Conditionally", "ParameterReference")],
        "LaunchType is conditionally create-only",
    )
