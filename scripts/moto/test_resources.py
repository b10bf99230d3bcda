"""Reproductions for issue 29's resources: Secrets Manager secrets and dynamic references in
CloudFormation, RDS parameter groups, ports and security groups, as AWS makes them."""

from __future__ import annotations

from typing import Any

from selftest import Clients, create_stack, expect_equal, outputs, run_change_set, test


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


def postgres_template(subnets: list[str], instance_class: str = "db.t4g.micro") -> dict[str, Any]:
    return {
        "Resources": {
            "Subnets": {"Type": "AWS::RDS::DBSubnetGroup", "Properties": {"DBSubnetGroupDescription": "db", "SubnetIds": subnets}},
            "Db": {
                "Type": "AWS::RDS::DBInstance",
                "DeletionPolicy": "Snapshot",
                "UpdateReplacePolicy": "Snapshot",
                "Properties": {
                    "Engine": "postgres",
                    "EngineVersion": "17.9",
                    "DBInstanceClass": instance_class,
                    "AllocatedStorage": "20",
                    "MasterUsername": "app",
                    "MasterUserPassword": "not-a-secret-just-a-test",
                    "DBSubnetGroupName": {"Ref": "Subnets"},
                    "StorageEncrypted": True,
                },
            },
        }
    }


@test
def rds_instance_resized_in_place(aws: Clients) -> None:
    _, subnets = network(aws)
    stack = create_stack(aws, postgres_template(subnets))
    before = resources(aws, stack)["Db"]
    run_change_set(aws, stack, postgres_template(subnets, "db.t4g.small"), {})
    after = resources(aws, stack)["Db"]
    expect_equal(after, before, "a new class keeps the instance (ModifyDBInstance, no replacement)")
    instance = aws.rds.describe_db_instances(DBInstanceIdentifier=after)["DBInstances"][0]
    expect_equal(instance["DBInstanceClass"], "db.t4g.small", "the instance's class after the update")


@test
def rds_instance_removed_keeps_a_final_snapshot(aws: Clients) -> None:
    _, subnets = network(aws)
    stack = create_stack(aws, postgres_template(subnets))
    instance = resources(aws, stack)["Db"]
    run_change_set(aws, stack, {"Resources": {"Subnets": postgres_template(subnets)["Resources"]["Subnets"]}}, {})
    expect_equal(instance in [db["DBInstanceIdentifier"] for db in aws.rds.describe_db_instances()["DBInstances"]], False, "the instance is gone")
    snapshots = aws.rds.describe_db_snapshots(DBInstanceIdentifier=instance, SnapshotType="manual")["DBSnapshots"]
    expect_equal(len(snapshots), 1, "DeletionPolicy Snapshot: one final snapshot of the removed instance")
    expect_equal(snapshots[0]["DBSnapshotIdentifier"].startswith(f"{stack}-snapshot-db-"), True, f"CloudFormation's name for it ({snapshots[0]['DBSnapshotIdentifier']})")


