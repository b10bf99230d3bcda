import { X509Certificate } from "node:crypto";
import type { Rule } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Task } from "@aws-sdk/client-ecs";
import type { Change, ResourceRecordSet } from "@aws-sdk/client-route-53";
import type { Json } from "../../src/templates/cfn.js";
import { awsError, type MemoryCloudFormation } from "./memory-cloudformation.js";
import { ACCOUNT, REGION } from "./physical-ids.js";

/** SSM Parameter Store: names, values, types and tags. */
export class MemoryParameters {
  readonly values = new Map<string, { value: string; type: string; tags: Record<string, string>; version: number; keyId?: string }>();

  /** Every parameter under the path (Recursive: at any depth), one page. */
  getParametersByPath(input: { Path?: string; Recursive?: boolean }) {
    const prefix = `${(input.Path ?? "/").replace(/\/$/, "")}/`;
    const names = [...this.values.keys()].filter((name) => name.startsWith(prefix) && (input.Recursive || !name.slice(prefix.length).includes("/")));
    return { Parameters: names.map((name) => ({ Name: name, Value: this.values.get(name)?.value, Type: this.values.get(name)?.type as "String", Version: this.values.get(name)?.version })) };
  }

  getParameters(input: { Names?: string[] }) {
    const names = input.Names ?? [];
    return {
      Parameters: names.filter((name) => this.values.has(name)).map((name) => ({ Name: name, Value: this.values.get(name)?.value, Type: this.values.get(name)?.type as "String" })),
      InvalidParameters: names.filter((name) => !this.values.has(name)),
    };
  }

  getParameter(input: { Name?: string }) {
    const found = this.values.get(input.Name ?? "");
    if (!found) throw awsError("ParameterNotFound", "");
    return { Parameter: { Name: input.Name, Value: found.value, Type: found.type as "String" } };
  }

  /** DescribeParameters with a Name Equals filter: metadata only, no value. */
  describeParameters(input: { ParameterFilters?: { Key?: string; Values?: string[] }[] }) {
    const wanted = input.ParameterFilters?.find((filter) => filter.Key === "Name")?.Values ?? [...this.values.keys()];
    return { Parameters: wanted.filter((name) => this.values.has(name)).map((name) => ({ Name: name, Type: this.values.get(name)?.type as "String", KeyId: this.values.get(name)?.keyId })) };
  }

