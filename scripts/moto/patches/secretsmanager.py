"""Secrets Manager secrets made by CloudFormation, and `{{resolve:secretsmanager:...}}` dynamic
references. Stock moto 5.2 skips AWS::SecretsManager::Secret in a template (the stack completes
with no secret) and passes dynamic references through as literal text."""

from __future__ import annotations

import json
import re
from typing import Any

from moto.cloudformation import parsing as cfn_parsing

from .resource_models import deleting, register_model

# {{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}; the id may be an ARN (with colons).
DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:secretsmanager:(arn:[^:]+:secretsmanager:[^:]+:[^:]+:secret:[^:}]+|[^:}]+)(?::SecretString(?::([^:}]*))?(?::[^:}]*)?(?::[^:}]*)?)?\}\}")


def _backend(account_id: str, region_name: str) -> Any:
    from moto.secretsmanager.models import secretsmanager_backends

    return secretsmanager_backends[account_id][region_name]


class SecretsManagerSecret:
    """AWS::SecretsManager::Secret: Ref is the secret's ARN; SecretString, or GenerateSecretString
    (a random password as GetRandomPassword makes it, optionally inside SecretStringTemplate under
    GenerateStringKey). AWS CloudFormation Template Reference, AWS::SecretsManager::Secret
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secret.html)."""

    __module__ = "moto.secretsmanager.racknet_secret"

    def __init__(self, arn: str, name: str):
        self.arn, self.name = arn, name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SecretsManager::Secret"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Id":
            return self.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @staticmethod
    def _secret_string(backend: Any, properties: dict[str, Any]) -> str:
        if "SecretString" in properties:
            return str(properties["SecretString"])
        options = properties.get("GenerateSecretString") or {}
        generated = json.loads(
            backend.get_random_password(
                password_length=int(options.get("PasswordLength", 32)),
                exclude_characters=options.get("ExcludeCharacters", ""),
                exclude_numbers=str(options.get("ExcludeNumbers", False)).lower() == "true",
                exclude_punctuation=str(options.get("ExcludePunctuation", False)).lower() == "true",
                exclude_uppercase=str(options.get("ExcludeUppercase", False)).lower() == "true",
                exclude_lowercase=str(options.get("ExcludeLowercase", False)).lower() == "true",
                include_space=str(options.get("IncludeSpace", False)).lower() == "true",
                require_each_included_type=str(options.get("RequireEachIncludedType", True)).lower() == "true",
            )
        )["RandomPassword"]
        template = options.get("SecretStringTemplate")
        if template is None:
            return generated
        document = json.loads(template)
        document[options["GenerateStringKey"]] = generated
        return json.dumps(document)

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "SecretsManagerSecret":
        properties = cloudformation_json.get("Properties") or {}
        backend = _backend(account_id, region_name)
        name = properties.get("Name") or resource_name
        created = backend.create_secret(
            name=name,
            secret_string=cls._secret_string(backend, properties),
            secret_binary=None,
            description=properties.get("Description"),
            tags=properties.get("Tags"),
            kms_key_id=properties.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
        return cls(json.loads(created)["ARN"], name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "SecretsManagerSecret":
        properties = cloudformation_json.get("Properties") or {}
        if "SecretString" in properties:
            _backend(account_id, region_name).put_secret_value(secret_id=original_resource.arn, secret_string=str(properties["SecretString"]), secret_binary=None, client_request_token=None, version_stages=["AWSCURRENT"])
        return original_resource

    delete = deleting(lambda self, account_id, region_name: _backend(account_id, region_name).delete_secret(self.arn, recovery_window_in_days=None, force_delete_without_recovery=False))


def _resolved(text: str, account_id: str, region_name: str) -> str:
    backend = _backend(account_id, region_name)

    def value(match: re.Match[str]) -> str:
        secret = backend.get_secret_value(match.group(1), None, "AWSCURRENT")["SecretString"]
        key = match.group(2)
        return str(json.loads(secret)[key]) if key else secret

    return DYNAMIC_REFERENCE.sub(value, text)


def restore_secrets_and_dynamic_references() -> None:
    """CloudFormation creates AWS::SecretsManager::Secret resources, and resolves
    `{{resolve:secretsmanager:...}}` in resource properties when it creates or updates the
    resource ("You can use a dynamic reference for a secret in any resource property": AWS
    CloudFormation User Guide, Get a secret or secret value from Secrets Manager,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html).
    A reference to a secret that does not exist fails the resource, as in AWS."""
    register_model(SecretsManagerSecret)
    original = cfn_parsing.clean_json

    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        cleaned = original(resource_json, resources_map)
        if isinstance(cleaned, str) and "{{resolve:secretsmanager:" in cleaned:
            return _resolved(cleaned, resources_map._account_id, resources_map._region_name)
        return cleaned

    cfn_parsing.clean_json = clean_json
