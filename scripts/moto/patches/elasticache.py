"""ElastiCache resources made by CloudFormation: subnet groups, Redis replication groups and
Memcached clusters, through moto's ElastiCache backend, with the final snapshot of
DeletionPolicy Snapshot."""

from __future__ import annotations

import random
import string
from typing import Any

from .resource_models import is_true, register_model

# AWS::ElastiCache::ReplicationGroup ReplicationGroupId: "at most 40 characters, lowercase";
# AWS::ElastiCache::CacheCluster ClusterName: "at most 50 characters"; generated when absent
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-replicationgroup.html,
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-cachecluster.html).
MAX_GROUP_ID = 40
MAX_CLUSTER_ID = 50


def _suffix(length: int = 12) -> str:
    return "".join(random.choices(string.ascii_lowercase + string.digits, k=length))


def _generated_id(resource_name: str, limit: int) -> str:
    """CloudFormation's generated names are lowercase; ElastiCache ids also may not hold `--` or end in `-`."""
    name = resource_name.lower().replace("_", "-")
    if len(name) > limit:
        name = f"{name[: limit - 13].rstrip('-')}-{_suffix()}"
    while "--" in name:
        name = name.replace("--", "-")
    return name.strip("-")


def _backend(account_id: str, region_name: str) -> Any:
    from moto.elasticache.models import elasticache_backends

    return elasticache_backends[account_id][region_name]


def _tags(properties: dict[str, Any]) -> list[dict[str, str]]:
    return [{"Key": tag["Key"], "Value": tag["Value"]} for tag in properties.get("Tags") or []]