@test
def elasticache_redis_and_memcached_created_and_snapshotted(aws: Clients) -> None:
    vpc, subnets = network(aws)
    template: dict[str, Any] = {
        "Resources": {
            "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "cache", "VpcId": vpc}},
            "Subnets": {"Type": "AWS::ElastiCache::SubnetGroup", "Properties": {"Description": "cache", "SubnetIds": subnets}},
            "Redis": {
                "Type": "AWS::ElastiCache::ReplicationGroup",
                "DeletionPolicy": "Snapshot",
                "Properties": {
                    "ReplicationGroupDescription": "redis",
                    "Engine": "redis",
                    "EngineVersion": "7.1",
                    "CacheNodeType": "cache.t4g.micro",
                    "NumCacheClusters": 1,
                    "CacheSubnetGroupName": {"Ref": "Subnets"},
                    "SecurityGroupIds": [{"Fn::GetAtt": ["Group", "GroupId"]}],
                    "AtRestEncryptionEnabled": True,
                    "TransitEncryptionEnabled": True,
                    "AuthToken": "not-a-secret-just-a-test",
                },
            },
            "Memcached": {
                "Type": "AWS::ElastiCache::CacheCluster",
                "Properties": {"Engine": "memcached", "CacheNodeType": "cache.t4g.micro", "NumCacheNodes": 2, "CacheSubnetGroupName": {"Ref": "Subnets"}, "VpcSecurityGroupIds": [{"Fn::GetAtt": ["Group", "GroupId"]}]},
            },
        },
        "Outputs": {
            "Redis": {"Value": {"Fn::Join": [":", [{"Fn::GetAtt": ["Redis", "PrimaryEndPoint.Address"]}, {"Fn::GetAtt": ["Redis", "PrimaryEndPoint.Port"]}]]}},
            "Memcached": {"Value": {"Fn::Join": [":", [{"Fn::GetAtt": ["Memcached", "ConfigurationEndpoint.Address"]}, {"Fn::GetAtt": ["Memcached", "ConfigurationEndpoint.Port"]}]]}},
        },
    }
    stack = create_stack(aws, template)
    ids = resources(aws, stack)
    group = aws.elasticache.describe_replication_groups(ReplicationGroupId=ids["Redis"])["ReplicationGroups"][0]
    expect_equal((group["AtRestEncryptionEnabled"], group["TransitEncryptionEnabled"], group["AuthTokenEnabled"]), (True, True, True), "the Redis group's encryption and AUTH")
    primary = group["NodeGroups"][0]["PrimaryEndpoint"]
    expect_equal(outputs(aws, stack)["Redis"], f"{primary['Address']}:{primary['Port']}", "GetAtt PrimaryEndPoint")
    expect_equal(aws.elasticache.describe_cache_subnet_groups(CacheSubnetGroupName=ids["Subnets"])["CacheSubnetGroups"][0]["VpcId"], vpc, "the subnet group, Ref its name")
    memcached = aws.elasticache.describe_cache_clusters(CacheClusterId=ids["Memcached"])["CacheClusters"][0]
    expect_equal((memcached["Engine"], memcached["NumCacheNodes"], memcached["CacheSubnetGroupName"]), ("memcached", 2, ids["Subnets"]), "the Memcached cluster")
    expect_equal(outputs(aws, stack)["Memcached"].endswith(":11211"), True, "GetAtt ConfigurationEndpoint, Memcached's port")
    aws.cloudformation.delete_stack(StackName=stack)
    expect_equal([g["ReplicationGroupId"] for g in aws.elasticache.describe_replication_groups()["ReplicationGroups"] if g["ReplicationGroupId"] == ids["Redis"]], [], "the group goes with its stack")
    finals = [s for s in aws.elasticache.describe_snapshots(SnapshotSource="manual")["Snapshots"] if s.get("ReplicationGroupId") == ids["Redis"]]
    expect_equal(len(finals), 1, "DeletionPolicy Snapshot: the group's final snapshot")


@test
def rds_instance_replaced_keeps_the_old_ones_snapshot(aws: Clients) -> None:
    _, subnets = network(aws)
    stack = create_stack(aws, postgres_template(subnets))
    before = resources(aws, stack)["Db"]
    mysql = postgres_template(subnets)
    mysql["Resources"]["Db"]["Properties"].update({"Engine": "mysql", "EngineVersion": "8.4.7"})
    run_change_set(aws, stack, mysql, {})
    after = resources(aws, stack)["Db"]
    expect_equal(after != before, True, "a new engine replaces the instance (a new identifier)")
    expect_equal(aws.rds.describe_db_instances(DBInstanceIdentifier=after)["DBInstances"][0]["Engine"], "mysql", "the new instance's engine")
    expect_equal(before in [db["DBInstanceIdentifier"] for db in aws.rds.describe_db_instances()["DBInstances"]], False, "the old instance is gone")
    snapshots = aws.rds.describe_db_snapshots(DBInstanceIdentifier=before, SnapshotType="manual")["DBSnapshots"]
    expect_equal([snapshot["DBSnapshotIdentifier"].startswith(f"{stack}-snapshot-db-") for snapshot in snapshots], [True], "UpdateReplacePolicy Snapshot: the old instance's final snapshot")
