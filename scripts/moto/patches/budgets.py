"""AWS Budgets budgets made by CloudFormation."""

from __future__ import annotations

from typing import Any

from .resource_models import register_model


class BudgetsBudget:
    """AWS::Budgets::Budget: Ref is the budget's name."""

    __module__ = "moto.budgets.racknet_budget"

    def __init__(self, account_id: str, name: str):
        self.account_id, self.name = account_id, name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "BudgetName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Budgets::Budget"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @staticmethod
    def _backend(account_id: str) -> Any:
        from moto.budgets.models import budgets_backends

        return budgets_backends[account_id]["global"]

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "BudgetsBudget":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        budget = dict(properties["Budget"])
        # AWS names a budget CloudFormation made without a BudgetName; the stack's logical id stands in.
        budget.setdefault("BudgetName", resource_name)
        limit = budget.get("BudgetLimit")
        if limit is not None:
            # The API's Spend.Amount is a string (API_budgets_Spend); the template gives a number.
            budget["BudgetLimit"] = {"Amount": str(limit["Amount"]), "Unit": limit["Unit"]}
        notifications = [
            {"Notification": entry["Notification"], "Subscribers": entry.get("Subscribers", [])}
            for entry in properties.get("NotificationsWithSubscribers", [])
        ]
        cls._backend(account_id).create_budget(account_id=account_id, budget=budget, notifications=notifications)
        return cls(account_id, budget["BudgetName"])

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "BudgetsBudget":  # type: ignore[misc]
        # BudgetName is create-only: a new one replaces the budget; other changes keep its name.
        if original_resource is not None:
            original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            self._backend(self.account_id).delete_budget(account_id=self.account_id, budget_name=self.name)
        except Exception:  # already gone
            pass


def restore_budget_resource() -> None:
    """AWS: CloudFormation creates an AWS::Budgets::Budget (DescribeBudget shows its BudgetName,
    BudgetType, TimeUnit, BudgetLimit, FilterExpression; DescribeNotificationsForBudget its
    NotificationsWithSubscribers' notifications), replaces it on an update
    (the budget keeps its name unless BudgetName changes), deletes it with the stack, and gives Ref
    (the name) (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-budgets-budget.html).
    moto skipped the resource."""
    register_model(BudgetsBudget)