class ElastiCacheSubnetGroup:
    """AWS::ElastiCache::SubnetGroup: Ref is the group's name (lowercase). SubnetIds and
    Description update in place (ModifyCacheSubnetGroup); a new CacheSubnetGroupName replaces it."""

    __module__ = "moto.elasticache.racknet_subnet_group"

    def __init__(self, name: str):
        self.name = name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "CacheSubnetGroupName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ElastiCache::SubnetGroup"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "ElastiCacheSubnetGroup":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        name = _generated_id(properties.get("CacheSubnetGroupName") or resource_name, 255)
        _backend(account_id, region_name).create_cache_subnet_group(name, properties["Description"], list(properties["SubnetIds"]), _tags(properties) or None)
        return cls(name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "ElastiCacheSubnetGroup":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        wanted = properties.get("CacheSubnetGroupName")
        if wanted and wanted.lower() != original_resource.name:
            created = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            original_resource.delete(account_id, region_name)
            return created
        from moto.elasticache.models import CacheSubnetGroup

        backend = _backend(account_id, region_name)
        backend.cache_subnet_groups[original_resource.name] = CacheSubnetGroup(account_id, region_name, original_resource.name, properties["Description"], list(properties["SubnetIds"]), _tags(properties))
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        users = [group.replication_group_id for group in backend.replication_groups.values() if group.cache_subnet_group_name == self.name]
        users += [cluster.cache_cluster_id for cluster in backend.cache_clusters.values() if cluster.cache_subnet_group_name == self.name]
        if users:
            # ElastiCache: "CacheSubnetGroupInUse: The requested cache subnet group is currently in use" (API_DeleteCacheSubnetGroup).
            raise RuntimeError(f"CacheSubnetGroupInUse: cache subnet group {self.name} is in use by {', '.join(users)}")
        backend.cache_subnet_groups.pop(self.name, None)


def _final_snapshot_name(stack_name: str, logical_id: str) -> str:
    """CloudFormation names the snapshot it takes for DeletionPolicy Snapshot itself; the shape
    here is the one its RDS handler uses (`<stack>-snapshot-<logical id>-<random>`, lowercase)."""
    return f"{stack_name}-snapshot-{logical_id}-{_suffix()}".lower()


def _stack_name(stack_id: str) -> str:
    """arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID → NAME."""
    parts = stack_id.split("/")
    return parts[1] if len(parts) > 2 else stack_id


# Properties whose change ElastiCache applies in place (ModifyReplicationGroup); any other
# change of a property CloudFormation lists as "Update requires: Replacement" replaces the group.
GROUP_IN_PLACE = {
    "CacheNodeType": "cache_node_type",
    "EngineVersion": "engine_version",
    "SecurityGroupIds": "security_group_ids",
    "PreferredMaintenanceWindow": "preferred_maintenance_window",
    "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
    "ReplicationGroupDescription": "description",
}
GROUP_REPLACED_BY = ("ReplicationGroupId", "CacheSubnetGroupName", "Port", "AtRestEncryptionEnabled", "KmsKeyId", "NumNodeGroups", "SnapshotArns", "SnapshotName", "PreferredCacheClusterAZs", "DataTieringEnabled", "NetworkType", "Engine")


class ElastiCacheReplicationGroup:
    """AWS::ElastiCache::ReplicationGroup: Ref is the group's id, GetAtt PrimaryEndPoint.Address,
    PrimaryEndPoint.Port, ReaderEndPoint.Address, ReaderEndPoint.Port (cluster mode disabled) and
    ConfigurationEndPoint.Address, ConfigurationEndPoint.Port (cluster mode enabled)."""

    __module__ = "moto.elasticache.racknet_replication_group"

    def __init__(self, group_id: str, properties: dict[str, Any]):
        self.group_id = group_id
        self.properties = properties

    @staticmethod
    def cloudformation_name_type() -> str:
        return "ReplicationGroupId"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ElastiCache::ReplicationGroup"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("PrimaryEndPoint.Address", "PrimaryEndPoint.Port", "ReaderEndPoint.Address", "ReaderEndPoint.Port", "ConfigurationEndPoint.Address", "ConfigurationEndPoint.Port")

    @property
    def physical_resource_id(self) -> str:
        return self.group_id

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        group = self._group()
        if group is None or not self.has_cfn_attr(attribute_name):
            raise UnformattedGetAttTemplateException()
        endpoint, field = attribute_name.split(".")
        if endpoint == "ConfigurationEndPoint":
            configuration = getattr(group, "configuration_endpoint", None) or {}
            return configuration.get("address" if field == "Address" else "port")
        node_group = group.node_groups[0]
        if field == "Port":
            return str(group.port)
        return node_group["primary_endpoint_address" if endpoint == "PrimaryEndPoint" else "reader_endpoint_address"]

    def _group(self) -> Any:
        return self._backend_group

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "ElastiCacheReplicationGroup":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        group_id = _generated_id(properties.get("ReplicationGroupId") or resource_name, MAX_GROUP_ID)
        backend = _backend(account_id, region_name)
        subnet_group = properties.get("CacheSubnetGroupName")
        if subnet_group and subnet_group not in backend.cache_subnet_groups:
            raise RuntimeError(f"CacheSubnetGroupNotFoundFault: cache subnet group {subnet_group} not found")
        if properties.get("AuthToken") and not is_true(properties.get("TransitEncryptionEnabled")):
            # ElastiCache: "AuthToken ... can be specified only on replication groups where TransitEncryptionEnabled is true".
            raise RuntimeError("InvalidParameterValue: The AUTH token is only supported when encryption-in-transit is enabled")
        group = backend.create_replication_group(
            replication_group_id=group_id,
            replication_group_description=properties["ReplicationGroupDescription"],
            global_replication_group_id=properties.get("GlobalReplicationGroupId"),
            primary_cluster_id=properties.get("PrimaryClusterId"),
            automatic_failover_enabled=is_true(properties.get("AutomaticFailoverEnabled")),
            multi_az_enabled=is_true(properties.get("MultiAZEnabled")),
            num_cache_clusters=int(properties.get("NumCacheClusters") or 1),
            preferred_cache_cluster_azs=properties.get("PreferredCacheClusterAZs"),
            num_node_groups=int(properties["NumNodeGroups"]) if properties.get("NumNodeGroups") else None,
            replicas_per_node_group=int(properties["ReplicasPerNodeGroup"]) if properties.get("ReplicasPerNodeGroup") else None,
            node_group_configuration=properties.get("NodeGroupConfiguration") or [],
            cache_node_type=properties.get("CacheNodeType"),
            engine=str(properties.get("Engine") or "redis").lower(),
            engine_version=properties.get("EngineVersion"),
            cache_parameter_group_name=properties.get("CacheParameterGroupName"),
            cache_subnet_group_name=subnet_group,
            cache_security_group_names=properties.get("CacheSecurityGroupNames"),
            security_group_ids=list(properties.get("SecurityGroupIds") or []),
            tags=_tags(properties),
            snapshot_arns=properties.get("SnapshotArns"),
            snapshot_name=properties.get("SnapshotName"),
            preferred_maintenance_window=properties.get("PreferredMaintenanceWindow"),
            port=int(properties["Port"]) if properties.get("Port") else None,
            notification_topic_arn=properties.get("NotificationTopicArn"),
            auto_minor_version_upgrade=properties.get("AutoMinorVersionUpgrade"),
            snapshot_retention_limit=int(properties.get("SnapshotRetentionLimit") or 0),
            snapshot_window=properties.get("SnapshotWindow"),
            auth_token=properties.get("AuthToken"),
            transit_encryption_enabled=is_true(properties.get("TransitEncryptionEnabled")),
            at_rest_encryption_enabled=is_true(properties.get("AtRestEncryptionEnabled")),
            kms_key_id=properties.get("KmsKeyId"),
            user_group_ids=properties.get("UserGroupIds") or [],
            log_delivery_configurations=properties.get("LogDeliveryConfigurations") or [],
            data_tiering_enabled=properties.get("DataTieringEnabled"),
            network_type=properties.get("NetworkType"),
            ip_discovery=properties.get("IpDiscovery"),
            transit_encryption_mode=properties.get("TransitEncryptionMode"),
            cluster_mode=properties.get("ClusterMode"),
            serverless_cache_snapshot_name=None,
        )
        model = cls(group_id, properties)
        model._backend_group = group
        model._stack = _stack_name(str(kwargs.get("StackId", "")))
        return model

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "ElastiCacheReplicationGroup":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        before = original_resource.properties
        if any(str(properties.get(key)) != str(before.get(key)) for key in GROUP_REPLACED_BY):
            created = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name, StackId=f"stack/{original_resource._stack}/x")
            # The old group goes after the new one is up; UpdateReplacePolicy Snapshot keeps a final snapshot of it.
            keep = cloudformation_json.get("UpdateReplacePolicy") == "Snapshot"
            original_resource.delete(account_id, region_name, final_snapshot=_final_snapshot_name(original_resource._stack, getattr(original_resource, "logical_resource_id", "resource")) if keep else None)
            return created
        group = original_resource._group()
        for key, attribute in GROUP_IN_PLACE.items():
            if key in properties:
                setattr(group, attribute, list(properties[key]) if key == "SecurityGroupIds" else properties[key])
        original_resource.properties = properties
        return original_resource

    def delete(self, account_id: str, region_name: str, final_snapshot: str | None = None) -> None:
        backend = _backend(account_id, region_name)
        if self.group_id not in backend.replication_groups:
            return
        if final_snapshot:
            backend.create_snapshot(snapshot_name=final_snapshot, replication_group_id=self.group_id, cache_cluster_id=None, kms_key_id=None, tags=None)
        for member in list(backend.replication_groups[self.group_id].member_clusters):
            backend.cache_clusters.pop(member, None)
        backend.replication_groups.pop(self.group_id, None)


