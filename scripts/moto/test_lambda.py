"""Reproductions for Lambda account settings (patches/awslambda.py)."""

from __future__ import annotations

from selftest import Clients, expect_equal, test


@test
def get_account_settings_answers_the_default_quota(aws: Clients) -> None:
    limit = aws.named("lambda").get_account_settings()["AccountLimit"]
    expect_equal(limit["ConcurrentExecutions"], 1000, "the default concurrency quota")
    expect_equal(limit["UnreservedConcurrentExecutions"], 1000, "nothing reserved yet")
