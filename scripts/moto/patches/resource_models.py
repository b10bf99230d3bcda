"""What every patched CloudFormation resource model needs: moto's registry of resource types,
its delete contract, and CloudFormation's booleans."""

from __future__ import annotations

from typing import Any, Callable

from moto.cloudformation import parsing as cfn_parsing


def is_true(value: Any) -> bool:
    """A CloudFormation boolean: true, "true" or "True" (templates give either)."""
    return str(value).lower() == "true"


def register_new_models() -> None:
    """Make moto's CloudFormation see the CloudFormationModel subclasses defined since it first
    listed them (it caches the list of resource types on first use)."""
    cfn_parsing.get_model_list.cache_clear()
    cfn_parsing.get_model_map.cache_clear()
    cfn_parsing.get_name_type_map.cache_clear()


def deleting(action: Callable[[Any, str, str], Any]) -> Callable[[Any, str, str], None]:
    """A `delete(account_id, region_name)` for a model: runs the backend call; a resource that is
    already gone counts as deleted, a dependency error is raised so that moto retries it after
    the resources that depend on it."""

    def delete(self: Any, account_id: str, region_name: str) -> None:
        try:
            action(self, account_id, region_name)
        except Exception as error:  # moto's not-found errors have no common base
            name = type(error).__name__ + " " + str(getattr(error, "error_type", ""))
            if "Dependency" in name or "InUse" in name or "ResourceInUse" in str(error):
                raise

    return delete