  putParameter(input: { Name?: string; Value?: string; Type?: string; Overwrite?: boolean; KeyId?: string; Tags?: { Key?: string; Value?: string }[] }) {
    const name = input.Name ?? "";
    const existing = this.values.get(name);
    if (existing && !input.Overwrite) throw awsError("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
    // Every write is a new version; an overwrite keeps the tags (PutParameter refuses Tags with Overwrite).
    const version = (existing?.version ?? 0) + 1;
    const tags = existing ? existing.tags : Object.fromEntries((input.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
    const keyId = input.Type === "SecureString" ? (input.KeyId ?? "alias/aws/ssm") : undefined;
    this.values.set(name, { value: input.Value ?? "", type: input.Type ?? "String", tags, version, ...(keyId ? { keyId } : {}) });
    return { Version: version };
  }

  deleteParameters(input: { Names?: string[] }) {
    const names = input.Names ?? [];
    const deleted = names.filter((name) => this.values.delete(name));
    return { DeletedParameters: deleted, InvalidParameters: names.filter((name) => !deleted.includes(name)) };
  }

  /** ListTagsForResource of a parameter (ResourceId is its name). */
  listTagsForResource(input: { ResourceId?: string }) {
    const found = this.values.get(input.ResourceId ?? "");
    if (!found) throw awsError("InvalidResourceId", "");
    return { TagList: Object.entries(found.tags).map(([Key, Value]) => ({ Key, Value })) };
  }
}

interface StoredCertificate {
  certPem: string;
  chainPem: string;
  domainName: string;
  tags: Record<string, string>;
  /** ACM-issued (RequestCertificate): its names, status and key type; absent for an imported one (EC P-256, ISSUED). */
  requested?: { names: string[]; status: string; keyType: string };
}

/** The validation CNAME ACM names for a domain name (one per name and account: https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html). */
export function validationRecord(name: string): { Name: string; Type: "CNAME"; Value: string } {
  const bare = name.replace(/^\*\./, "");
  const hash = Buffer.from(bare).toString("hex").slice(0, 16).padEnd(16, "0");
  return { Name: `_${hash}.${bare}.`, Type: "CNAME", Value: `_${hash}v.acm-validations.aws.` };
}

/** ACM: imported certificates, their tags and PEMs; the domain name is the certificate's CN, as ACM shows it. */
export class MemoryCertificates {
  readonly certificates = new Map<string, StoredCertificate>();
  private counter = 0;
  private readonly tokens = new Map<string, string>();

  listCertificates(input: { Includes?: { keyTypes?: string[] } }) {
    // ACM lists RSA_2048 certificates only unless asked for other key types; racknet's imported ones are EC.
    // https://docs.aws.amazon.com/acm/latest/APIReference/API_Filters.html (keyTypes)
    const keyTypes = input.Includes?.keyTypes ?? ["RSA_2048"];
    return {
      CertificateSummaryList: [...this.certificates]
        .filter(([, certificate]) => keyTypes.includes(certificate.requested?.keyType ?? "EC_prime256v1"))
        .map(([arn, certificate]) => ({
          CertificateArn: arn,
          DomainName: certificate.domainName,
          ...(certificate.requested ? { SubjectAlternativeNameSummaries: certificate.requested.names, Status: certificate.requested.status as "ISSUED", Type: "AMAZON_ISSUED" as const } : { Status: "ISSUED" as const, Type: "IMPORTED" as const }),
        })),
    };
  }

  /** RequestCertificate: PENDING_VALIDATION until a test calls `issue`; the same idempotency token gives the same certificate. */
  requestCertificate(input: { DomainName?: string; SubjectAlternativeNames?: string[]; IdempotencyToken?: string; Tags?: { Key?: string; Value?: string }[] }) {
    const token = input.IdempotencyToken ? this.tokens.get(input.IdempotencyToken) : undefined;
    if (token && this.certificates.has(token)) return { CertificateArn: token };
    this.counter += 1;
    const arn = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/10000000-0000-4000-a000-${String(this.counter).padStart(12, "0")}`;
    const names = [input.DomainName ?? "", ...(input.SubjectAlternativeNames ?? [])];
    this.certificates.set(arn, {
      certPem: "",
      chainPem: "",
      domainName: input.DomainName ?? "",
      tags: Object.fromEntries((input.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""])),
      requested: { names, status: "PENDING_VALIDATION", keyType: "RSA_2048" },
    });
    if (input.IdempotencyToken) this.tokens.set(input.IdempotencyToken, arn);
    return { CertificateArn: arn };
  }

  /** ACM validated it (the test's stand-in for the records being created). */
  issue(arn: string): void {
    const requested = this.get(arn).requested;
    if (!requested) throw new Error(`${arn} was imported, not requested`);
    requested.status = "ISSUED";
  }

  describeCertificate(input: { CertificateArn?: string }) {
    const certificate = this.get(input.CertificateArn);
    const requested = certificate.requested;
    if (!requested) {
      return { Certificate: { CertificateArn: input.CertificateArn, DomainName: certificate.domainName, Status: "ISSUED" as const, Type: "IMPORTED" as const, InUseBy: [] } };
    }
    return {
      Certificate: {
        CertificateArn: input.CertificateArn,
        DomainName: certificate.domainName,
        SubjectAlternativeNames: requested.names,
        Status: requested.status as "ISSUED",
        Type: "AMAZON_ISSUED" as const,
        InUseBy: [],
        ...(requested.status === "ISSUED" ? { NotAfter: new Date("2027-12-31T00:00:00.000Z") } : {}),
        DomainValidationOptions: requested.names.map((name) => ({
          DomainName: name,
          ValidationMethod: "DNS" as const,
          ValidationStatus: (requested.status === "ISSUED" ? "SUCCESS" : "PENDING_VALIDATION") as "SUCCESS",
          ResourceRecord: validationRecord(name),
        })),
      },
    };
  }

  listTagsForCertificate(input: { CertificateArn?: string }) {
    return { Tags: Object.entries(this.get(input.CertificateArn).tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  getCertificate(input: { CertificateArn?: string }) {
    const certificate = this.get(input.CertificateArn);
    return { Certificate: certificate.certPem, CertificateChain: certificate.chainPem };
  }

  importCertificate(input: { CertificateArn?: string; Certificate?: Uint8Array; CertificateChain?: Uint8Array; Tags?: { Key?: string; Value?: string }[] }) {
    const certPem = Buffer.from(input.Certificate ?? []).toString();
    const chainPem = Buffer.from(input.CertificateChain ?? []).toString();
    const domainName = /CN=([^\n,]+)/.exec(new X509Certificate(certPem).subject)?.[1] ?? "";
    if (input.CertificateArn) {
      // "You cannot apply resource tags when reimporting a certificate": https://docs.aws.amazon.com/acm/latest/userguide/import-reimport.html
      if (input.Tags) throw awsError("ValidationException", "Tagging is not permitted on re-import.");
      const existing = this.get(input.CertificateArn);
      this.certificates.set(input.CertificateArn, { ...existing, certPem, chainPem, domainName });
      return { CertificateArn: input.CertificateArn };
    }
    this.counter += 1;
    const arn = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/00000000-0000-4000-a000-${String(this.counter).padStart(12, "0")}`;
    this.certificates.set(arn, { certPem, chainPem, domainName, tags: Object.fromEntries((input.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""])) });
    return { CertificateArn: arn };
  }

  deleteCertificate(input: { CertificateArn?: string }) {
    this.get(input.CertificateArn);
    this.certificates.delete(input.CertificateArn ?? "");
    return {};
  }

  private get(arn: string | undefined): StoredCertificate {
    const found = this.certificates.get(arn ?? "");
    if (!found) throw awsError("ResourceNotFoundException", `Could not find certificate ${arn}.`);
    return found;
  }
}

/**
 * S3: objects by bucket and key. A bucket a stack made (the rack's) exists as soon as it is
 * written to; one made by CreateBucket (the template staging bucket) exists from then until
 * DeleteBucket, which S3 refuses while it holds objects. Every call that names an
 * ExpectedBucketOwner other than the owner is refused (403), as S3 does.
 */
export class MemoryObjects {
  readonly buckets = new Map<string, Map<string, string>>();
  /** Buckets made by CreateBucket: their owner, the CreateBucket input and each Put<Setting>'s input by setting. */
  readonly made = new Map<string, { owner: string; created: Record<string, unknown>; settings: Record<string, Record<string, unknown>> }>();
  /** Buckets deleted by DeleteBucket: writing to one fails with NoSuchBucket. */
  readonly removed = new Set<string>();
  /** Each object's LastModified, by `bucket/key` (a test may age one). */
  readonly modified = new Map<string, Date>();

  read(bucket: string, key: string): string | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  /** Each object's bytes, by `bucket/key` (a build context is a zip, not text). */
  readonly bytes = new Map<string, Buffer>();

  async putObject(input: { Bucket?: string; Key?: string; Body?: unknown; ExpectedBucketOwner?: string }) {
    this.checkOwner(input);
    if (this.removed.has(input.Bucket ?? "")) throw s3Error("NoSuchBucket", 404, "The specified bucket does not exist");
    const bucket = this.buckets.get(input.Bucket ?? "") ?? new Map<string, string>();
    this.buckets.set(input.Bucket ?? "", bucket);
    const body = await bodyBytes(input.Body);
    bucket.set(input.Key ?? "", body.toString());
    this.bytes.set(`${input.Bucket}/${input.Key}`, body);
    this.modified.set(`${input.Bucket}/${input.Key}`, new Date());
    return {};
  }

  deleteObject(input: { Bucket?: string; Key?: string; ExpectedBucketOwner?: string }) {
    this.checkOwner(input);
    this.buckets.get(input.Bucket ?? "")?.delete(input.Key ?? "");
    this.bytes.delete(`${input.Bucket}/${input.Key}`);
    return {};
  }

  listObjectsV2(input: { Bucket?: string; Prefix?: string; ExpectedBucketOwner?: string }) {
    this.checkOwner(input);
    const keys = [...(this.buckets.get(input.Bucket ?? "")?.keys() ?? [])].filter((key) => key.startsWith(input.Prefix ?? "")).sort();
    return { Contents: keys.map((Key) => ({ Key, LastModified: this.modified.get(`${input.Bucket}/${Key}`) ?? new Date() })), IsTruncated: false, KeyCount: keys.length };
  }

  deleteObjects(input: { Bucket?: string; Delete?: { Objects?: { Key?: string }[] }; ExpectedBucketOwner?: string }) {
    this.checkOwner(input);
    const keys = (input.Delete?.Objects ?? []).map((object) => object.Key ?? "");
    for (const key of keys) {
      this.buckets.get(input.Bucket ?? "")?.delete(key);
      this.bytes.delete(`${input.Bucket}/${key}`);
    }
    return { Deleted: keys.map((Key) => ({ Key })) };
  }

  headBucket(input: { Bucket?: string; ExpectedBucketOwner?: string }) {
    if (!this.made.has(input.Bucket ?? "")) throw s3Error("NotFound", 404, "");
    this.checkOwner(input);
    return {};
  }

  /** GetBucketTagging: NoSuchBucket when there is none, NoSuchTagSet when it has no tags (both 404, as S3 answers). */
  getBucketTagging(input: { Bucket?: string; ExpectedBucketOwner?: string }) {
    const bucket = this.made.get(input.Bucket ?? "");
    if (!bucket) throw s3Error("NoSuchBucket", 404, "The specified bucket does not exist");
    this.checkOwner(input);
    const tagging = bucket.settings.Tagging as { Tagging?: { TagSet?: unknown[] } } | undefined;
    if (!tagging?.Tagging?.TagSet?.length) throw s3Error("NoSuchTagSet", 404, "The TagSet does not exist");
    return { TagSet: tagging.Tagging.TagSet };
  }

  createBucket(input: { Bucket?: string }) {
    const name = input.Bucket ?? "";
    if (this.made.has(name)) throw s3Error("BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it.");
    this.made.set(name, { owner: ACCOUNT, created: input, settings: {} });
    this.removed.delete(name);
    return {};
  }

  /** PutPublicAccessBlock, PutBucketEncryption, PutBucketPolicy, PutBucketLifecycleConfiguration, PutBucketTagging: kept by setting. */
  putSetting(setting: string, input: { Bucket?: string; ExpectedBucketOwner?: string }) {
    const bucket = this.made.get(input.Bucket ?? "");
    if (!bucket) throw s3Error("NoSuchBucket", 404, "The specified bucket does not exist");
    this.checkOwner(input);
    bucket.settings[setting] = input;
    return {};
  }

  deleteBucket(input: { Bucket?: string; ExpectedBucketOwner?: string }) {
    const name = input.Bucket ?? "";
    if (!this.made.has(name)) throw s3Error("NoSuchBucket", 404, "The specified bucket does not exist");
    this.checkOwner(input);
    if ((this.buckets.get(name)?.size ?? 0) > 0) throw s3Error("BucketNotEmpty", 409, "The bucket you tried to delete is not empty");
    this.made.delete(name);
    this.buckets.delete(name);
    this.removed.add(name);
    return {};
  }

  private checkOwner(input: { Bucket?: string; ExpectedBucketOwner?: string }): void {
    const owner = this.made.get(input.Bucket ?? "")?.owner ?? ACCOUNT;
    if (input.ExpectedBucketOwner !== undefined && input.ExpectedBucketOwner !== owner) throw s3Error("AccessDenied", 403, "Access Denied");
  }
}

function s3Error(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: status } });
}

