"""ACM certificates validated through DNS, and AWS::CertificateManager::Certificate in
CloudFormation (issue 23).

AWS: a public certificate requested with DNS validation stays PENDING_VALIDATION until ACM
finds, for each of its names, the CNAME record DescribeCertificate names
(DomainValidationOptions[].ResourceRecord); then it is ISSUED
(https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html). moto issued every
requested certificate after 60 seconds, record or not.

AWS: the CloudFormation resource requests the certificate; when DomainValidationOptions give a
HostedZoneId, CloudFormation writes each validation record in that zone and the resource
completes once ACM has issued the certificate; without one "the stack will remain in the
CREATE_IN_PROGRESS state ... until you validate the certificate request ... by adding a CNAME
record" (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-certificatemanager-certificate.html).
Deleting the resource deletes the certificate and leaves the validation records
(https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1603). moto had
no such resource: it skipped it, and a Ref to it gave its logical id.

AWS: ListCertificates gives each certificate's SubjectAlternativeNameSummaries
(https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateSummary.html); moto gave none.
"""

from __future__ import annotations

import os
import time
from typing import Any

from moto.acm.models import AWSCertificateManagerBackend, CertBundle, acm_backends
from moto.route53 import models as route53_models
from moto.utilities.utils import get_partition

from .resource_models import register_model

# A synchronous emulator cannot keep a stack in CREATE_IN_PROGRESS for hours: the resource waits
# this long for its records (another client may create them meanwhile), then fails as a
# CloudFormation timeout would.
WAIT_SECONDS = float(os.environ.get("MOTO_ACM_VALIDATION_TIMEOUT_SECONDS", "5"))


def _account_of(arn: str) -> str:
    return arn.split(":")[4]


def _region_of(arn: str) -> str:
    return arn.split(":")[3]


def _values(records: list[Any]) -> list[str]:
    return [str(record.get("Value") if isinstance(record, dict) else record).rstrip(".").lower() for record in records]


def _record_in_public_zone(account_id: str, region: str, name: str, value: str) -> bool:
    """A CNAME `name` -> `value` in a public zone of the account whose name holds it."""
    backend = route53_models.route53_backends[account_id][get_partition(region)]
    wanted_name = name.rstrip(".").lower()
    wanted_value = value.rstrip(".").lower()
    for zone in backend.zones.values():
        zone_name = zone.name.rstrip(".").lower()
        if zone.private_zone or not (wanted_name == zone_name or wanted_name.endswith("." + zone_name)):
            continue
        for record in zone.rrsets:
            if record.type == "CNAME" and record.name.rstrip(".").lower() == wanted_name and wanted_value in _values(record.records):
                return True
    return False


def _validation_records(bundle: Any) -> list[dict[str, str]]:
    options = bundle.describe()["Certificate"].get("DomainValidationOptions") or []
    return [option["ResourceRecord"] for option in options if option.get("ResourceRecord")]


def _validated(bundle: Any) -> bool:
    account_id, region = _account_of(bundle.arn), _region_of(bundle.arn)
    return all(_record_in_public_zone(account_id, region, record["Name"], record["Value"]) for record in _validation_records(bundle))


def restore_dns_validation() -> None:
    """AWS: a DNS-validated certificate is ISSUED once every name's validation CNAME is in a
    public zone, and only then (moto: after 60 seconds, record or not)."""
    original_check = CertBundle.check

    def check(self: Any) -> None:
        if self.type == "AMAZON_ISSUED" and self.status == "PENDING_VALIDATION" and not getattr(self, "cert_authority_arn", None):
            if _validated(self):
                self.status = "ISSUED"
            return
        original_check(self)

    CertBundle.check = check


def restore_list_certificates_names() -> None:
    """AWS: ListCertificates gives SubjectAlternativeNameSummaries (the first 100 names)."""
    original_describe = CertBundle.describe

    def describe(self: Any) -> dict[str, Any]:
        result = original_describe(self)
        certificate = result["Certificate"]
        names = certificate.get("SubjectAlternativeNames") or [certificate.get("DomainName")]
        certificate["SubjectAlternativeNameSummaries"] = list(names)[:100]
        return result

    CertBundle.describe = describe


class Certificate:
    """AWS::CertificateManager::Certificate: Ref is the ARN."""

    __module__ = "moto.acm.racknet_certificate"

    def __init__(self, arn: str, properties: dict[str, Any]):
        self.arn = arn
        self.properties = properties

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CertificateManager::Certificate"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "Certificate":  # type: ignore[misc]
        properties = cloudformation_json.get("Properties", {})
        if properties.get("ValidationMethod", "EMAIL") != "DNS":
            raise ValueError(f"{resource_name}: racknet's emulator validates certificates through DNS only")
        backend: AWSCertificateManagerBackend = acm_backends[account_id][region_name]
        domain = properties["DomainName"]
        tags = [{"Key": tag["Key"], "Value": tag["Value"]} for tag in properties.get("Tags") or []]
        arn = backend.request_certificate(domain, None, properties.get("SubjectAlternativeNames") or [], tags)
        bundle = backend.get_certificate(arn)
        zones = {option["DomainName"]: option.get("HostedZoneId") for option in properties.get("DomainValidationOptions") or []}
        records = {option["DomainName"]: option["ResourceRecord"] for option in bundle.describe()["Certificate"].get("DomainValidationOptions") or []}
        route53 = route53_models.route53_backends[account_id][get_partition(region_name)]
        for name, zone_id in zones.items():
            record = records.get(name)
            if not zone_id or not record:
                continue
            change = {"Action": "UPSERT", "ResourceRecordSet": {"Name": record["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": record["Value"]}]}}
            route53.change_resource_record_sets(zone_id, [change])
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            bundle.check()
            if bundle.status == "ISSUED":
                return cls(arn, properties)
            if time.monotonic() >= deadline:
                backend.delete_certificate(arn)
                pending = ", ".join(f"{record['Name']} CNAME {record['Value']}" for record in records.values())
                raise ValueError(f"{resource_name}: certificate {domain} was not validated in time; create the validation records: {pending}")
            time.sleep(0.2)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "Certificate":  # type: ignore[misc]
        # Every property of the resource requires replacement: the new certificate first, then the old one goes.
        replacement = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        if original_resource is not None:
            original_resource.delete(account_id, region_name)
        return replacement

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            acm_backends[account_id][region_name].delete_certificate(self.arn)
        except Exception as error:  # already gone
            if "InUse" in type(error).__name__:
                raise


def restore_certificate_resource() -> None:
    """AWS: AWS::CertificateManager::Certificate requests the certificate, writes the validation
    records in each DomainValidationOptions HostedZoneId and completes once ACM issues it."""
    register_model(Certificate)
