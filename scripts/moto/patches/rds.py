"""RDS resources made by CloudFormation: what Ref returns, and the engine's port."""

from __future__ import annotations

import copy
from typing import Any

# The port a DB instance listens on when the template gives none (AWS::RDS::DBInstance, Port:
# "Default: 3306 for MySQL and MariaDB, 5432 for PostgreSQL"; the API's CreateDBInstance
# Port has the same defaults).
DEFAULT_PORTS = {"postgres": 5432, "mysql": 3306, "mariadb": 3306}


def restore_parameter_group_ref_default_port_and_security_groups() -> None:
    """Ref of an AWS::RDS::DBParameterGroup is its name (stock moto hands the DB instance the
    model object, and the instance fails with "'DBParameterGroup' object has no attribute
    'startswith'"); an AWS::RDS::DBInstance without Port listens on its engine's default port
    (stock moto: 3306 for every engine, so a PostgreSQL endpoint said 3306); its VPCSecurityGroups
    are its security groups (stock moto reads a VpcSecurityGroupIds key that the resource type does
    not have, and gives the instance the VPC's default group instead). AWS CloudFormation
    Template Reference, AWS::RDS::DBParameterGroup (Return values: Ref) and AWS::RDS::DBInstance
    (Port), https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbparametergroup.html,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html."""
    from moto.rds.models import DBInstance, DBParameterGroup

    DBParameterGroup.physical_resource_id = property(lambda self: self.name)  # type: ignore[attr-defined]
    original = DBInstance.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = (cloudformation_json or {}).get("Properties") or {}
        engine = str(properties.get("Engine", "")).lower()
        cloudformation_json = copy.deepcopy(cloudformation_json)
        if "Port" not in properties and engine in DEFAULT_PORTS:
            cloudformation_json["Properties"]["Port"] = DEFAULT_PORTS[engine]
        if "VPCSecurityGroups" in properties:
            cloudformation_json["Properties"]["VpcSecurityGroupIds"] = list(properties["VPCSecurityGroups"])
        return original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    DBInstance.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign]


# AWS::RDS::DBInstance properties RDS changes in place (ModifyDBInstance, ApplyImmediately as
# CloudFormation applies them), by their ModifyDBInstance argument in moto.
IN_PLACE = {
    "DBInstanceClass": "db_instance_class",
    "AllocatedStorage": "allocated_storage",
    "EngineVersion": "engine_version",
    "MultiAZ": "multi_az",
    "BackupRetentionPeriod": "backup_retention_period",
    "PreferredBackupWindow": "preferred_backup_window",
    "PreferredMaintenanceWindow": "preferred_maintenance_window",
    "DeletionProtection": "deletion_protection",
    "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
    "DBParameterGroupName": "db_parameter_group_name",
    "StorageType": "storage_type",
    "PubliclyAccessible": "publicly_accessible",
    "CopyTagsToSnapshot": "copy_tags_to_snapshot",
}


def _plain(node: Any) -> Any:
    """The properties as their resolved values: a Ref that moto resolves to a model object (a
    DB subnet group) stands for its name, as in AWS."""
    if isinstance(node, dict):
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    if node is None or isinstance(node, (str, int, float, bool)):
        return node
    return getattr(node, "physical_resource_id", None) or getattr(node, "name", None) or str(node)


def _typed(key: str, value: Any) -> Any:
    if key in ("AllocatedStorage", "BackupRetentionPeriod"):
        return int(value)
    if key in ("MultiAZ", "DeletionProtection", "AutoMinorVersionUpgrade", "PubliclyAccessible", "CopyTagsToSnapshot"):
        return str(value).lower() == "true"
    return value


def _stack_name(stack_id: str) -> str:
    """arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID → NAME."""
    parts = stack_id.split("/")
    return parts[1] if len(parts) > 2 else stack_id


def final_snapshot_name(stack_name: str, logical_id: str) -> str:
    """The name CloudFormation gives the snapshot it takes for DeletionPolicy or
    UpdateReplacePolicy Snapshot: `<stack>-snapshot-<logical id>-<random>`, lowercase
    (aws-cloudformation-resource-providers-rds, aws-rds-dbinstance DeleteHandler: IdentifierFactory
    with the stack name, "Snapshot-" and the logical id, and the request token)."""
    import random
    import string

    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=12))
    return f"{stack_name}-snapshot-{logical_id}-{suffix}".lower()


