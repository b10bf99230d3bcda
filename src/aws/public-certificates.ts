/**
 * ACM-issued (public) certificates with DNS validation, the Route 53 records that validate
 * and name them, and the certificates on a listener: the direct calls, no policy
 * (src/app-steps/public-certificates.ts decides).
 */
import type { ACMClient, CertificateSummary } from "@aws-sdk/client-acm";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { RRType, Route53Client } from "@aws-sdk/client-route-53";
import { sdk } from "./sdk.js";

/** A DNS record a certificate or a name needs: what the user creates when racknet cannot. */
export interface DnsRecord {
  name: string;
  type: "CNAME" | "A";
  value: string;
}

export interface PublicCertificate {
  arn: string;
  /** The first name (the subject's common name), then the others. */
  names: string[];
  /** ACM's status: PENDING_VALIDATION, ISSUED, INACTIVE, EXPIRED, VALIDATION_TIMED_OUT, REVOKED, FAILED. */
  status: string;
  /** AMAZON_ISSUED, IMPORTED or PRIVATE. */
  type: string;
  notAfter?: Date;
  /** The load balancers that use it (ACM's InUseBy). */
  inUseBy: string[];
  /** One CNAME per name still to validate (ACM names it in DescribeCertificate's DomainValidationOptions). */
  pendingRecords: DnsRecord[];
  /** Every validation CNAME, validated or not (apps delete removes them from the rack's zone). */
  validationRecords: DnsRecord[];
  tags: Record<string, string>;
}

/** A certificate in ListCertificates: its ARN, its names (the first 100) and status. */
export interface CertificateListing {
  arn: string;
  names: string[];
  status: string;
}

/**
 * Every certificate of the account and region, any key type and status (ListCertificates
 * lists RSA_2048 only unless asked: https://docs.aws.amazon.com/acm/latest/APIReference/API_Filters.html).
 */
export async function listCertificates(acm: ACMClient): Promise<CertificateListing[]> {
  const { paginateListCertificates } = sdk.acm();
  const keyTypes = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"] as const;
  const listings: CertificateListing[] = [];
  for await (const page of paginateListCertificates({ client: acm }, { Includes: { keyTypes: [...keyTypes] } })) {
    for (const summary of page.CertificateSummaryList ?? []) if (summary.CertificateArn) listings.push(listing(summary));
  }
  return listings;
}

function listing(summary: CertificateSummary): CertificateListing {
  const names = [summary.DomainName ?? "", ...(summary.SubjectAlternativeNameSummaries ?? [])].filter((name) => name !== "");
  return { arn: summary.CertificateArn ?? "", names: [...new Set(names)], status: summary.Status ?? "" };
}

export async function certificateTags(acm: ACMClient, arn: string): Promise<Record<string, string>> {
  const { ListTagsForCertificateCommand } = sdk.acm();
  const { Tags } = await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
  return Object.fromEntries((Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
}

/** DescribeCertificate and its tags; undefined when ACM has no such certificate. */
export async function describePublicCertificate(acm: ACMClient, arn: string): Promise<PublicCertificate | undefined> {
  const { DescribeCertificateCommand } = sdk.acm();
  let detail;
  try {
    ({ Certificate: detail } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn })));
  } catch (error) {
    if (error instanceof Error && error.name === "ResourceNotFoundException") return undefined;
    throw error;
  }
  if (!detail) return undefined;
  const validation = (detail.DomainValidationOptions ?? []).flatMap((option) => {
    const record = option.ResourceRecord;
    if (!record?.Name || !record.Value) return [];
    return [{ record: { name: record.Name, type: "CNAME" as const, value: record.Value }, pending: option.ValidationStatus === "PENDING_VALIDATION" }];
  });
  const unique = (records: DnsRecord[]) => records.filter((record, index) => records.findIndex((other) => other.name === record.name) === index);
  const names = [detail.DomainName ?? "", ...(detail.SubjectAlternativeNames ?? [])].filter((name) => name !== "");
  return {
    arn,
    names: [...new Set(names)],
    status: detail.Status ?? "",
    type: detail.Type ?? "",
    ...(detail.NotAfter ? { notAfter: detail.NotAfter } : {}),
    inUseBy: detail.InUseBy ?? [],
    pendingRecords: detail.Status === "PENDING_VALIDATION" ? unique(validation.filter((entry) => entry.pending).map((entry) => entry.record)) : [],
    validationRecords: unique(validation.map((entry) => entry.record)),
    tags: await certificateTags(acm, arn),
  };
}

/**
 * RequestCertificate with DNS validation, tagged. The idempotency token makes a retried call
 * (within an hour) return the same certificate instead of a second one.
 */
