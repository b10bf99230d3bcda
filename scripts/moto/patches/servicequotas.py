"""Service Quotas reads."""

from __future__ import annotations

import json
import os
from typing import Any

# The EC2 quota racknet reads besides moto's VPC ones: EC2-VPC Elastic IPs, 5 per region by
# default (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
EC2_DEFAULT_QUOTAS = [
    {
        "ServiceCode": "ec2",
        "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
        "QuotaCode": "L-0263D0A3",
        "QuotaName": "EC2-VPC Elastic IPs",
        "Value": 5.0,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
    }
]


def default_quota(service_code: str, quota_code: str) -> dict[str, Any]:
    """A quota as GetAWSDefaultServiceQuota answers it (moto's VPC quotas, and EC2's above)."""
    from moto.servicequotas.exceptions import NoSuchResource
    from moto.servicequotas.resources.default_quotas.vpc import VPC_DEFAULT_QUOTAS

    known = VPC_DEFAULT_QUOTAS if service_code == "vpc" else EC2_DEFAULT_QUOTAS if service_code == "ec2" else []
    for quota in known:
        if quota["QuotaCode"] == quota_code:
            return dict(quota)
    raise NoSuchResource


def applied_quota(service_code: str, quota_code: str) -> float:
    """The value applied to the emulated account: MOTO_SERVICE_QUOTAS' raised value, else AWS's
    default. What GetServiceQuota answers, and what the services that enforce the quota read."""
    applied = json.loads(os.environ.get("MOTO_SERVICE_QUOTAS", "{}")).get(f"{service_code}/{quota_code}")
    return float(applied) if applied is not None else float(default_quota(service_code, quota_code)["Value"])


def restore_service_quota_defaults_and_applied_values() -> None:
    """AWS: GetAWSDefaultServiceQuota answers a quota's default value, and GetServiceQuota the
    value applied to the account (raised by an approved increase request), for every service
    with quotas, EC2 included (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetAWSDefaultServiceQuota.html,
    API_GetServiceQuota.html). moto knows the VPC quotas only and has no
    GetAWSDefaultServiceQuota (its HTML 500 page). Accounts differ in their applied values: as
    moto's own MOTO_LAMBDA_CONCURRENCY_QUOTA does for Lambda, MOTO_SERVICE_QUOTAS
    (`{"ec2/L-0263D0A3": 50}`) gives the emulated account its raised quotas."""
    from moto.servicequotas.models import ServiceQuotasBackend
    from moto.servicequotas.responses import ServiceQuotasResponse

    def get_service_quota(self: Any, service_code: str, quota_code: str) -> dict[str, Any]:
        return {**default_quota(service_code, quota_code), "Value": applied_quota(service_code, quota_code)}

    def get_aws_default_service_quota(self: Any) -> str:
        params = json.loads(self.body)
        return json.dumps({"Quota": default_quota(str(params.get("ServiceCode")), str(params.get("QuotaCode")))})

    ServiceQuotasBackend.get_service_quota = get_service_quota
    ServiceQuotasResponse.get_aws_default_service_quota = get_aws_default_service_quota
