"""S3 bucket policies."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

# The request context the emulator can give: it has no TLS of its own, and it stands in for
# AWS's HTTPS endpoints, which the SDK clients reach only over TLS (docs/moto.md, "Departures").
REQUEST_CONTEXT = {"aws:securetransport": "true"}


def _values(expected: Any) -> list[str]:
    return [str(value) for value in (expected if isinstance(expected, list) else [expected])]


def condition_holds(conditions: dict[str, dict[str, Any]], context: dict[str, str]) -> bool:
    """Whether a statement's Condition block matches the request (every operator, every key):
    a key the request does not carry makes its condition false, except under ...IfExists and
    Null (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)."""
    for operator, entries in conditions.items():
        if_exists = operator.endswith("IfExists")
        base = operator[: -len("IfExists")] if if_exists else operator
        for key, expected in entries.items():
            wanted = _values(expected)
            actual = context.get(key.lower())
            if base == "Null":
                if (actual is None) != (wanted[0].lower() == "true"):
                    return False
                continue
            if actual is None:
                if if_exists:
                    continue
                return False
            if base == "Bool":
                matched = actual.lower() in [value.lower() for value in wanted]
            elif base == "StringEquals":
                matched = actual in wanted
            elif base == "StringNotEquals":
                matched = actual not in wanted
            elif base == "StringLike":
                matched = any(fnmatch.fnmatchcase(actual, value) for value in wanted)
            elif base == "StringNotLike":
                matched = not any(fnmatch.fnmatchcase(actual, value) for value in wanted)
            else:
                # An operator this patch does not evaluate on a key the request carries: no match,
                # so the statement is left out rather than applied unconditionally.
                matched = False
            if not matched:
                return False
    return True


def restore_bucket_policy_conditions() -> None:
    """AWS: a bucket policy statement applies to a request only when its Condition matches the
    request (IAM policy evaluation logic,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): the
    usual TLS-only statement, Deny s3:* when {"Bool": {"aws:SecureTransport": "false"}}
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html), denies
    plain-HTTP requests and nothing else. moto ignored the Bool operator and applied such a
    statement unconditionally, so the TLS-only policy denied every PutObject and DeleteObjects;
    it also turned an Allow whose condition failed into an explicit Deny. Here a statement whose
    Condition does not hold is left out (neither allows nor denies), with the request context
    REQUEST_CONTEXT."""
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        document = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
        statements = document.get("Statement", [])
        permitted = False
        for statement in statements if isinstance(statements, list) else [statements]:
            conditions = statement.get("Condition")
            if conditions and not condition_holds(conditions, REQUEST_CONTEXT):
                continue
            unconditional = {key: value for key, value in statement.items() if key != "Condition"}
            result = IAMPolicyStatement(unconditional).is_action_permitted(action, resource)
            if result == PermissionResult.DENIED:
                return result
            if result == PermissionResult.PERMITTED:
                permitted = True
        return PermissionResult.PERMITTED if permitted else PermissionResult.NEUTRAL

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


def restore_list_buckets_region() -> None:
    """ListBuckets names each bucket's Region (Bucket.BucketRegion), as S3 answers
    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html, "BucketRegion: ...
    the AWS Region where the bucket is located"); moto 5.2 leaves it out. racknet's install
    reads it to know which Regions hold racks (docs/peering.md, "Address ranges")."""
    from moto.core.responses import ActionResult
    from moto.s3.responses import S3Response

    def all_buckets(self: Any) -> Any:
        self.data["Action"] = "ListAllMyBuckets"
        self._authenticate_and_authorize_s3_action()
        all_buckets = self.backend.list_buckets(
            prefix=self._get_param("prefix"),
            bucket_region=self._get_param("bucket-region"),
            max_buckets=self._get_param("max-buckets"),
        )
        buckets = [
            {"Name": bucket.name, "CreationDate": bucket.creation_date_ISO8601, "BucketRegion": bucket.region_name}
            for bucket in all_buckets
        ]
        self.data["Action"] = "ListBuckets"
        return self.serialized(
            ActionResult({"Owner": {"ID": "bcaf1ffd86f41161ca5fb16fd081034f", "DisplayName": "webfile"}, "Buckets": buckets})
        )

    S3Response.all_buckets = all_buckets