/** A PutObject body as the SDK takes it: a string, bytes or a readable stream (a file). */
async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === "object" && Symbol.asyncIterator in body) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  return Buffer.from(String(body));
}

/**
 * ELBv2 listener rules, read from the ListenerRule resources of the stacks CloudFormation
 * holds: an app deployed in the test owns its rules, as it does in AWS.
 */
export function describeRules(cloudFormation: MemoryCloudFormation, input: { ListenerArn?: string }): { Rules: Rule[] } {
  const rules: Rule[] = [{ RuleArn: `${input.ListenerArn}/default`, Priority: "default", IsDefault: true, Conditions: [] }];
  for (const stack of cloudFormation.stacks.filter((one) => one.status !== "DELETE_COMPLETE")) {
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      const properties = resource.Properties ?? {};
      if (resource.Type !== "AWS::ElasticLoadBalancingV2::ListenerRule" || properties.ListenerArn !== input.ListenerArn) continue;
      rules.push({ RuleArn: stack.physicalIds[logicalId], Priority: String(properties.Priority), IsDefault: false, Conditions: conditions(properties.Conditions) });
    }
  }
  return { Rules: rules };
}

function conditions(value: Json | undefined): Rule["Conditions"] {
  if (!Array.isArray(value)) return [];
  return value.map((condition) => {
    const fields = condition as { Field?: string; HostHeaderConfig?: { Values?: string[] }; Values?: string[] };
    return { Field: fields.Field, HostHeaderConfig: fields.HostHeaderConfig, Values: fields.Values };
  });
}

