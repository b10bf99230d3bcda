"""Reproductions for issue 29's resources: Secrets Manager secrets and dynamic references in
CloudFormation, RDS parameter groups, ports and security groups, as AWS makes them."""

from __future__ import annotations

from typing import Any

from selftest import Clients, create_stack, expect_equal, test


def network(aws: Clients) -> tuple[str, list[str]]:
    vpc = aws.ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = [aws.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{index}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"] for index, zone in ((1, "a"), (2, "b"))]
    return vpc, subnets


def resources(aws: Clients, stack: str) -> dict[str, str]:
    summaries = aws.cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    return {summary["LogicalResourceId"]: summary.get("PhysicalResourceId", "") for summary in summaries}


@test
def secret_generated_and_resolved_by_dynamic_reference(aws: Clients) -> None:
    template: dict[str, Any] = {
        "Resources": {
            "Password": {"Type": "AWS::SecretsManager::Secret", "Properties": {"GenerateSecretString": {"PasswordLength": 24, "ExcludePunctuation": True}}},
            "Url": {"Type": "AWS::SecretsManager::Secret", "Properties": {"SecretString": {"Fn::Sub": ["x://app:{{resolve:secretsmanager:${Password}:SecretString}}@${Host}", {"Host": "db.example"}]}}},
        },
        "Outputs": {"Url": {"Value": {"Ref": "Url"}}},
    }
    stack = create_stack(aws, template)
    ids = resources(aws, stack)
    password = aws.secretsmanager.get_secret_value(SecretId=ids["Password"])["SecretString"]
    expect_equal((len(password), password.isalnum()), (24, True), "GenerateSecretString")
    expect_equal(aws.secretsmanager.get_secret_value(SecretId=ids["Url"])["SecretString"], f"x://app:{password}@db.example", "the dynamic reference, resolved")
    template_body = aws.cloudformation.get_template(StackName=stack)["TemplateBody"]
    expect_equal(password in str(template_body), False, "the template keeps the reference, not the value")


@test
def rds_instance_port_parameter_group_and_security_groups(aws: Clients) -> None:
    vpc, subnets = network(aws)
    template: dict[str, Any] = {
        "Resources": {
            "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "db", "VpcId": vpc}},
            "Subnets": {"Type": "AWS::RDS::DBSubnetGroup", "Properties": {"DBSubnetGroupDescription": "db", "SubnetIds": subnets}},
            "Parameters": {"Type": "AWS::RDS::DBParameterGroup", "Properties": {"Description": "tls", "Family": "postgres17", "Parameters": {"rds.force_ssl": "1"}}},
            "Db": {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {
                    "Engine": "postgres",
                    "EngineVersion": "17.9",
                    "DBInstanceClass": "db.t4g.micro",
                    "AllocatedStorage": "20",
                    "MasterUsername": "app",
                    "MasterUserPassword": "not-a-secret-just-a-test",
                    "DBSubnetGroupName": {"Ref": "Subnets"},
                    "DBParameterGroupName": {"Ref": "Parameters"},
                    "VPCSecurityGroups": [{"Fn::GetAtt": ["Group", "GroupId"]}],
                    "StorageEncrypted": True,
                    "PubliclyAccessible": False,
                },
            },
        }
    }
    stack = create_stack(aws, template)
    ids = resources(aws, stack)
    instance = aws.rds.describe_db_instances(DBInstanceIdentifier=ids["Db"])["DBInstances"][0]
    expect_equal(instance["Endpoint"]["Port"], 5432, "PostgreSQL's default port")
    expect_equal(instance["DBParameterGroups"][0]["DBParameterGroupName"], ids["Parameters"], "the parameter group Ref names")
    expect_equal([group["VpcSecurityGroupId"] for group in instance["VpcSecurityGroups"]], [ids["Group"]], "VPCSecurityGroups")