class ElastiCacheCacheCluster:
    """AWS::ElastiCache::CacheCluster: Ref is the cluster's name, GetAtt
    ConfigurationEndpoint.Address / .Port (Memcached) and RedisEndpoint.Address / .Port (Redis)."""

    __module__ = "moto.elasticache.racknet_cache_cluster"

    def __init__(self, cluster_id: str, properties: dict[str, Any], address: str, port: int):
        self.cluster_id, self.properties, self.address, self.port = cluster_id, properties, address, port

    @staticmethod
    def cloudformation_name_type() -> str:
        return "ClusterName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ElastiCache::CacheCluster"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("ConfigurationEndpoint.Address", "ConfigurationEndpoint.Port", "RedisEndpoint.Address", "RedisEndpoint.Port")

    @property
    def physical_resource_id(self) -> str:
        return self.cluster_id

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if not self.has_cfn_attr(attribute_name):
            raise UnformattedGetAttTemplateException()
        return self.address if attribute_name.endswith("Address") else str(self.port)

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "ElastiCacheCacheCluster":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        cluster_id = _generated_id(properties.get("ClusterName") or resource_name, MAX_CLUSTER_ID)
        backend = _backend(account_id, region_name)
        subnet_group = properties.get("CacheSubnetGroupName")
        if subnet_group and subnet_group not in backend.cache_subnet_groups:
            raise RuntimeError(f"CacheSubnetGroupNotFoundFault: cache subnet group {subnet_group} not found")
        engine = str(properties["Engine"]).lower()
        port = int(properties.get("Port") or (11211 if engine == "memcached" else 6379))
        backend.create_cache_cluster(
            cache_cluster_id=cluster_id,
            replication_group_id=None,
            az_mode=properties.get("AZMode"),
            preferred_availability_zone=properties.get("PreferredAvailabilityZone"),
            num_cache_nodes=int(properties.get("NumCacheNodes") or 1),
            cache_node_type=properties["CacheNodeType"],
            engine=engine,
            engine_version=properties.get("EngineVersion"),
            cache_parameter_group_name=properties.get("CacheParameterGroupName"),
            cache_subnet_group_name=subnet_group,
            transit_encryption_enabled=is_true(properties.get("TransitEncryptionEnabled")),
            network_type=properties.get("NetworkType"),
            ip_discovery=properties.get("IpDiscovery"),
            snapshot_name=properties.get("SnapshotName"),
            preferred_maintenance_window=properties.get("PreferredMaintenanceWindow"),
            port=port,
            notification_topic_arn=properties.get("NotificationTopicArn"),
            auto_minor_version_upgrade=properties.get("AutoMinorVersionUpgrade"),
            snapshot_retention_limit=properties.get("SnapshotRetentionLimit"),
            snapshot_window=properties.get("SnapshotWindow"),
            auth_token=None,
            outpost_mode=None,
            preferred_outpost_arn=None,
            preferred_availability_zones=properties.get("PreferredAvailabilityZones"),
            cache_security_group_names=properties.get("CacheSecurityGroupNames"),
            security_group_ids=list(properties.get("VpcSecurityGroupIds") or []),
            tags=_tags(properties),
            snapshot_arns=properties.get("SnapshotArns"),
            preferred_outpost_arns=None,
            log_delivery_configurations=properties.get("LogDeliveryConfigurations") or [],
            cache_node_ids_to_remove=None,
            cache_node_ids_to_reboot=None,
        )
        kind = "cfg" if engine == "memcached" else "0001"
        return cls(cluster_id, properties, f"{cluster_id}.{_suffix(6)}.{kind}.use1.cache.amazonaws.com", port)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "ElastiCacheCacheCluster":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        in_place = {"NumCacheNodes": "num_cache_nodes", "CacheNodeType": "cache_node_type", "EngineVersion": "engine_version", "VpcSecurityGroupIds": "security_group_ids", "PreferredMaintenanceWindow": "preferred_maintenance_window", "AutoMinorVersionUpgrade": "auto_minor_version_upgrade", "AZMode": "az_mode"}
        before = original_resource.properties
        if any(str(properties.get(key)) != str(before.get(key)) for key in set(properties) | set(before) if key not in in_place and key != "Tags"):
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        cluster = _backend(account_id, region_name).cache_clusters[original_resource.cluster_id]
        for key, attribute in in_place.items():
            if key in properties:
                setattr(cluster, attribute, properties[key])
        original_resource.properties = properties
        return original_resource

    def delete(self, account_id: str, region_name: str, final_snapshot: str | None = None) -> None:
        backend = _backend(account_id, region_name)
        if self.cluster_id not in backend.cache_clusters:
            return
        if final_snapshot and backend.cache_clusters[self.cluster_id].engine != "memcached":
            backend.create_snapshot(snapshot_name=final_snapshot, replication_group_id=None, cache_cluster_id=self.cluster_id, kms_key_id=None, tags=None)
        backend.cache_clusters.pop(self.cluster_id, None)


def restore_elasticache_resources() -> None:
    """AWS: CloudFormation creates AWS::ElastiCache::SubnetGroup (Ref: its name),
    AWS::ElastiCache::ReplicationGroup (Ref: its id; GetAtt PrimaryEndPoint.Address/Port,
    ReaderEndPoint.Address/Port; AtRestEncryptionEnabled, TransitEncryptionEnabled, AuthToken only
    with transit encryption, CacheSubnetGroupName, SecurityGroupIds as DescribeReplicationGroups
    and DescribeCacheClusters show them) and AWS::ElastiCache::CacheCluster (Ref: its name; GetAtt
    ConfigurationEndpoint.Address/Port for Memcached), updates a node type, engine version or
    security groups in place, and deletes them with the stack; a subnet group in use is not
    deleted (CacheSubnetGroupInUse). Template Reference, AWS::ElastiCache::ReplicationGroup,
    ::CacheCluster, ::SubnetGroup (Return values). Stock moto 5.2 has no CloudFormation model for
    any of the three: the stack completes and nothing is made. Reproduced by
    scripts/moto/test_resources.py."""
    for model in (ElastiCacheSubnetGroup, ElastiCacheReplicationGroup, ElastiCacheCacheCluster):
        register_model(model)
