"""Reproductions for drift detection (patches/cloudformation_drift.py) and the inline security
group rules it compares (patches/ec2.py, restore_security_group_inline_rules)."""

from __future__ import annotations

import json
from typing import Any

from selftest import Clients, create_stack, expect_equal, test, unique

HTTPS = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/8", "Description": "https from the VPN"}


def balancer_stack(ingress: list[dict[str, Any]]) -> dict[str, Any]:
    ref = lambda name: {"Ref": name}  # noqa: E731
    return {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.60.0.0/16"}},
            "A": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": ref("Vpc"), "CidrBlock": "10.60.0.0/24", "AvailabilityZone": "us-east-1a"}},
            "B": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": ref("Vpc"), "CidrBlock": "10.60.1.0/24", "AvailabilityZone": "us-east-1b"}},
            "Balancer": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "balancer", "VpcId": ref("Vpc"), "SecurityGroupIngress": ingress, "Tags": [{"Key": "Name", "Value": "balancer"}]}},
            "Http": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": {"Fn::GetAtt": ["Balancer", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "10.0.0.0/8"}},
            "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Subnets": [ref("A"), ref("B")], "SecurityGroups": [ref("Balancer")]}},
            "Web": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {"Port": 80, "Protocol": "HTTP", "VpcId": ref("Vpc"), "TargetType": "ip"}},
            "Listener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {"LoadBalancerArn": ref("Lb"), "Port": 80, "Protocol": "HTTP", "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]}},
            "Rule": {
                "Type": "AWS::ElasticLoadBalancingV2::ListenerRule",
                "Properties": {"ListenerArn": ref("Listener"), "Priority": 10, "Actions": [{"Type": "forward", "TargetGroupArn": ref("Web")}], "Conditions": [{"Field": "source-ip", "SourceIpConfig": {"Values": ["10.0.0.0/8"]}}]},
            },
        }
    }


