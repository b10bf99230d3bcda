"""Reproductions for ACM's DNS validation and AWS::CertificateManager::Certificate
(patches/acm_dns_validation.py). Each fails on stock moto (`test_aws_gaps.py --stock acm_`)."""

from __future__ import annotations

from typing import Any

from selftest import Clients, create_stack, expect_equal, stack_resources, test, unique


def public_zone(aws: Clients, name: str) -> str:
    zone = aws.route53.create_hosted_zone(Name=name, CallerReference=unique("ref"))["HostedZone"]
    return zone["Id"].split("/")[-1]


def validation_records(aws: Clients, arn: str) -> list[dict[str, str]]:
    options = aws.acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"]
    return [option["ResourceRecord"] for option in options]


def cnames(aws: Clients, zone_id: str) -> list[str]:
    return [record["Name"] for record in aws.route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"] if record["Type"] == "CNAME"]


@test
def acm_dns_validation_waits_for_the_record_in_a_public_zone(aws: Clients) -> None:
    domain = f"{unique('shop')}.example.com"
    arn = aws.acm.request_certificate(DomainName=domain, SubjectAlternativeNames=[f"www.{domain}"], ValidationMethod="DNS")["CertificateArn"]
    records = validation_records(aws, arn)
    expect_equal(sorted(record["Name"].split(".", 1)[1] for record in records), sorted([f"{domain}.", f"www.{domain}."]), "DescribeCertificate names one validation record per name")
    expect_equal(aws.acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"], "PENDING_VALIDATION", "pending before any record exists")
    summaries = [summary for summary in aws.acm.list_certificates(CertificateStatuses=["PENDING_VALIDATION"])["CertificateSummaryList"] if summary["CertificateArn"] == arn]
    expect_equal(sorted(summaries[0].get("SubjectAlternativeNameSummaries", [])), sorted([domain, f"www.{domain}"]), "ListCertificates gives the names")
    zone = public_zone(aws, domain)
    first, second = records
    aws.route53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {"Name": first["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": first["Value"]}]}}]},
    )
    expect_equal(aws.acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"], "PENDING_VALIDATION", "pending while one name has no record")
    aws.route53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {"Name": second["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": second["Value"]}]}}]},
    )
    expect_equal(aws.acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"], "ISSUED", "issued once every name's record is in a public zone")


@test
def acm_certificate_resource_validates_through_its_hosted_zone(aws: Clients) -> None:
    domain = f"{unique('apps')}.example.com"
    zone = public_zone(aws, domain)
    wildcard = f"*.shop.{domain}"
    template: dict[str, Any] = {
        "Resources": {
            "Certificate": {
                "Type": "AWS::CertificateManager::Certificate",
                "Properties": {
                    "DomainName": wildcard,
                    "ValidationMethod": "DNS",
                    "DomainValidationOptions": [{"DomainName": wildcard, "HostedZoneId": zone}],
                    "Tags": [{"Key": "racknet:app", "Value": "shop"}],
                },
            }
        }
    }
    stack = create_stack(aws, template)
    arn = stack_resources(aws, stack)["Certificate"]
    certificate = aws.acm.describe_certificate(CertificateArn=arn)["Certificate"]
    expect_equal((certificate["DomainName"], certificate["Status"]), (wildcard, "ISSUED"), "Ref is the ARN of an issued certificate")
    expect_equal(aws.acm.list_tags_for_certificate(CertificateArn=arn)["Tags"], [{"Key": "racknet:app", "Value": "shop"}], "Tags")
    record = validation_records(aws, arn)[0]["Name"]
    expect_equal(cnames(aws, zone), [record], "the validation record is written in the zone")
    aws.cloudformation.delete_stack(StackName=stack)
    remaining = [summary["CertificateArn"] for summary in aws.acm.list_certificates()["CertificateSummaryList"]]
    expect_equal(arn in remaining, False, "deleting the stack deletes the certificate")
    expect_equal(cnames(aws, zone), [record], "and leaves the validation record (cloudformation-coverage-roadmap#1603)")


@test
def acm_certificate_resource_without_its_records_does_not_complete(aws: Clients) -> None:
    domain = f"{unique('nozone')}.example.org"
    template = {"Resources": {"Certificate": {"Type": "AWS::CertificateManager::Certificate", "Properties": {"DomainName": domain, "ValidationMethod": "DNS"}}}}
    name = unique("gap")
    aws.cloudformation.create_stack(StackName=name, TemplateBody=__import__("json").dumps(template))
    status = aws.cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    expect_equal(status != "CREATE_COMPLETE", True, f"a certificate nobody validates never completes the stack (got {status})")
