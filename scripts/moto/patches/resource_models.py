"""What every patched CloudFormation resource model needs: moto's registry of resource types,
its delete contract, and CloudFormation's booleans."""

from __future__ import annotations

import types
from typing import Any, Callable

from moto.cloudformation import parsing as cfn_parsing
from moto.core.common_models import CloudFormationModel


def is_true(value: Any) -> bool:
    """A CloudFormation boolean: true, "true" or "True" (templates give either)."""
    return str(value).lower() == "true"


def register_model(model: type) -> type:
    """Make moto's CloudFormation create resources of `model`'s type (a class with
    CloudFormationModel's methods): moto knows a resource type by the subclasses of
    CloudFormationModel, so until a patch registers it, moto skips the type as stock moto does.
    Returns the registered class. The model's __module__ must be moto.SERVICE.something: moto
    files every model under the service named by its module."""
    registered = types.new_class(model.__name__, (model, CloudFormationModel), exec_body=lambda namespace: namespace.update({"__module__": model.__module__}))
    for cached in (cfn_parsing.get_model_list, cfn_parsing.get_model_map, cfn_parsing.get_name_type_map):
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()
    assert registered in cfn_parsing.get_model_list()
    return registered


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