export async function requestPublicCertificate(acm: ACMClient, request: { commonName: string; names: readonly string[]; tags: Record<string, string>; idempotencyToken: string }): Promise<string> {
  const { RequestCertificateCommand } = sdk.acm();
  const others = request.names.filter((name) => name !== request.commonName);
  const { CertificateArn } = await acm.send(
    new RequestCertificateCommand({
      DomainName: request.commonName,
      ...(others.length > 0 ? { SubjectAlternativeNames: others } : {}),
      ValidationMethod: "DNS",
      IdempotencyToken: request.idempotencyToken,
      Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  if (!CertificateArn) throw new Error("ACM RequestCertificate returned no CertificateArn");
  return CertificateArn;
}

/** The certificates on a listener besides its default one (DescribeListenerCertificates, paginated). */
export async function listenerCertificates(elbv2: ElasticLoadBalancingV2Client, listenerArn: string): Promise<string[]> {
  const { DescribeListenerCertificatesCommand } = sdk.elbv2();
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page = await elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: listenerArn, Marker: marker }));
    for (const certificate of page.Certificates ?? []) if (certificate.CertificateArn && !certificate.IsDefault) arns.push(certificate.CertificateArn);
    marker = page.NextMarker;
  } while (marker);
  return arns;
}

export interface HostedZone {
  id: string;
  /** Without the trailing dot. */
  name: string;
  private: boolean;
}

/** GetHostedZone; undefined when there is no such zone (NoSuchHostedZone). */
export async function hostedZone(route53: Route53Client, id: string): Promise<HostedZone | undefined> {
  const { GetHostedZoneCommand } = sdk.route53();
  try {
    const { HostedZone: zone } = await route53.send(new GetHostedZoneCommand({ Id: id }));
    if (!zone) return undefined;
    return { id, name: (zone.Name ?? "").replace(/\.$/, "").toLowerCase(), private: zone.Config?.PrivateZone === true };
  } catch (error) {
    if (error instanceof Error && (error.name === "NoSuchHostedZone" || error.name === "InvalidInput")) return undefined;
    throw error;
  }
}

/** A record set as Route 53 holds it: deleting one needs its exact TTL and values. */
export interface ZoneRecord {
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  /** An alias record's target, when it is one. */
  alias?: { dnsName: string; hostedZoneId: string; evaluateTargetHealth: boolean };
}

/** Every record of the zone (paginated, 300 a page); names lower case with their trailing dot. */
export async function zoneRecords(route53: Route53Client, zoneId: string): Promise<ZoneRecord[]> {
  const { ListResourceRecordSetsCommand } = sdk.route53();
  const found: ZoneRecord[] = [];
  let next: { StartRecordName?: string; StartRecordType?: RRType; StartRecordIdentifier?: string } = {};
  for (;;) {
    const page = await route53.send(new ListResourceRecordSetsCommand({ ...next, HostedZoneId: zoneId, MaxItems: 300 }));
    for (const set of page.ResourceRecordSets ?? []) {
      found.push({
        name: unescape(set.Name ?? "").toLowerCase(),
        type: set.Type ?? "",
        ...(set.TTL !== undefined ? { ttl: set.TTL } : {}),
        values: (set.ResourceRecords ?? []).map((record) => record.Value ?? ""),
        ...(set.AliasTarget ? { alias: { dnsName: set.AliasTarget.DNSName ?? "", hostedZoneId: set.AliasTarget.HostedZoneId ?? "", evaluateTargetHealth: set.AliasTarget.EvaluateTargetHealth ?? false } } : {}),
      });
    }
    if (!page.IsTruncated) return found;
    next = { ...(page.NextRecordName ? { StartRecordName: page.NextRecordName } : {}), ...(page.NextRecordType ? { StartRecordType: page.NextRecordType } : {}), ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}) };
  }
}

/** UPSERT CNAME records in the zone, in one change batch. */
export async function upsertCnames(route53: Route53Client, zoneId: string, records: readonly DnsRecord[]): Promise<void> {
  if (records.length === 0) return;
  const { ChangeResourceRecordSetsCommand } = sdk.route53();
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Comment: "racknet: certificate validation",
        Changes: records.map((record) => ({ Action: "UPSERT", ResourceRecordSet: { Name: dotted(record.name), Type: "CNAME", TTL: 300, ResourceRecords: [{ Value: record.value }] } })),
      },
    }),
  );
}

/** DELETE record sets exactly as the zone holds them, in one change batch. */
export async function deleteZoneRecords(route53: Route53Client, zoneId: string, records: readonly ZoneRecord[]): Promise<void> {
  if (records.length === 0) return;
  const { ChangeResourceRecordSetsCommand } = sdk.route53();
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Comment: "racknet: records of a deleted app",
        Changes: records.map((record) => ({
          Action: "DELETE",
          ResourceRecordSet: {
            Name: record.name,
            Type: record.type as RRType,
            ...(record.alias
              ? { AliasTarget: { DNSName: record.alias.dnsName, HostedZoneId: record.alias.hostedZoneId, EvaluateTargetHealth: record.alias.evaluateTargetHealth } }
              : { TTL: record.ttl, ResourceRecords: record.values.map((Value) => ({ Value })) }),
          },
        })),
      },
    }),
  );
}

function dotted(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}

/** Route 53 answers `*` as `\052` in names. */
function unescape(name: string): string {
  return name.replace(/\\(\d{3})/g, (_, code: string) => String.fromCharCode(Number.parseInt(code, 8)));
}
