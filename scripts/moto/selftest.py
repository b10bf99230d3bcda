"""What every moto self-test shares: boto3 clients on the test server, a registry of tests,
and small helpers for stacks and change sets. test_aws_gaps.py runs them."""

from __future__ import annotations

import json
import uuid
from typing import Any, Callable

REGION = "us-east-1"
TESTS: list[Callable[[Any], None]] = []


def test(function: Callable[[Any], None]) -> Callable[[Any], None]:
    TESTS.append(function)
    return function


class Clients:
    def __init__(self, endpoint: str):
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        config = Config(retries={"max_attempts": 1})
        self._make = lambda name: session.client(name, endpoint_url=endpoint, config=config)
        self._clients: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.named(name)

    def named(self, name: str) -> Any:
        """The client of a service whose name is not an identifier ("application-autoscaling")."""
        if name not in self._clients:
            self._clients[name] = self._make(name)
        return self._clients[name]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create_stack(aws: Clients, template: dict[str, Any], parameters: dict[str, str] | None = None) -> str:
    name = unique("gap")
    aws.cloudformation.create_stack(
        StackName=name,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()],
    )
    stack = aws.cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack["StackStatus"]
    return name


def run_change_set(aws: Clients, name: str, template: dict[str, Any] | None, parameters: dict[str, Any]) -> None:
    """UPDATE change set; a parameter value of None means UsePreviousValue."""
    change_set = unique("cs")
    arguments: dict[str, Any] = {"UsePreviousTemplate": True} if template is None else {"TemplateBody": json.dumps(template)}
    aws.cloudformation.create_change_set(
        StackName=name,
        ChangeSetName=change_set,
        ChangeSetType="UPDATE",
        Parameters=[
            {"ParameterKey": k, "UsePreviousValue": True} if v is None else {"ParameterKey": k, "ParameterValue": v}
            for k, v in parameters.items()
        ],
        **arguments,
    )
    aws.cloudformation.execute_change_set(StackName=name, ChangeSetName=change_set)


def outputs(aws: Clients, name: str) -> dict[str, str]:
    stack = aws.cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def parameters_of(aws: Clients, name: str) -> dict[str, str]:
    stack = aws.cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    return {p["ParameterKey"]: p["ParameterValue"] for p in stack.get("Parameters", [])}


def stack_resources(aws: Clients, name: str) -> dict[str, str]:
    summaries = aws.cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]
    return {s["LogicalResourceId"]: s.get("PhysicalResourceId", "") for s in summaries}


def expect_equal(actual: Any, expected: Any, what: str) -> None:
    assert actual == expected, f"{what}: expected {expected!r}, got {actual!r}"
