"""AWS::CodeBuild::Project made by CloudFormation (moto has the CodeBuild API but not the
resource type: it skipped the resource)."""

from __future__ import annotations

from typing import Any

from moto.codebuild.models import CodeBuild, codebuild_backends

from .resource_models import is_true, register_model


def _camel(node: Any) -> Any:
    """CloudFormation's PascalCase property shapes are the CodeBuild API's camelCase ones."""
    if isinstance(node, list):
        return [_camel(item) for item in node]
    if isinstance(node, dict):
        return {key[:1].lower() + key[1:]: _camel(value) for key, value in node.items()}
    return node


def _source(properties: dict[str, Any]) -> dict[str, Any]:
    source = _camel(properties["Source"])
    if "buildSpec" in source:  # the API spells it "buildspec"
        source["buildspec"] = source.pop("buildSpec")
    return source


def _environment(properties: dict[str, Any]) -> dict[str, Any]:
    environment = _camel(properties["Environment"])
    environment["privilegedMode"] = is_true(environment.get("privilegedMode", False))
    environment.setdefault("imagePullCredentialsType", "CODEBUILD")
    environment["environmentVariables"] = [
        {"name": variable["name"], "value": str(variable.get("value", "")), "type": variable.get("type", "PLAINTEXT")}
        for variable in environment.get("environmentVariables") or []
    ]
    return environment


def _logs_config(properties: dict[str, Any]) -> dict[str, Any]:
    given = _camel(properties.get("LogsConfig") or {})
    # What BatchGetProjects shows when the template leaves them out.
    return {
        "cloudWatchLogs": given.get("cloudWatchLogs") or {"status": "ENABLED"},
        "s3Logs": given.get("s3Logs") or {"status": "DISABLED", "encryptionDisabled": False},
    }


class CodeBuildProject:
    """An AWS::CodeBuild::Project: Ref is the project's name, GetAtt Arn its ARN."""

    # moto files every model under the service named by its module (moto.<service>.models).
    __module__ = "moto.codebuild.racknet_project"

    def __init__(self, name: str, arn: str):
        self.name = name
        self.arn = arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodeBuild::Project"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Arn":
            return self.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "CodeBuildProject":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        missing = [key for key in ("Artifacts", "Environment", "ServiceRole", "Source") if key not in properties]
        if missing:
            raise ValueError(f"Properties validation failed: required key(s) {missing} not found")
        name = properties.get("Name", resource_name)
        backend = codebuild_backends[account_id][region_name]
        project = CodeBuild(
            account_id,
            region_name,
            project_name=name,
            description=properties.get("Description"),
            project_source=_source(properties),
            artifacts=_camel(properties["Artifacts"]),
            environment=_environment(properties),
            serviceRole=properties["ServiceRole"],
            tags=_camel(properties.get("Tags")) or [],
            cache=_camel(properties.get("Cache")),
            timeout=int(properties.get("TimeoutInMinutes", 60)),
            queued_timeout=int(properties.get("QueuedTimeoutInMinutes", 480)),
            source_version=properties.get("SourceVersion"),
            logs_config=_logs_config(properties),
            vpc_config=_camel(properties.get("VpcConfig")),
        )
        backend.codebuild_projects[name] = project
        backend.build_history.setdefault(name, [])
        return cls(name, project.arn)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "CodeBuildProject":  # type: ignore[misc]
        # A new Name replaces the project; every other property is updated in place (the
        # project keeps its ARN and its build history).
        properties = cloudformation_json["Properties"]
        name = properties.get("Name", original_resource.name if original_resource else new_resource_name)
        backend = codebuild_backends[account_id][region_name]
        if original_resource is None or name != original_resource.name:
            if original_resource is not None:
                original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)
        history = backend.build_history.get(name, [])
        created = backend.codebuild_projects[name].project_metadata["created"]
        backend.codebuild_projects.pop(name, None)
        updated = cls.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)
        backend.build_history[name] = history
        backend.codebuild_projects[name].project_metadata["created"] = created
        return updated

    def delete(self, account_id: str, region_name: str) -> None:
        codebuild_backends[account_id][region_name].delete_project(self.name)


def restore_codebuild_project_resource() -> None:
    """AWS: CloudFormation creates an AWS::CodeBuild::Project (BatchGetProjects shows its
    Name, ServiceRole, Environment with ComputeType, Image, PrivilegedMode and
    EnvironmentVariables, Source with its type, location and buildspec, Artifacts, VpcConfig,
    LogsConfig, TimeoutInMinutes, Tags), updates it in place (a new Name replaces it), deletes
    it with the stack, and gives Ref (the name) and Fn::GetAtt Arn. moto skipped the resource."""
    register_model(CodeBuildProject)
