"""Reproductions for change sets that say what they replace (patches/cloudformation_replacement.py)."""

from __future__ import annotations

import json
from typing import Any

from selftest import Clients, create_stack, expect_equal, test, unique


def network(cidr: str, name_tag: str, description: str = "tasks") -> dict[str, Any]:
    ref = lambda name: {"Ref": name}  # noqa: E731
    return {
        "Parameters": {"Label": {"Type": "String", "Default": "one"}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.50.0.0/16"}},
            "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": ref("Vpc"), "CidrBlock": cidr, "AvailabilityZone": "us-east-1a", "Tags": [{"Key": "Name", "Value": name_tag}]}},
            "Routes": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": ref("Vpc")}},
            "Association": {"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {"SubnetId": ref("Subnet"), "RouteTableId": ref("Routes")}},
            "Tasks": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": description, "VpcId": ref("Vpc")}},
            "LabelParameter": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": ref("Label")}},
        },
    }


def changes(aws: Clients, stack: str, template: dict[str, Any], parameters: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    created = aws.cloudformation.create_change_set(
        StackName=stack,
        ChangeSetName=unique("cs"),
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in (parameters or {}).items()],
    )
    described = aws.cloudformation.describe_change_set(ChangeSetName=created["Id"])
    return {change["ResourceChange"]["LogicalResourceId"]: change["ResourceChange"] for change in described["Changes"]}


@test
def change_sets_report_replacement(aws: Clients) -> None:
    stack = create_stack(aws, network("10.50.1.0/24", "a"))
    subnet_id = {summary["LogicalResourceId"]: summary["PhysicalResourceId"] for summary in aws.cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]}["Subnet"]

    tag = changes(aws, stack, network("10.50.1.0/24", "b"))
    expect_equal(sorted(tag), ["Subnet"], "a tag change modifies the subnet only")
    expect_equal((tag["Subnet"]["Replacement"], tag["Subnet"]["Scope"], tag["Subnet"]["PhysicalResourceId"]), ("False", ["Tags"], subnet_id), "tag change")
    expect_equal(tag["Subnet"]["Details"], [{"Target": {"Attribute": "Tags", "RequiresRecreation": "Never"}, "Evaluation": "Static", "ChangeSource": "DirectModification"}], "tag change details")

    cidr = changes(aws, stack, network("10.50.2.0/24", "a"))
    expect_equal(cidr["Subnet"]["Replacement"], "True", "a new CidrBlock replaces the subnet")
    expect_equal(cidr["Subnet"]["Details"], [{"Target": {"Attribute": "Properties", "Name": "CidrBlock", "RequiresRecreation": "Always"}, "Evaluation": "Static", "ChangeSource": "DirectModification"}], "CidrBlock details")
    association = cidr["Association"]
    expect_equal(association["Replacement"], "Conditional", "the association takes the replaced subnet's id")
    expect_equal(association["Details"][0]["Evaluation"], "Dynamic", "known only at execution")
    expect_equal((association["Details"][0]["ChangeSource"], association["Details"][0]["CausingEntity"]), ("ResourceReference", "Subnet"), "caused by the subnet")

    group = changes(aws, stack, network("10.50.1.0/24", "a", description="web tasks"))
    expect_equal(group["Tasks"]["Replacement"], "True", "a new GroupDescription replaces the security group")

    parameter = changes(aws, stack, network("10.50.1.0/24", "a"), {"Label": "two"})
    detail = parameter["LabelParameter"]["Details"][0]
    expect_equal((parameter["LabelParameter"]["Replacement"], detail["ChangeSource"], detail["CausingEntity"]), ("False", "ParameterReference", "Label"), "a parameter's new value")

    removed = network("10.50.1.0/24", "a")
    del removed["Resources"]["Association"]
    remove = changes(aws, stack, removed)
    expect_equal((remove["Association"]["Action"], remove["Association"]["PhysicalResourceId"].startswith("rtbassoc-")), ("Remove", True), "Remove names the physical resource")
