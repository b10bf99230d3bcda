"""ECR repositories made by CloudFormation."""

from __future__ import annotations

import json
from typing import Any

from .resource_models import is_true


def restore_ecr_repository_properties() -> None:
    """AWS: an AWS::ECR::Repository keeps ImageScanningConfiguration (DescribeRepositories shows
    imageScanningConfiguration.scanOnPush), LifecyclePolicy (GetLifecyclePolicy returns its
    LifecyclePolicyText) and EmptyOnDelete, also after an update in place; deleting a
    repository that holds images succeeds when EmptyOnDelete is true (the images go with it)
    and fails otherwise. moto showed an empty imageScanningConfiguration, dropped the lifecycle
    policy and ignored EmptyOnDelete."""
    from moto.ecr.models import Repository, ecr_backends

    previous_create = Repository.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    previous_update = Repository.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def keep(repository: Any, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json.get("Properties", {})
        scanning = properties.get("ImageScanningConfiguration") or {}
        repository.image_scanning_configuration = {"scanOnPush": is_true(scanning.get("ScanOnPush", False))}
        backend = ecr_backends[account_id][region_name]
        policy = (properties.get("LifecyclePolicy") or {}).get("LifecyclePolicyText")
        if policy:
            text = policy if isinstance(policy, str) else json.dumps(policy)
            backend.put_lifecycle_policy(repository.registry_id, repository.name, text)
        else:
            repository.lifecycle_policy = None
        repository.empty_on_delete = is_true(properties.get("EmptyOnDelete", False))
        return repository

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        created = previous_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        return keep(created, cloudformation_json, account_id, region_name)

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        updated = previous_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        return keep(updated, cloudformation_json, account_id, region_name)

    def delete(self: Any, account_id: str, region_name: str) -> None:
        ecr_backends[account_id][region_name].delete_repository(self.name, force=getattr(self, "empty_on_delete", False))

    Repository.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment]
    Repository.update_from_cloudformation_json = classmethod(update)  # type: ignore[assignment]
    Repository.delete = delete
