/**
 * One in-memory AWS for workflow tests, at the SDK boundary (aws-sdk-client-mock): every
 * client racknet builds is mocked, every call it makes is answered by a small in-memory
 * service that stays consistent (CloudFormation, SSM, ACM, S3, EC2 zones, ELBv2 rules,
 * ECS tasks, Route 53 records, ECR, CodeBuild, CloudWatch Logs and IAM roles), and any other call fails loudly, naming itself, instead
 * of resolving `{}`. A workflow runs end to end through `run(context, args)`, on a Context
 * whose printer writes to memory; `run` turns its error into what the user reads and the
 * exit code, in the one place the CLI does (runtime/handle-errors.ts).
 */
import { Writable } from "node:stream";
import type { MetadataBearer } from "@smithy/types";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import {
  ACMClient,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  GetCertificateCommand,
  ImportCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RequestCertificateCommand,
} from "@aws-sdk/client-acm";
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  type Stack,
} from "@aws-sdk/client-cloudformation";
import {
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
  DescribeRegionsCommand,
  DescribeTransitGatewaysCommand,
  type NetworkInterface,
  type Vpc,
} from "@aws-sdk/client-ec2";
import { GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { DescribeDBSnapshotsCommand, RDSClient, type DBSnapshot } from "@aws-sdk/client-rds";
import { DescribeSnapshotsCommand, ElastiCacheClient, type Snapshot as CacheSnapshot } from "@aws-sdk/client-elasticache";
import { GetAccountSettingsCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { BatchGetBuildsCommand, CodeBuildClient, StartBuildCommand, StopBuildCommand } from "@aws-sdk/client-codebuild";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  PutImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ListTagsForResourceCommand,
  PutLifecyclePolicyCommand,
} from "@aws-sdk/client-ecr";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, IAMClient, ListRolePoliciesCommand, ListRolesCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { DescribeTasksCommand, ECSClient, ListClustersCommand, ListTasksCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { DescribeListenerCertificatesCommand, DescribeRulesCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ChangeResourceRecordSetsCommand, GetHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  GetBucketTaggingCommand,
  ListObjectsV2Command,
  ListBucketsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { DeleteParametersCommand, DescribeParametersCommand, GetParameterCommand, GetParametersByPathCommand, GetParametersCommand, ListTagsForResourceCommand as ListParameterTagsCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { AwsClients } from "../../src/aws/clients.js";
import type { CommandContext, GlobalOptions } from "../../src/runtime/context.js";
import { runWorkflow, type Workflow } from "../../src/runtime/run-workflow.js";
import { Printer } from "../../src/ui/printer.js";
import { MemoryCloudFormation } from "./memory-cloudformation.js";
import { MemoryKeys } from "./memory-keys.js";
import { MemoryCertificates, MemoryObjects, MemoryParameters, MemoryPrivateNetwork, MemoryPublicZones, describeListenerCertificates, describeRules } from "./memory-services.js";
import { MemoryBuilds, MemoryLogs, MemoryRegistry, MemoryRoles } from "./memory-builds.js";
import { ACCOUNT, REGION } from "./physical-ids.js";
import { testPorts, type FakeClock, type ScriptedUser } from "./ports.js";

class Memory extends Writable {
  text = "";
  isTTY = false;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

// The SDK's own types for each client differ; the harness only needs what they share.
type AnyStub = AwsStub<object, MetadataBearer, object>;

/** A command the in-memory AWS answers, and how: the input typed as the SDK types it. */
type Handler = [command: object, answer: (input: unknown) => unknown];

function handle<I>(command: new (...args: never[]) => { readonly input: I }, answer: (input: I) => unknown): Handler {
  return [command, answer as (input: unknown) => unknown];
}

/** One AWS call as the harness saw it: `CloudFormation.CreateChangeSet` and its input. */
export interface AwsCall {
  operation: string;
  input: Record<string, unknown>;
}

/** What one command run left: the exit code, what it printed, the AWS calls it made. */
export interface Outcome {
  exitCode: number;
  error?: unknown;
  stdout: string;
  stderr: string;
  calls: AwsCall[];
  /** The calls that change AWS: everything but Describe*, List*, Get* and BatchGet*. */
  writes: string[];
}

export interface AwsHarness {
  context: CommandContext;
  /** The user the workflow asks (a terminal only with `interactive`): `user.answer(...)` scripts the answers. */
  user: ScriptedUser;
  /** The workflow's clock: moves only when it waits (`clock.sleeps` lists the waits). */
  clock: FakeClock;
  /** The Context's global flags: set rack, app, yes, dryRun, json before a run. */
  options: GlobalOptions;
  cloudFormation: MemoryCloudFormation;
  parameters: MemoryParameters;
  certificates: MemoryCertificates;
  /** Public Route 53 zones of the account (a rack's HostedZoneId), with their records. */
  publicZones: MemoryPublicZones;
  keys: MemoryKeys;
  objects: MemoryObjects;
  privateNetwork: MemoryPrivateNetwork;
  /** ECR, CodeBuild and CloudWatch Logs, for `build:` services (memory-builds.ts). */
  registry: MemoryRegistry;
  builds: MemoryBuilds;
  logs: MemoryLogs;
  /** IAM roles: the apps' build roles. */
  roles: MemoryRoles;
  /** The region's available Availability Zones (DescribeAvailabilityZones). */
  zones: string[];
  /**
   * The Regions enabled for the account (DescribeRegions), the in-memory AWS's own first; the
   * others answer from `elsewhere` (nothing there: no stacks). Unset: only the asking client's Region.
   */
  regions: string[] | undefined;
  /** What DescribeStacks answers in another Region (its racks' stacks), or the error it fails with; nothing: no stacks. */
  elsewhere: Record<string, Stack[] | Error>;
  /** The VPCs of the harness's Region (DescribeVpcs); racks' VPCs are not added by themselves. */
  vpcs: Vpc[];
  /** Transit gateways of the account, each in its Region (DescribeTransitGateways answers by the asking client's Region). */
  transitGateways: { id: string; region: string; state: string }[];
  /** Service Quotas' applied values by `<service code>/<quota code>`; any other quota is 5. */
  quotas: Record<string, number>;
  /** RDS's manual DB snapshots: the final ones CloudFormation takes for DeletionPolicy Snapshot (an instance's default). */
  dbSnapshots: DBSnapshot[];
  /** ElastiCache's manual snapshots: the final ones CloudFormation takes of a Redis group for DeletionPolicy Snapshot. */
  cacheSnapshots: CacheSnapshot[];
  /** The stubs, to make one call fail in a test (`h.stubs.SSM.on(...).rejects(...)`). */
  stubs: Record<string, AnyStub>;
  /** Run a workflow as the CLI would (src/runtime/run-workflow.ts: its outcome printed, its exit code); never throws. */
  run<A>(workflow: Workflow<A>, args: A): Promise<Outcome>;
  /** Every AWS call since the harness was made, in order. */
  calls(): AwsCall[];
  restore(): void;
}

/**
 * The writes that change what the user owns: the lock and journal racknet keeps for itself
 * (SSM parameters under /racknet/<rack>/locks/ and /journal/) left out.
 */
export function resourceWrites(outcome: Pick<Outcome, "calls">): string[] {
  const bookkeeping = (input: Record<string, unknown>) => {
    const names = [input.Name, ...(Array.isArray(input.Names) ? input.Names : [])].filter((name): name is string => typeof name === "string");
    return names.length > 0 && names.every((name) => /^\/racknet\/[^/]+\/(locks|journal)\//.test(name));
  };
  return outcome.calls.filter((call) => isWrite(call.operation) && !(call.operation.startsWith("SSM.") && bookkeeping(call.input))).map((call) => call.operation);
}

export function isWrite(operation: string): boolean {
  return !/\.(Describe|List|Get|BatchGet|Head)/.test(operation);
}

export function awsHarness(settings: { interactive?: boolean } = {}): AwsHarness {
  const objects = new MemoryObjects();
  const cloudFormation = new MemoryCloudFormation((bucket, key) => objects.read(bucket, key));
  const parameters = new MemoryParameters();
  const certificates = new MemoryCertificates();
  const publicZones = new MemoryPublicZones();
  const keys = new MemoryKeys();
  const privateNetwork = new MemoryPrivateNetwork();
  // As ECS and Route 53 refuse: the rack's cluster while tasks run, its private zone while it holds records.
  cloudFormation.refuseDeletion("AWS::ECS::Cluster", () => privateNetwork.clusterRefusal());
  cloudFormation.refuseDeletion("AWS::Route53::HostedZone", () => privateNetwork.zoneRefusal());
  privateNetwork.zoneNameOf = (zoneId) => {
    for (const stack of cloudFormation.stacks) {
      for (const [logicalId, resource] of Object.entries(stack.resources)) {
        if (resource.Type === "AWS::Route53::HostedZone" && stack.physicalIds[logicalId] === zoneId) return String(resource.Properties?.Name ?? "");
      }
    }
    return undefined;
  };
  const registry = new MemoryRegistry();
  const logs = new MemoryLogs();
  const roles = new MemoryRoles();
  const builds = new MemoryBuilds(cloudFormation, objects, parameters, registry, logs);
  const harness = { zones: [`${REGION}a`, `${REGION}b`, `${REGION}c`], networkInterfaces: [] as NetworkInterface[], regions: undefined as string[] | undefined, vpcs: [] as Vpc[], transitGateways: [] as AwsHarness["transitGateways"] };
  const elsewhere: Record<string, Stack[] | Error> = {};
  const quotas: Record<string, number> = {};

  const stubs: Record<string, AnyStub> = {};
  // As EC2: an id the Region does not know is an error, not an empty list.
  const describeTransitGateways = (input: { TransitGatewayIds?: string[] }, region: string) => {
    const found = harness.transitGateways.filter((gateway) => gateway.region === region && (input.TransitGatewayIds ?? [gateway.id]).includes(gateway.id));
    const missing = (input.TransitGatewayIds ?? []).find((id) => !found.some((gateway) => gateway.id === id));
    if (missing) throw Object.assign(new Error(`Transit Gateway ${missing} was deleted or does not exist.`), { name: "InvalidTransitGatewayID.NotFound" });
    return { TransitGateways: found.map((gateway) => ({ TransitGatewayId: gateway.id, State: gateway.state })) };
  };
  const dbSnapshots: DBSnapshot[] = [];
  // CloudFormation's final snapshot (DeletionPolicy attribute: Snapshot is a DB instance's default), named as CloudFormation names it.
  cloudFormation.whenDeleted((deleted) => {
    if (deleted.resource.Type !== "AWS::RDS::DBInstance" || (deleted.resource.DeletionPolicy ?? "Snapshot") !== "Snapshot") return;
    const name = `${deleted.stackName}-snapshot-${deleted.logicalId}-${String(dbSnapshots.length + 1).padStart(12, "x")}`.toLowerCase();
    dbSnapshots.push({ DBSnapshotIdentifier: name, DBInstanceIdentifier: deleted.physicalId, SnapshotType: "manual", SnapshotCreateTime: deleted.at, Status: "available" });
  });
  const cacheSnapshots: CacheSnapshot[] = [];
  // A Redis group has no default DeletionPolicy Snapshot; racknet's templates set it. The name is CloudFormation's own (unknown shape).
  cloudFormation.whenDeleted((deleted) => {
    if (deleted.resource.Type !== "AWS::ElastiCache::ReplicationGroup" || deleted.resource.DeletionPolicy !== "Snapshot") return;
    const name = `${deleted.stackName}-${deleted.logicalId}-final-${cacheSnapshots.length + 1}`.toLowerCase();
    cacheSnapshots.push({ SnapshotName: name, ReplicationGroupId: deleted.physicalId, SnapshotSource: "manual", SnapshotStatus: "available", NodeSnapshots: [{ CacheClusterId: `${deleted.physicalId}-001`, SnapshotCreateTime: deleted.at }] });
  });
  const stub = (service: string, client: Parameters<typeof mockClient>[0], handlers: Handler[]) => {
    const mock = mockClient(client) as unknown as AnyStub;
    mock.send.callsFake(async (command: object) => {
      throw new Error(`unmocked AWS call: ${service}.${operationOf(command)} (add it to test/support/aws-harness.ts)`);
    });
    // A client of another Region answers from `elsewhere` (DescribeStacks) or fails: the in-memory AWS is one Region.
    const regionOf = async (getClient: () => { config: object }) => {
      const region = (getClient().config as { region?: unknown }).region;
      return typeof region === "function" ? String(await (region as () => Promise<string>)()) : String(region);
    };
    for (const [command, handler] of handlers) {
      mock.on(command as never).callsFake(async (input: unknown, getClient: () => { config: object }) => {
        const region = await regionOf(getClient);
        if (command === DescribeRegionsCommand) return { Regions: (harness.regions ?? [region]).map((RegionName) => ({ RegionName, OptInStatus: "opt-in-not-required" })) };
        if (command === DescribeTransitGatewaysCommand) return describeTransitGateways(input as { TransitGatewayIds?: string[] }, region);
        const home = !(region in elsewhere) && (harness.regions === undefined || region === harness.regions[0]);
        if (home || service === "Route53" || service === "STS") return handler(input);
        const there = elsewhere[region];
        if (there instanceof Error) throw there;
        if (service === "CloudFormation" && command === DescribeStacksCommand) return { Stacks: there ?? [] };
        throw new Error(`unmocked AWS call in ${region}: ${service}.${operationOf(command)} (the harness answers only DescribeStacks outside its own Region)`);
      });
    }
    stubs[service] = mock;
  };
  stub("CloudFormation", CloudFormationClient, [
    handle(DescribeStacksCommand, (input) => cloudFormation.describeStacks(input)),
    handle(CreateChangeSetCommand, (input) => cloudFormation.createChangeSet(input)),
    handle(DescribeChangeSetCommand, (input) => cloudFormation.describeChangeSet(input)),
    handle(ListChangeSetsCommand, (input) => cloudFormation.listChangeSets(input)),
    handle(DeleteChangeSetCommand, (input) => cloudFormation.deleteChangeSet(input)),
    handle(ExecuteChangeSetCommand, (input) => cloudFormation.executeChangeSet(input)),
    handle(DescribeStackEventsCommand, (input) => cloudFormation.describeStackEvents(input)),
    handle(DeleteStackCommand, (input) => cloudFormation.deleteStack(input)),
    handle(ListStackResourcesCommand, (input) => cloudFormation.listStackResources(input)),
    handle(GetTemplateCommand, (input) => cloudFormation.getTemplate(input)),
  ]);
  stub("RDS", RDSClient, [
    handle(DescribeDBSnapshotsCommand, (input) => ({
      DBSnapshots: dbSnapshots.filter((snapshot) => (!input.DBInstanceIdentifier || snapshot.DBInstanceIdentifier === input.DBInstanceIdentifier) && (!input.SnapshotType || snapshot.SnapshotType === input.SnapshotType)),
    })),
  ]);
  stub("ElastiCache", ElastiCacheClient, [
    handle(DescribeSnapshotsCommand, (input) => ({
      Snapshots: cacheSnapshots.filter((snapshot) => (!input.ReplicationGroupId || snapshot.ReplicationGroupId === input.ReplicationGroupId) && (!input.SnapshotSource || snapshot.SnapshotSource === input.SnapshotSource)),
    })),
  ]);
  stub("SSM", SSMClient, [
    handle(GetParametersByPathCommand, (input) => parameters.getParametersByPath(input)),
    handle(GetParametersCommand, (input) => parameters.getParameters(input)),
    handle(GetParameterCommand, (input) => parameters.getParameter(input)),
    handle(PutParameterCommand, (input) => parameters.putParameter(input)),
    handle(DeleteParametersCommand, (input) => parameters.deleteParameters(input)),
    handle(ListParameterTagsCommand, (input) => parameters.listTagsForResource(input)),
    handle(DescribeParametersCommand, (input) => parameters.describeParameters(input)),
  ]);
  stub("KMS", KMSClient, [
    handle(CreateKeyCommand, (input) => keys.createKey(input)),
    handle(DescribeKeyCommand, (input) => keys.describeKey(input)),
    handle(CreateAliasCommand, (input) => keys.createAlias(input)),
    handle(DeleteAliasCommand, (input) => keys.deleteAlias(input)),
    handle(EnableKeyRotationCommand, (input) => keys.enableKeyRotation(input)),
    handle(GetKeyRotationStatusCommand, (input) => keys.getKeyRotationStatus(input)),
    handle(PutKeyPolicyCommand, (input) => keys.putKeyPolicy(input)),
    handle(GetKeyPolicyCommand, (input) => keys.getKeyPolicy(input)),
    handle(ScheduleKeyDeletionCommand, (input) => keys.scheduleKeyDeletion(input)),
  ]);
  stub("ACM", ACMClient, [
    handle(ListCertificatesCommand, (input) => certificates.listCertificates(input)),
    handle(ListTagsForCertificateCommand, (input) => certificates.listTagsForCertificate(input)),
    handle(GetCertificateCommand, (input) => certificates.getCertificate(input)),
    handle(ImportCertificateCommand, (input) => certificates.importCertificate(input)),
    handle(DeleteCertificateCommand, (input) => certificates.deleteCertificate(input)),
    handle(RequestCertificateCommand, (input) => certificates.requestCertificate(input)),
    handle(DescribeCertificateCommand, (input) => certificates.describeCertificate(input)),
  ]);
  stub("S3", S3Client, [
    handle(PutObjectCommand, (input) => objects.putObject(input)),
    handle(DeleteObjectCommand, (input) => objects.deleteObject(input)),
    handle(ListObjectsV2Command, (input) => objects.listObjectsV2(input)),
    handle(DeleteObjectsCommand, (input) => objects.deleteObjects(input)),
    handle(HeadBucketCommand, (input) => objects.headBucket(input)),
    handle(GetBucketTaggingCommand, (input) => objects.getBucketTagging(input)),
    // Every Region's buckets, with their Region, as S3 answers: the buckets made here, each live
    // stack's template bucket (every rack stack has one; CloudFormation names it
    // `<stack>-templatebucket-<id>`), and one in each other Region that holds racks, or whose
    // DescribeStacks fails (a Region with a rack that cannot be read).
    handle(ListBucketsCommand, () => ({
      Buckets: [
        ...[...objects.made.keys()].map((Name) => ({ Name, BucketRegion: REGION })),
        ...cloudFormation.describeStacks({}).Stacks.map((stack) => ({ Name: `${(stack.StackName ?? "").toLowerCase()}-templatebucket-a1b2c3d4e5f6`, BucketRegion: REGION })),
        ...Object.entries(elsewhere).flatMap(([region, there]) =>
          there instanceof Error ? [{ Name: `unread-templatebucket-a1b2c3d4e5f6`, BucketRegion: region }] : there.map((stack) => ({ Name: `${(stack.StackName ?? "").toLowerCase()}-templatebucket-a1b2c3d4e5f6`, BucketRegion: region })),
        ),
      ],
    })),
    handle(CreateBucketCommand, (input) => objects.createBucket(input)),
    handle(PutPublicAccessBlockCommand, (input) => objects.putSetting("PublicAccessBlock", input)),
    handle(PutBucketEncryptionCommand, (input) => objects.putSetting("Encryption", input)),
    handle(PutBucketPolicyCommand, (input) => objects.putSetting("Policy", input)),
    handle(PutBucketLifecycleConfigurationCommand, (input) => objects.putSetting("Lifecycle", input)),
    handle(PutBucketTaggingCommand, (input) => objects.putSetting("Tagging", input)),
    handle(DeleteBucketCommand, (input) => objects.deleteBucket(input)),
  ]);
  stub("STS", STSClient, [handle(GetCallerIdentityCommand, () => ({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/racknet-test` }))]);
  stub("EC2", EC2Client, [
    handle(DescribeAvailabilityZonesCommand, () => ({ AvailabilityZones: harness.zones.map((ZoneName) => ({ ZoneName, State: "available", ZoneType: "availability-zone", OptInStatus: "opt-in-not-required" })) })),
    // An account that uses nothing yet, with the default quotas (the quota check before install and Private=Yes).
    handle(DescribeAddressesCommand, () => ({ Addresses: [] })),
    // No task's network interface is left in a subnet (their tasks are stopped): Private=No and uninstall go on.
    handle(DescribeNetworkInterfacesCommand, () => ({ NetworkInterfaces: harness.networkInterfaces })),
    handle(DescribeVpcsCommand, () => ({ Vpcs: harness.vpcs })),
    // Peerings CloudFormation made in one account are active (AWS::EC2::VPCPeeringConnection); a test stubs another state.
    handle(DescribeVpcPeeringConnectionsCommand, (input: { VpcPeeringConnectionIds?: string[] }) => ({
      VpcPeeringConnections: (input.VpcPeeringConnectionIds ?? []).map((id) => ({ VpcPeeringConnectionId: id, Status: { Code: "active" } })),
    })),
    handle(DescribeRegionsCommand, () => ({ Regions: [] })),
    handle(DescribeTransitGatewaysCommand, () => ({ TransitGateways: [] })),
    handle(DescribeInternetGatewaysCommand, () => ({ InternetGateways: [] })),
    handle(DescribeNatGatewaysCommand, () => ({ NatGateways: [] })),
    // The subnets the live stacks hold (CloudFormation deleted the rest).
    handle(DescribeSubnetsCommand, (input) => {
      const wanted = new Set(input.Filters?.find((filter) => filter.Name === "subnet-id")?.Values ?? input.SubnetIds ?? []);
      const held = cloudFormation.stacks
        .filter((stack) => stack.status !== "DELETE_COMPLETE")
        .flatMap((stack) => Object.entries(stack.resources).flatMap(([logicalId, resource]) => (resource.Type === "AWS::EC2::Subnet" ? [stack.physicalIds[logicalId] ?? ""] : [])));
      return { Subnets: held.filter((id) => wanted.has(id)).map((SubnetId) => ({ SubnetId })) };
    }),
  ]);
  stub("ServiceQuotas", ServiceQuotasClient, [
    handle(GetServiceQuotaCommand, (input) => ({ Quota: { ServiceCode: input.ServiceCode, QuotaCode: input.QuotaCode, Value: quotas[`${input.ServiceCode}/${input.QuotaCode}`] ?? 5 } })),
  ]);
  // The account's default concurrency (1,000, nothing reserved): the sync function may reserve one.
  stub("Lambda", LambdaClient, [handle(GetAccountSettingsCommand, () => ({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } }))]);
  stub("CodeBuild", CodeBuildClient, [
    handle(StartBuildCommand, (input) => builds.startBuild(input)),
    handle(BatchGetBuildsCommand, (input) => builds.batchGetBuilds(input)),
    handle(StopBuildCommand, (input) => builds.stopBuild(input)),
  ]);
  stub("ECR", ECRClient, [
    handle(CreateRepositoryCommand, (input) => registry.createRepository(input)),
    handle(DescribeRepositoriesCommand, (input) => registry.describeRepositories(input)),
    handle(ListTagsForResourceCommand, (input) => registry.listTagsForResource(input)),
    handle(PutLifecyclePolicyCommand, (input) => registry.putLifecyclePolicy(input)),
    handle(DescribeImagesCommand, (input) => registry.describeImages(input)),
    handle(DeleteRepositoryCommand, (input) => registry.deleteRepository(input)),
    handle(BatchGetImageCommand, (input) => registry.batchGetImage(input)),
    handle(PutImageCommand, (input) => registry.putImage(input)),
    handle(BatchDeleteImageCommand, (input) => registry.batchDeleteImage(input)),
  ]);
  stub("IAM", IAMClient, [
    handle(CreateRoleCommand, (input) => roles.createRole(input)),
    handle(GetRoleCommand, (input) => roles.getRole(input)),
    handle(PutRolePolicyCommand, (input) => roles.putRolePolicy(input)),
    handle(ListRolePoliciesCommand, (input) => roles.listRolePolicies(input)),
    handle(DeleteRolePolicyCommand, (input) => roles.deleteRolePolicy(input)),
    handle(DeleteRoleCommand, (input) => roles.deleteRole(input)),
    handle(ListRolesCommand, (input) => roles.listRoles(input)),
  ]);
  stub("CloudWatchLogs", CloudWatchLogsClient, [handle(GetLogEventsCommand, (input) => logs.getLogEvents(input))]);
  stub("ELBv2", ElasticLoadBalancingV2Client, [
    handle(DescribeRulesCommand, (input) => describeRules(cloudFormation, input)),
    handle(DescribeListenerCertificatesCommand, (input) => describeListenerCertificates(cloudFormation, input)),
  ]);
  stub("ECS", ECSClient, [
    // The clusters running the tasks it knows (the Fargate vCPUs in use before a deploy).
    handle(ListClustersCommand, () => ({ clusterArns: [...new Set(privateNetwork.tasks.flatMap((task) => (task.clusterArn ? [task.clusterArn] : [])))] })),
    handle(ListTasksCommand, (input) => privateNetwork.listTasks(input)),
    handle(DescribeTasksCommand, (input) => privateNetwork.describeTasks(input)),
    handle(StopTaskCommand, (input) => privateNetwork.stopTask(input)),
  ]);
  stub("Route53", Route53Client, [
    // A public zone's records (HostedZoneId), else the private network's.
    handle(ListResourceRecordSetsCommand, (input) => {
      const records = publicZones.records(input.HostedZoneId ?? "");
      return records ? { ResourceRecordSets: [...records], IsTruncated: false, MaxItems: 300 } : privateNetwork.listResourceRecordSets(input);
    }),
    handle(ChangeResourceRecordSetsCommand, (input) =>
      publicZones.records(input.HostedZoneId ?? "") ? publicZones.change(input.HostedZoneId ?? "", input.ChangeBatch?.Changes ?? []) : privateNetwork.changeResourceRecordSets(input),
    ),
    handle(GetHostedZoneCommand, (input) => publicZones.getHostedZone(input)),
  ]);

  const { context, options, stdout, stderr, user, clock } = memoryContext({ ...settings, awsCalls: () => calls().length });

  const calls = (): AwsCall[] =>
    Object.entries(stubs)
      .flatMap(([service, mock]) => mock.send.getCalls().map((call) => ({ call, service, command: call.args[0] as { input?: Record<string, unknown> } })))
      .sort((a, b) => (a.call.calledBefore(b.call) ? -1 : 1))
      .map(({ service, command }) => ({ operation: `${service}.${operationOf(command)}`, input: command.input ?? {} }));

  return {
    context,
    user,
    clock,
    options,
    cloudFormation,
    parameters,
    certificates,
    publicZones,
    keys,
    objects,
    privateNetwork,
    registry,
    builds,
    logs,
    roles,
    quotas,
    get zones() {
      return harness.zones;
    },
    set zones(zones: string[]) {
      harness.zones = zones;
    },
    get regions() {
      return harness.regions;
    },
    set regions(regions: string[] | undefined) {
      harness.regions = regions;
    },
    get vpcs() {
      return harness.vpcs;
    },
    set vpcs(vpcs: Vpc[]) {
      harness.vpcs = vpcs;
    },
    get transitGateways() {
      return harness.transitGateways;
    },
    elsewhere,
    dbSnapshots,
    cacheSnapshots,
    stubs,
    calls,
    async run(workflow, args) {
      const before = { out: stdout.text.length, err: stderr.text.length, calls: calls().length };
      const { exitCode, error } = await runWorkflow(workflow, context, args);
      const made = calls().slice(before.calls);
      return {
        exitCode,
        error,
        stdout: stdout.text.slice(before.out),
        stderr: stderr.text.slice(before.err),
        calls: made,
        writes: made.map((call) => call.operation).filter(isWrite),
      };
    },
    restore() {
      for (const mock of Object.values(stubs)) mock.restore();
    },
  };
}

export interface MemoryContext {
  context: CommandContext;
  /** The Context's global flags: set rack, app, yes, dryRun, json before a run. */
  options: GlobalOptions;
  stdout: { text: string };
  stderr: { text: string };
  /** The user the workflow asks: script answers with `user.answer(...)`, read `user.questions`. */
  user: ScriptedUser;
  clock: FakeClock;
}

/**
 * A Context as the CLI builds it (runtime/context.ts), printing to memory: stdout and
 * stderr are not terminals unless `interactive` (then stderr is, and racknet may prompt).
 */
export function memoryContext(settings: { interactive?: boolean; awsCalls?: () => number } = {}): MemoryContext {
  const stdout = new Memory();
  const stderr = new Memory();
  stderr.isTTY = settings.interactive ?? false;
  const printer = new Printer({ json: false, color: false, debug: false, stdout, stderr });
  const options: GlobalOptions = { json: false, color: false, debug: false, yes: false, dryRun: false, region: REGION };
  const ports = testPorts(options, settings);
  const context: CommandContext = {
    options,
    // The CLI makes the printer after reading --json; tests set the option later, so follow it.
    get printer() {
      return Object.assign(printer, { json: options.json });
    },
    aws: new AwsClients({ region: REGION }),
    ...ports,
    awsCalls: settings.awsCalls ?? (() => 0),
  };
  return { context, options, stdout, stderr, user: ports.user, clock: ports.clock };
}

function operationOf(command: object): string {
  return command.constructor.name.replace(/Command$/, "");
}