def restore_db_instance_updates() -> None:
    """AWS: an update of an AWS::RDS::DBInstance changes what RDS modifies in place
    (DBInstanceClass, AllocatedStorage, EngineVersion, MultiAZ, the backup settings, ...: "Update
    requires: Some interruptions" or "No interruption") on the same instance, and replaces it
    when a create-only property changes (DBName, MasterUsername, DBSubnetGroupName,
    StorageEncrypted, ...) or the Engine does: a new instance under a new identifier, the old one
    deleted afterwards, with a final snapshot when its UpdateReplacePolicy is Snapshot (Template
    Reference, AWS::RDS::DBInstance; UpdateReplacePolicy attribute,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html).
    Stock moto 5.2 has no update for the type: the instance kept its old class and size while the
    stack said UPDATE_COMPLETE."""
    from moto.rds.models import DBInstance, rds_backends

    from .cloudformation_replacement import comparable, requires_recreation

    previous_create = DBInstance.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        instance = previous_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        instance._racknet_properties = _plain((cloudformation_json or {}).get("Properties") or {})
        instance._racknet_stack = _stack_name(str(kwargs.get("StackId", "")))
        return instance

    def update_from_cloudformation_json(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = _plain((cloudformation_json or {}).get("Properties") or {})
        before = getattr(original_resource, "_racknet_properties", {})
        changed = [key for key in set(properties) | set(before) if key != "Tags" and comparable(properties.get(key)) != comparable(before.get(key))]
        backend = rds_backends[account_id][region_name]
        if any(requires_recreation("AWS::RDS::DBInstance", key) == "Always" for key in changed) or "Engine" in changed:
            created = DBInstance.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name, StackId=f"stack/{original_resource._racknet_stack}/x")
            final = None
            if cloudformation_json.get("UpdateReplacePolicy", "Snapshot") == "Snapshot":
                final = final_snapshot_name(original_resource._racknet_stack, getattr(original_resource, "logical_resource_id", "resource"))
            backend.delete_db_instance(original_resource.db_instance_identifier, final_db_snapshot_identifier=final, skip_final_snapshot=final is None)
            return created
        modified = {IN_PLACE[key]: _typed(key, properties[key]) for key in changed if key in IN_PLACE and key in properties}
        if "VPCSecurityGroups" in changed:
            modified["vpc_security_group_ids"] = list(properties.get("VPCSecurityGroups") or [])
        if modified:
            backend.modify_db_instance(original_resource.db_instance_identifier, modified)
        original_resource._racknet_properties = properties
        return original_resource

    DBInstance.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign]
    DBInstance.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)  # type: ignore[method-assign, assignment]


def restore_final_snapshot_on_delete() -> None:
    """AWS: a resource whose DeletionPolicy is Snapshot (AWS::RDS::DBInstance,
    AWS::ElastiCache::ReplicationGroup, AWS::ElastiCache::CacheCluster among others) gets a
    snapshot before CloudFormation deletes it, when its stack is deleted or an update removes it
    from the template: "For resources that support snapshots, such as AWS::EC2::Volume, specify
    Snapshot to have CloudFormation create a snapshot before deleting them"; "This capability also
    applies to stack update operations that lead to resources being deleted from stacks"
    (CloudFormation Template Reference, DeletionPolicy attribute,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
    The snapshot is a manual one, kept after the instance is gone (DescribeDBSnapshots with its
    DBInstanceIdentifier and SnapshotType manual finds it). Stock moto deletes the instance and
    keeps nothing."""
    from moto.cloudformation import parsing as cfn_parsing
    from moto.rds.models import DBInstance, rds_backends

    previous_delete = cfn_parsing.ResourceMap._delete_resource

    def delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
        if _deletion_policy(resource_json or {}) != "Snapshot":
            return previous_delete(self, parsed_resource, resource_json)
        logical_id = getattr(parsed_resource, "logical_resource_id", None) or "resource"
        name = final_snapshot_name(str(self["AWS::StackName"]), logical_id)
        if isinstance(parsed_resource, DBInstance):
            backend = rds_backends[self._account_id][self._region_name]
            if parsed_resource.db_instance_identifier in backend.databases:
                backend.delete_db_instance(parsed_resource.db_instance_identifier, final_db_snapshot_identifier=name)
            return None
        if resource_json.get("Type", "").startswith("AWS::ElastiCache::") and hasattr(parsed_resource, "delete"):
            parsed_resource.delete(self._account_id, self._region_name, final_snapshot=name)
            return None
        return previous_delete(self, parsed_resource, resource_json)

    cfn_parsing.ResourceMap._delete_resource = delete_resource


def _deletion_policy(resource_json: dict[str, Any]) -> str:
    """The DeletionPolicy attribute; without one, Delete, except for an AWS::RDS::DBInstance that
    is not in a DB cluster, whose default is Snapshot (DeletionPolicy attribute: "The default
    policy is Snapshot for AWS::RDS::DBCluster resources and for AWS::RDS::DBInstance resources
    that don't specify the DBClusterIdentifier property")."""
    if "DeletionPolicy" in resource_json:
        return str(resource_json["DeletionPolicy"])
    properties = resource_json.get("Properties") or {}
    if resource_json.get("Type") == "AWS::RDS::DBInstance" and not properties.get("DBClusterIdentifier"):
        return "Snapshot"
    return "Delete"
