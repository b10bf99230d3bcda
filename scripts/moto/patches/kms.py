"""KMS keys made by CloudFormation."""

from __future__ import annotations

import json
from typing import Any

from .resource_models import is_true


def restore_kms_key_properties() -> None:
    """AWS: an AWS::KMS::Key may leave KeyPolicy out (the key gets the default policy, which
    gives the account's root full access), takes KeyPolicy as a JSON object (GetKeyPolicy returns
    it as a document), keeps EnableKeyRotation (GetKeyRotationStatus), Enabled, Description and
    Tags, updates them in place, and removing the key from the stack schedules its deletion
    after PendingWindowInDays (default 30): DescribeKey shows KeyState PendingDeletion. moto
    failed the resource without KeyPolicy, stored an object policy that made DescribeKey answer
    500, and deleted the key at once."""
    from moto.kms.models import Key, kms_backends

    def policy_text(properties: dict[str, Any]) -> str | None:
        policy = properties.get("KeyPolicy")
        if policy is None:
            return None
        return policy if isinstance(policy, str) else json.dumps(policy)

    def apply(key: Any, properties: dict[str, Any]) -> Any:
        key.key_rotation_status = is_true(properties.get("EnableKeyRotation", False))
        key.enabled = is_true(properties.get("Enabled", True))
        key.key_state = "Enabled" if key.enabled else "Disabled"
        key.description = properties.get("Description") or ""
        key.pending_window_in_days = int(properties.get("PendingWindowInDays", 30))
        return key

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        backend = kms_backends[account_id][region_name]
        tags = [{"TagKey": tag["Key"], "TagValue": tag["Value"]} for tag in properties.get("Tags") or []]
        key = backend.create_key(
            policy=policy_text(properties),
            key_usage=properties.get("KeyUsage", "ENCRYPT_DECRYPT"),
            key_spec=properties.get("KeySpec", "SYMMETRIC_DEFAULT"),
            description=properties.get("Description"),
            tags=tags,
            multi_region=is_true(properties.get("MultiRegion", False)),
        )
        return apply(key, properties)

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json.get("Properties", {})
        text = policy_text(properties)
        original_resource.policy = text or original_resource.generate_default_policy()
        return apply(original_resource, properties)

    def delete(self: Any, account_id: str, region_name: str) -> None:
        kms_backends[account_id][region_name].schedule_key_deletion(self.id, getattr(self, "pending_window_in_days", 30))

    Key.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment]
    Key.update_from_cloudformation_json = classmethod(update)  # type: ignore[assignment]
    Key.delete = delete