/** The certificates on a listener: each ListenerCertificate resource of a live stack naming it (its ARN resolved when it is a Ref). */
export function describeListenerCertificates(cloudFormation: MemoryCloudFormation, input: { ListenerArn?: string }): { Certificates: { CertificateArn: string; IsDefault: boolean }[] } {
  const certificates: { CertificateArn: string; IsDefault: boolean }[] = [];
  for (const stack of cloudFormation.stacks.filter((one) => one.status !== "DELETE_COMPLETE")) {
    for (const resource of Object.values(stack.resources)) {
      const properties = resource.Properties ?? {};
      if (resource.Type !== "AWS::ElasticLoadBalancingV2::ListenerCertificate" || properties.ListenerArn !== input.ListenerArn) continue;
      for (const entry of (properties.Certificates ?? []) as { CertificateArn: Json }[]) {
        const arn = entry.CertificateArn;
        const resolved = typeof arn === "string" ? arn : stack.physicalIds[(arn as { Ref: string }).Ref] ?? "";
        certificates.push({ CertificateArn: resolved, IsDefault: false });
      }
    }
  }
  return { Certificates: certificates };
}

/** Public Route 53 zones a test gives the account (HostedZoneId), with their records. */
export class MemoryPublicZones {
  readonly zones = new Map<string, { name: string; private: boolean; records: ResourceRecordSet[] }>();