def detect(aws: Clients, stack: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    detection = aws.cloudformation.detect_stack_drift(StackName=stack)["StackDriftDetectionId"]
    status = aws.cloudformation.describe_stack_drift_detection_status(StackDriftDetectionId=detection)
    drifts = aws.cloudformation.describe_stack_resource_drifts(StackName=stack)["StackResourceDrifts"]
    return status, {drift["LogicalResourceId"]: drift for drift in drifts}


@test
def drift_detection_finds_a_rule_added_by_hand(aws: Clients) -> None:
    stack = create_stack(aws, balancer_stack([HTTPS]))
    physical = {summary["LogicalResourceId"]: summary["PhysicalResourceId"] for summary in aws.cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]}
    rules = aws.ec2.describe_security_groups(GroupIds=[physical["Balancer"]])["SecurityGroups"][0]["IpPermissions"]
    https = next(rule for rule in rules if rule.get("FromPort") == 443)
    expect_equal(https["IpRanges"], [{"CidrIp": "10.0.0.0/8", "Description": "https from the VPN"}], "an inline rule keeps its Description")

    status, drifts = detect(aws, stack)
    expect_equal(status["DetectionStatus"], "DETECTION_COMPLETE", "DetectionStatus")
    expect_equal(sorted(drifts), ["Balancer", "Http", "Listener", "Rule"], "the checked resources; other types are not listed")
    expect_equal([(d["PropertyPath"], d["DifferenceType"], json.loads(d["ActualValue"])["FromPort"]) for d in drifts["Balancer"]["PropertyDifferences"]], [("/SecurityGroupIngress/1", "ADD", 80)], "AWS reports a separate SecurityGroupIngress resource's rule as added to the group")
    expect_equal([drifts[name]["StackResourceDriftStatus"] for name in ("Http", "Listener", "Rule")], ["IN_SYNC"] * 3, "in sync")

    aws.ec2.authorize_security_group_ingress(GroupId=physical["Balancer"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    aws.elbv2.modify_listener(ListenerArn=physical["Listener"], Port=8080)
    status, drifts = detect(aws, stack)
    expect_equal((status["StackDriftStatus"], status["DriftedStackResourceCount"]), ("DRIFTED", 2), "stack drift")
    added = [json.loads(d["ActualValue"]) for d in drifts["Balancer"]["PropertyDifferences"] if d["DifferenceType"] == "ADD"]
    assert {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"} in added, added
    expect_equal(drifts["Balancer"]["StackResourceDriftStatus"], "MODIFIED", "the group")
    assert {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"} in json.loads(drifts["Balancer"]["ActualProperties"])["SecurityGroupIngress"]
    expect_equal(json.loads(drifts["Balancer"]["ExpectedProperties"])["SecurityGroupIngress"], [HTTPS], "ExpectedProperties")
    expect_equal(drifts["Listener"]["PropertyDifferences"], [{"PropertyPath": "/Port", "ExpectedValue": "80", "ActualValue": "8080", "DifferenceType": "NOT_EQUAL"}], "the listener's port")
    filtered = aws.cloudformation.describe_stack_resource_drifts(StackName=stack, StackResourceDriftStatusFilters=["MODIFIED"])["StackResourceDrifts"]
    expect_equal(sorted(drift["LogicalResourceId"] for drift in filtered), ["Balancer", "Listener"], "StackResourceDriftStatusFilters")

    information = {summary["LogicalResourceId"]: summary["DriftInformation"]["StackResourceDriftStatus"] for summary in aws.cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]}
    expect_equal((information["Vpc"], information["Listener"]), ("NOT_CHECKED", "MODIFIED"), "ListStackResources DriftInformation")
    expect_equal(aws.cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["DriftInformation"]["StackDriftStatus"], "DRIFTED", "DescribeStacks DriftInformation")

    aws.ec2.revoke_security_group_ingress(GroupId=physical["Balancer"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    single = aws.cloudformation.detect_stack_resource_drift(StackName=stack, LogicalResourceId="Http")["StackResourceDrift"]
    expect_equal(single["StackResourceDriftStatus"], "DELETED", "DetectStackResourceDrift of a revoked rule")


@test
def a_group_without_inline_rules_is_not_compared_and_updates_keep_the_group(aws: Clients) -> None:
    stack = create_stack(aws, balancer_stack([]))
    group = {summary["LogicalResourceId"]: summary["PhysicalResourceId"] for summary in aws.cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]}["Balancer"]
    aws.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    _, drifts = detect(aws, stack)
    expect_equal(drifts["Balancer"]["StackResourceDriftStatus"], "IN_SYNC", "no inline rules in the template: AWS does not compare the group's rules")

    aws.cloudformation.update_stack(StackName=stack, TemplateBody=json.dumps(balancer_stack([HTTPS])))
    after = {summary["LogicalResourceId"]: summary["PhysicalResourceId"] for summary in aws.cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]}["Balancer"]
    expect_equal(after, group, "an update of the rules keeps the group")
    ports = sorted(rule.get("FromPort") for rule in aws.ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["IpPermissions"])
    expect_equal(ports, [22, 80, 443], "the new inline rule is added beside the others")


@test
def stack_tags_and_member_rule_descriptions_are_not_drift(aws: Clients) -> None:
    ref = lambda name: {"Ref": name}  # noqa: E731
    group = {"Fn::GetAtt": ["Members", "GroupId"]}
    member = lambda protocol: {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": group, "SourceSecurityGroupId": group, "IpProtocol": protocol, "FromPort": 0, "ToPort": 65535, "Description": f"every {protocol} port between members"}}  # noqa: E731
    template = {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.61.0.0/16"}},
            "Members": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "members", "VpcId": ref("Vpc"), "Tags": [{"Key": "Name", "Value": "members"}]}},
            "Tcp": member("tcp"),
            "Udp": member("udp"),
        }
    }
    name = unique("gap")
    aws.cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template), Tags=[{"Key": "team", "Value": "platform"}])
    physical = {summary["LogicalResourceId"]: summary["PhysicalResourceId"] for summary in aws.cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]}
    pairs = [pair for rule in aws.ec2.describe_security_groups(GroupIds=[physical["Members"]])["SecurityGroups"][0]["IpPermissions"] for pair in rule["UserIdGroupPairs"]]
    expect_equal(sorted(pair.get("Description", "") for pair in pairs), ["every tcp port between members", "every udp port between members"], "each member rule keeps its own Description")
    status, drifts = detect(aws, name)
    expect_equal(status["StackDriftStatus"], "IN_SYNC", "stack-level tags on the group and the rules' descriptions are not drift")
    assert {"Key": "team", "Value": "platform"} in json.loads(drifts["Members"]["ExpectedProperties"])["Tags"], drifts["Members"]["ExpectedProperties"]
