"""Reproductions for S3 bucket policy conditions (patches/s3.py)."""

from __future__ import annotations

import json

from selftest import Clients, expect_equal, test, unique


def deny_with(bucket: str, condition: dict[str, dict[str, str]]) -> str:
    arn = f"arn:aws:s3:::{bucket}"
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"], "Condition": condition}]})


def put_status(aws: Clients, bucket: str) -> int:
    try:
        aws.s3.put_object(Bucket=bucket, Key="k.json", Body=b"{}")
    except Exception as error:  # botocore's ClientError carries the status
        return int(getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
    return 200


@test
def bucket_policy_tls_only_denies_only_plain_http(aws: Clients) -> None:
    bucket = unique("tls-only")
    aws.s3.create_bucket(Bucket=bucket)
    aws.s3.put_bucket_policy(Bucket=bucket, Policy=deny_with(bucket, {"Bool": {"aws:SecureTransport": "false"}}))
    expect_equal(put_status(aws, bucket), 200, "PutObject under the TLS-only policy (a request over TLS)")


@test
def bucket_policy_condition_that_matches_denies(aws: Clients) -> None:
    bucket = unique("deny-tls")
    aws.s3.create_bucket(Bucket=bucket)
    aws.s3.put_bucket_policy(Bucket=bucket, Policy=deny_with(bucket, {"Bool": {"aws:SecureTransport": "true"}}))
    expect_equal(put_status(aws, bucket), 403, "PutObject when the Deny's condition matches")


@test
def bucket_policy_condition_on_an_absent_key_does_not_apply(aws: Clients) -> None:
    bucket = unique("deny-vpce")
    aws.s3.create_bucket(Bucket=bucket)
    aws.s3.put_bucket_policy(Bucket=bucket, Policy=deny_with(bucket, {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}))
    expect_equal(put_status(aws, bucket), 200, "PutObject when the request has no aws:SourceVpce")


@test
def list_buckets_names_each_buckets_region(aws: Clients) -> None:
    bucket = unique("listed")
    aws.s3.create_bucket(Bucket=bucket)
    listed = {entry["Name"]: entry.get("BucketRegion") for entry in aws.s3.list_buckets(MaxBuckets=1000)["Buckets"]}
    expect_equal(listed.get(bucket), "us-east-1", "ListBuckets' BucketRegion of a bucket made in us-east-1")