  add(id: string, name: string, options: { private?: boolean } = {}): void {
    this.zones.set(id, { name: name.endsWith(".") ? name : `${name}.`, private: options.private ?? false, records: [] });
  }

  getHostedZone(input: { Id?: string }) {
    const zone = this.zones.get((input.Id ?? "").replace(/^\/hostedzone\//, ""));
    if (!zone) throw awsError("NoSuchHostedZone", `No hosted zone found with ID: ${input.Id}`);
    return { HostedZone: { Id: `/hostedzone/${input.Id}`, Name: zone.name, CallerReference: "test", Config: { PrivateZone: zone.private } } };
  }

  records(id: string): ResourceRecordSet[] | undefined {
    return this.zones.get(id)?.records;
  }

  change(id: string, batch: Change[]) {
    const records = this.records(id) ?? [];
    for (const change of batch) {
      const set = change.ResourceRecordSet;
      const at = records.findIndex((record) => record.Name === set?.Name && record.Type === set?.Type);
      if (change.Action === "DELETE") {
        if (at < 0) throw awsError("InvalidChangeBatch", `Tried to delete resource record set [name='${set?.Name}', type='${set?.Type}'] but it was not found`);
        records.splice(at, 1);
      } else if (set) {
        if (at >= 0) records.splice(at, 1, set);
        else records.push(set);
      }
    }
    return { ChangeInfo: { Id: "/change/CPUBLIC", Status: "PENDING" as const, SubmittedAt: new Date() } };
  }
}

/** ECS tasks of the cluster and the Route 53 records of the private network zone. */
export class MemoryPrivateNetwork {
  tasks: Task[] = [];
  readonly records: ResourceRecordSet[] = [];
  readonly changes: Change[][] = [];

  /** ListTasks: the tasks whose desired status is the one asked (RUNNING when not given). */
  listTasks(input: { desiredStatus?: string } = {}) {
    const wanted = input.desiredStatus ?? "RUNNING";
    return { taskArns: this.tasks.flatMap((task) => (task.taskArn && (task.desiredStatus ?? "RUNNING") === wanted ? [task.taskArn] : [])) };
  }

  /** DescribeTasks; a task told to stop is STOPPING at the first read after StopTask, STOPPED from the next. */
  describeTasks(input: { tasks?: string[] }) {
    const described = this.tasks.filter((task) => input.tasks?.includes(task.taskArn ?? "")).map((task) => ({ ...task }));
    for (const task of this.tasks) if (task.desiredStatus === "STOPPED" && task.lastStatus === "STOPPING") task.lastStatus = "STOPPED";
    return { tasks: described, failures: [] };
  }

  stopTask(input: { task?: string; reason?: string }) {
    const task = this.tasks.find((candidate) => candidate.taskArn === input.task);
    if (!task) throw awsError("InvalidParameterException", "The referenced task was not found.");
    if (task.lastStatus !== "STOPPED") Object.assign(task, { desiredStatus: "STOPPED", lastStatus: "STOPPING", stoppedReason: input.reason });
    return { task: { ...task } };
  }

  /** DeleteCluster's refusal while any task is active (ClusterContainsTasksException). */
  clusterRefusal(): string | undefined {
    const active = this.tasks.filter((task) => task.lastStatus !== "STOPPED").length;
    return active > 0 ? "The Cluster cannot be deleted while Tasks are active. (Service: AmazonECS; Status Code: 400; Error Code: ClusterContainsTasksException)" : undefined;
  }

  /** DeleteHostedZone's refusal while the zone holds records other than its SOA and NS (HostedZoneNotEmpty). */
  zoneRefusal(): string | undefined {
    const held = [this.records, ...this.otherZones.values()].flat().filter((record) => record.Type !== "SOA" && record.Type !== "NS").length;
    return held > 0 ? "The specified hosted zone contains non-required resource record sets and so cannot be deleted. (Service: AmazonRoute53; Status Code: 400; Error Code: HostedZoneNotEmpty)" : undefined;
  }

  /** The rack's other hosted zones (`<rack>.convox`, the router's) by id, with what a test writes in them; `records` is the private-network zone's. */
  readonly otherZones = new Map<string, ResourceRecordSet[]>();
  /** A zone's name from its id (the stacks' AWS::Route53::HostedZone resources), when the harness knows it. */
  zoneNameOf: (zoneId: string) => string | undefined = () => undefined;

  listResourceRecordSets(input: { HostedZoneId?: string } = {}) {
    const zoneId = input.HostedZoneId ?? "";
    const name = this.zoneNameOf(zoneId)?.replace(/\.?$/, ".");
    // `records` are the private-network zone's: another zone of the rack holds none of them.
    const records = this.otherZones.get(zoneId) ?? (name ? this.records.filter((record) => record.Name === name || record.Name?.endsWith(`.${name}`)) : this.records);
    return { ResourceRecordSets: [...records], IsTruncated: false, MaxItems: 300 };
  }

  changeResourceRecordSets(input: { ChangeBatch?: { Changes?: Change[] } }) {
    const batch = input.ChangeBatch?.Changes ?? [];
    for (const change of batch) {
      const set = change.ResourceRecordSet;
      const at = this.records.findIndex((record) => record.Name === set?.Name && record.Type === set?.Type);
      if (change.Action === "DELETE") {
        if (at < 0) throw awsError("InvalidChangeBatch", `Tried to delete resource record set [name='${set?.Name}', type='${set?.Type}'] but it was not found`);
        this.records.splice(at, 1);
      } else if (change.Action === "CREATE") {
        if (at >= 0) throw awsError("InvalidChangeBatch", `Tried to create resource record set [name='${set?.Name}', type='${set?.Type}'] but it already exists`);
        if (set) this.records.push(set);
      }
    }
    this.changes.push(batch);
    return { ChangeInfo: { Id: `/change/C${this.changes.length}`, Status: "PENDING" as const, SubmittedAt: new Date() } };
  }
}
