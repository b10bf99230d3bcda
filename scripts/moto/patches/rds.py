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
