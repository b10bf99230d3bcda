import "aws-sdk-client-mock-vitest/extend";
import { mockClient } from "aws-sdk-client-mock";
import { ACMClient, DeleteCertificateCommand, ListCertificatesCommand, ListTagsForCertificateCommand, ResourceInUseException } from "@aws-sdk/client-acm";
import {
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListChangeSetsCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  type StackEvent,
} from "@aws-sdk/client-cloudformation";
import { DeleteRepositoryCommand, DescribeRepositoriesCommand, ECRClient, ListTagsForResourceCommand as EcrTags, RepositoryNotFoundException } from "@aws-sdk/client-ecr";
import { ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";
import { DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, IAMClient, ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client, type ResourceRecordSet } from "@aws-sdk/client-route-53";
import { DeleteParametersCommand, GetParameterCommand, GetParametersByPathCommand, ListTagsForResourceCommand as SsmTags, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { beforeEach, describe, expect, it } from "vitest";
import { AwsOperationFailed, ExitCode, UserError } from "../../src/errors/index.js";
import { deleteAppCertificates } from "../../src/aws/app-leftovers.js";
import { run as workflow, type AppDeletion } from "../../src/operations/apps-delete.js";
import { APP_ID, APP_UUID, ZONE_NAME, appStack, cfn, dayContext, rackStack } from "./day-fixtures.js";
import { printing } from "../support/printing.js";
const run = printing(workflow);

const acm = mockClient(ACMClient);
const ecr = mockClient(ECRClient);
const ecs = mockClient(ECSClient);
const iam = mockClient(IAMClient);
const route53 = mockClient(Route53Client);
const ssm = mockClient(SSMClient);

const shopCert = "arn:aws:acm:us-east-1:123456789012:certificate/shop";
const blogCert = "arn:aws:acm:us-east-1:123456789012:certificate/blog";
const rackCert = "arn:aws:acm:us-east-1:123456789012:certificate/rack";
const ap = `ap-${APP_UUID}`;
let deleted: boolean;
/** The deletions, in the order they were sent. */
let order: string[] = [];
let zone: ResourceRecordSet[];

function stackEvent(status: string, at: number): StackEvent {
  return { EventId: `${status}-${at}`, StackId: APP_ID, StackName: "prod-shop", LogicalResourceId: "prod-shop", ResourceType: "AWS::CloudFormation::Stack", ResourceStatus: status as StackEvent["ResourceStatus"], Timestamp: new Date(at) };
}

function appOnRack(options: { appStatus?: string; pendingChangeSet?: boolean } = {}): void {
  deleted = false;
  cfn.reset();
  cfn.onAnyCommand().rejects(new Error("unmocked CloudFormation call"));
  cfn.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
    if (input.StackName === "prod") return { Stacks: [rackStack()] };
    if (input.StackName === APP_ID && deleted) return { Stacks: [{ ...appStack(), StackStatus: "DELETE_COMPLETE" }] };
    if (!deleted && (input.StackName === "prod-shop" || input.StackName === APP_ID)) return { Stacks: [appStack(options.appStatus)] };
    throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), { name: "ValidationError" });
  });
  cfn.on(GetTemplateCommand).resolves({
    TemplateBody: JSON.stringify({ Metadata: { Racknet: { app: "shop", rack: "prod", version: "0.1.0", services: [{ name: "web", visibility: "external", port: 80, cpu: 256, memory: 512, count: { min: 2, max: 2 } }] } } }),
  });
  cfn.on(ListChangeSetsCommand).resolves({
    Summaries: options.pendingChangeSet
      ? [{ StackId: APP_ID, StackName: "prod-shop", ChangeSetName: "racknet-1740823200000", ChangeSetId: "cs-1", Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: new Date(Date.now() - 120_000) }]
      : [],
  });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: "WebService", ResourceType: "AWS::ECS::Service", ResourceStatus: "CREATE_COMPLETE", LastUpdatedTimestamp: new Date() },
      { LogicalResourceId: "WebTaskDefinition", ResourceType: "AWS::ECS::TaskDefinition", ResourceStatus: "CREATE_COMPLETE", LastUpdatedTimestamp: new Date() },
    ],
  });
  const start = Date.now();
  cfn.on(DescribeStackEventsCommand).callsFake(() => ({
    StackEvents: deleted ? [stackEvent("DELETE_COMPLETE", start + 2000), stackEvent("DELETE_IN_PROGRESS", start + 1000)] : [stackEvent("UPDATE_COMPLETE", start - 1000)],
  }));
  cfn.on(DeleteStackCommand).callsFake(() => {
    order.push("stack");
    deleted = true;
    return {};
  });
}

beforeEach(() => {
  appOnRack();
  order = [];
  acm.reset();
  acm.onAnyCommand().rejects(new Error("unmocked ACM call"));
  ecr.reset();
  ecr.onAnyCommand().rejects(new Error("unmocked ECR call"));
  ecs.reset();
  ecs.onAnyCommand().rejects(new Error("unmocked ECS call"));
  // The app's build role (issue 21), tagged as this app's: deleted with its one policy.
  iam.reset();
  iam.onAnyCommand().rejects(new Error("unmocked IAM call"));
  iam.on(GetRoleCommand).resolves({
    Role: {
      RoleName: "prod_shop_x",
      Arn: "arn:aws:iam::123456789012:role/racknet/us-east-1/prod/build/prod_shop_x",
      Path: "/",
      RoleId: "AROA1",
      CreateDate: new Date(),
      Tags: [{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "shop" }, { Key: "racknet:region", Value: "us-east-1" }],
    },
  });
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ["racknet-build"] });
  iam.on(DeleteRolePolicyCommand).resolves({});
  iam.on(DeleteRoleCommand).resolves({});
  route53.reset();
  route53.onAnyCommand().rejects(new Error("unmocked Route 53 call"));
  ssm.reset();
  ssm.onAnyCommand().rejects(new Error("unmocked SSM call"));
  acm.on(ListCertificatesCommand).resolves({
    CertificateSummaryList: [
      { CertificateArn: shopCert, DomainName: "*.shop.prod.convox" },
      { CertificateArn: blogCert, DomainName: "*.blog.prod.convox" },
      { CertificateArn: rackCert, DomainName: "prod.convox" },
    ],
  });
  const certTags: Record<string, Record<string, string>> = {
    [shopCert]: { "racknet:rack": "prod", "racknet:app": "shop", "racknet:cert": "app" },
    [blogCert]: { "racknet:rack": "prod", "racknet:app": "blog", "racknet:cert": "app" },
    [rackCert]: { "racknet:rack": "prod", "racknet:cert": "rack" },
  };
  acm.on(ListTagsForCertificateCommand).callsFake((input: { CertificateArn: string }) => ({ Tags: Object.entries(certTags[input.CertificateArn] ?? {}).map(([Key, Value]) => ({ Key, Value })) }));
  acm.on(DeleteCertificateCommand).callsFake(() => {
    order.push("certificate");
    return {};
  });
  // The app's tasks stopped with its services: the reconcile removes its names.
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  zone = [
    { Name: `web.${ap}.${ZONE_NAME}.`, Type: "A", TTL: 5, ResourceRecords: [{ Value: "10.0.1.1" }] },
    { Name: `1.web.${ap}.${ZONE_NAME}.`, Type: "TXT", TTL: 5, ResourceRecords: [{ Value: '"task=aaaa1111"' }] },
  ];
  route53.on(ListResourceRecordSetsCommand).callsFake(() => ({ ResourceRecordSets: zone, IsTruncated: false }));
  route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: "c1", Status: "PENDING", SubmittedAt: new Date() } });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: "prod/shop", repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/prod/shop", repositoryUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod/shop" }] });
  ecr.on(EcrTags).resolves({ tags: [{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "shop" }] });
  ecr.on(DeleteRepositoryCommand).resolves({});
  ssm.on(GetParametersByPathCommand).resolves({
    Parameters: [{ Name: "/racknet/prod/apps/shop/env/DATABASE_URL" }, { Name: "/racknet/prod/apps/shop/env/API_KEY" }, { Name: "/racknet/prod/apps/shop/notes" }],
  });
  ssm.on(SsmTags).callsFake((input: { ResourceId: string }) => ({
    TagList: input.ResourceId.endsWith("/notes") ? [] : [{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "shop" }],
  }));
  ssm.on(DeleteParametersCommand).callsFake((input: { Names: string[] }) => ({ DeletedParameters: input.Names }));
  // The app's lock and journal (src/safety/lock.ts): no other racknet holds it, no stopped run left one.
  ssm.on(PutParameterCommand).resolves({ Version: 1 });
  ssm.on(GetParameterCommand).rejects(Object.assign(new Error("Parameter not found"), { name: "ParameterNotFound" }));
});

describe("racknet apps delete", () => {
  it("--yes: the plan, the stack deleted, then the app's certificate, names, repository and tagged environment", async () => {
    const day = dayContext({ yes: true, json: true });
    await run(day.context, { app: "shop" });
    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: APP_ID });
    expect(day.stderr()).toMatch(/Remove !?\s+WebService\s+AWS::ECS::Service/);
    expect(day.stderr()).toContain("ECR repository prod/shop");
    // What the app costs now, and nothing after.
    expect(day.stderr()).toMatch(/Monthly cost: \$[\d.]+ -> \$0\.00/);
    // Only the app's certificate: not another app's, not the rack's.
    expect(acm.commandCalls(DeleteCertificateCommand).map((call) => call.args[0].input.CertificateArn)).toEqual([shopCert]);
    const change = route53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch?.Changes ?? [];
    expect(change.map((one) => `${one.Action} ${one.ResourceRecordSet?.Name}`).sort()).toEqual([`DELETE 1.web.${ap}.${ZONE_NAME}.`, `DELETE web.${ap}.${ZONE_NAME}.`]);
    expect(ecr).toHaveReceivedCommandWith(DeleteRepositoryCommand, { repositoryName: "prod/shop", force: true });
    expect(iam).toHaveReceivedCommandWith(DeleteRolePolicyCommand, { PolicyName: "racknet-build" });
    expect(iam).toHaveReceivedCommandTimes(DeleteRoleCommand, 1);
    expect(day.stderr()).toContain("the app's build role");
    expect(ssm).toHaveReceivedCommandWith(DeleteParametersCommand, { Names: ["/racknet/prod/apps/shop/env/DATABASE_URL", "/racknet/prod/apps/shop/env/API_KEY"] });
    expect(day.stderr()).toContain("kept /racknet/prod/apps/shop/notes");
    expect(JSON.parse(day.stdout()) as AppDeletion).toEqual({
      app: "shop",
      rack: "prod",
      outcome: "deleted",
      certificates: [shopCert],
      repository: "deleted",
      environment: ["/racknet/prod/apps/shop/env/DATABASE_URL", "/racknet/prod/apps/shop/env/API_KEY"],
      plan: expect.objectContaining({ changes: expect.any(Array) }),
    });
  });

  it("an app with resources (issue 29): --yes alone is refused before anything is deleted, naming --allow-destroy; with it, the stack goes", async () => {
    cfn.on(GetTemplateCommand).resolves({
      TemplateBody: JSON.stringify({
        Metadata: { Racknet: { app: "shop", rack: "prod", version: "0.1.0", services: [], resources: [{ name: "db", type: "postgres", engine: "postgres", version: "17.9", class: "db.t4g.micro", storage: 20, durable: false, nodes: 1, services: ["web"] }] } },
      }),
    });
    const error = (await run(dayContext({ yes: true }).context, { app: "shop" }).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain("deletes its resources db (postgres)");
    expect(error.fix).toBe("racknet apps delete shop -r prod --allow-destroy");
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
    await run(dayContext({ yes: true, allowDestroy: true }).context, { app: "shop" });
    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: APP_ID });
  });

  it("the certificate goes only after the stack (a listener holds it until then)", async () => {
    await run(dayContext({ yes: true }).context, { app: "shop" });
    expect(order).toEqual(["stack", "certificate"]);
  });

  it("--dry-run shows the plan and deletes nothing", async () => {
    const day = dayContext({ dryRun: true });
    await run(day.context, { app: "shop" });
    expect(day.stderr()).toMatch(/Remove !?\s+WebService/);
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
    for (const client of [acm, ecr, ssm, route53]) expect(client.calls().filter((call) => /Delete|Change/.test((call.args[0] as { constructor: { name: string } }).constructor.name))).toEqual([]);
  });

  it("without a terminal and without --yes: refused naming --yes, nothing deleted", async () => {
    const error = (await run(dayContext().context, { app: "shop" }).catch((caught: unknown) => caught)) as UserError;
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(`${error.message} ${error.fix}`).toContain("--yes");
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
    expect(acm).not.toHaveReceivedCommand(DeleteCertificateCommand);
  });

  it("a racknet change set left pending on the app's stack by a run that died is deleted, not a blocker (the app's lock is held)", async () => {
    appOnRack({ pendingChangeSet: true });
    cfn.on(DeleteChangeSetCommand).resolves({});
    const day = dayContext({ yes: true });
    await run(day.context, { app: "shop" });
    expect(cfn).toHaveReceivedCommandWith(DeleteChangeSetCommand, { ChangeSetName: "cs-1" });
    expect(day.stderr()).toContain("deleted change set racknet-1740823200000 of stack prod-shop, left by a racknet run that stopped before it could");
    expect(cfn).toHaveReceivedCommand(DeleteStackCommand);
  });

  it("--dry-run (no lock taken) is refused while another racknet change set is pending on the app's stack", async () => {
    appOnRack({ pendingChangeSet: true });
    const error = (await run(dayContext({ dryRun: true }).context, { app: "shop" }).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain("pending racknet change set, racknet-1740823200000");
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
    expect(cfn).not.toHaveReceivedCommand(ListStackResourcesCommand);
  });

  it("refused while the stack is busy", async () => {
    appOnRack({ appStatus: "UPDATE_IN_PROGRESS" });
    const error = (await run(dayContext({ yes: true }).context, { app: "shop" }).catch((caught: unknown) => caught)) as UserError;
    expect(error.message).toContain("is busy: stack prod-shop is UPDATE_IN_PROGRESS");
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
  });

  it("an app that does not exist is a clear error; a bad name is refused before any AWS call", async () => {
    const error = (await run(dayContext({ yes: true }).context, { app: "ghost" }).catch((caught: unknown) => caught)) as UserError;
    expect(error.message).toBe('app "ghost" not found on rack prod');
    cfn.resetHistory();
    const bad = (await run(dayContext({ yes: true }).context, { app: "Shop_1" }).catch((caught: unknown) => caught)) as UserError;
    expect(bad.message).toContain("lowercase letters");
    expect(cfn.calls()).toEqual([]);
  });

  it("a repository or environment that is absent is fine", async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(new RepositoryNotFoundException({ message: "not found", $metadata: {} }));
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    const day = dayContext({ yes: true, json: true });
    await run(day.context, { app: "shop" });
    expect((JSON.parse(day.stdout()) as AppDeletion).repository).toBe("absent");
    expect(ecr).not.toHaveReceivedCommand(DeleteRepositoryCommand);
  });

  it("a repository of that name not tagged as the app's is never deleted: listed at the end (exit 3)", async () => {
    ecr.on(EcrTags).resolves({ tags: [] });
    const error = (await run(dayContext({ yes: true }).context, { app: "shop" }).catch((caught: unknown) => caught)) as AwsOperationFailed;
    expect(error).toBeInstanceOf(AwsOperationFailed);
    expect(error.message).toContain("ECR repository prod/shop (the ECR repository prod/shop exists and is not racknet's repository of app shop");
    expect(ecr).not.toHaveReceivedCommand(DeleteRepositoryCommand);
    // The other leftovers were still removed.
    expect(ssm).toHaveReceivedCommand(DeleteParametersCommand);
  });

  it("what could not be removed is listed at the end (exit 3), after trying every other leftover", async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(Object.assign(new Error("User is not authorized to perform ecr:DescribeRepositories"), { name: "AccessDeniedException" }));
    const error = (await run(dayContext({ yes: true }).context, { app: "shop" }).catch((caught: unknown) => caught)) as AwsOperationFailed;
    expect(error).toBeInstanceOf(AwsOperationFailed);
    expect(error.exitCode).toBe(ExitCode.awsFailed);
    expect(error.message).toContain("ECR repository prod/shop (User is not authorized");
    expect(ssm).toHaveReceivedCommand(DeleteParametersCommand);
    expect(acm).toHaveReceivedCommand(DeleteCertificateCommand);
  });
});

describe("racknet apps delete, stopped half way", () => {
  /** Parameter Store for the lock and the journal: what was put can be read back. */
  function recordsInSsm(): Map<string, string> {
    const records = new Map<string, string>();
    ssm.on(PutParameterCommand).callsFake((input: { Name: string; Value: string; Overwrite?: boolean }) => {
      if (records.has(input.Name) && !input.Overwrite) throw Object.assign(new Error("exists"), { name: "ParameterAlreadyExists" });
      records.set(input.Name, input.Value);
      return { Version: 1 };
    });
    ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => {
      const value = records.get(input.Name);
      if (value === undefined) throw Object.assign(new Error("Parameter not found"), { name: "ParameterNotFound" });
      return { Parameter: { Name: input.Name, Value: value } };
    });
    ssm.on(DeleteParametersCommand).callsFake((input: { Names: string[] }) => {
      for (const name of input.Names) records.delete(name);
      return { DeletedParameters: input.Names };
    });
    return records;
  }

  it("after the stack is gone and a leftover failed: says so, and running it again removes the rest instead of 'not found'", async () => {
    const records = recordsInSsm();
    ecr.on(DescribeRepositoriesCommand)
      .rejectsOnce(Object.assign(new Error("User is not authorized to perform ecr:DescribeRepositories"), { name: "AccessDeniedException" }))
      .resolves({ repositories: [{ repositoryName: "prod/shop", repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/prod/shop", repositoryUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod/shop" }] });
    const error = (await run(dayContext({ yes: true }).context, { app: "shop" }).catch((caught: unknown) => caught)) as AwsOperationFailed;
    expect(error.exitCode).toBe(ExitCode.awsFailed);
    expect(error.message).toMatch(/done: stack prod-shop/);
    expect(error.message).toMatch(/done: its own certificate/);
    expect(error.message).toMatch(/failed: ECR repository prod\/shop/);
    expect(error.message).toMatch(/done: its environment under/);
    expect(error.fix).toContain("racknet apps delete shop -r prod");
    expect(records.has("/racknet/prod/journal/apps/shop")).toBe(true);
    expect(records.has("/racknet/prod/locks/apps/shop")).toBe(false);

    const day = dayContext({ yes: true });
    await run(day.context, { app: "shop" });
    expect(day.stderr()).toContain("finishing racknet apps delete shop");
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(ecr).toHaveReceivedCommandWith(DeleteRepositoryCommand, { repositoryName: "prod/shop", force: true });
    expect(day.stderr()).toContain("app shop deleted from rack prod");
    expect([...records.keys()]).toEqual([]);
  });

  it("refused while another racknet holds the app (deploy, another delete), naming who", async () => {
    const records = recordsInSsm();
    const now = new Date().toISOString();
    records.set("/racknet/prod/locks/apps/shop", JSON.stringify({ v: 1, operation: "deploy", key: "shop", command: "racknet deploy -a shop", owner: { user: "ci", host: "runner-7", pid: 4242 }, token: "t", startedAt: now, heartbeatAt: now }));
    const error = (await run(dayContext({ yes: true }).context, { app: "shop" }).catch((caught: unknown) => caught)) as UserError;
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toMatch(/^app shop on rack prod is busy: racknet deploy shop is running \(started 0 min ago by ci on runner-7, pid 4242\); nothing was changed$/);
    expect(error.fix).toContain("aws ssm delete-parameter --name /racknet/prod/locks/apps/shop");
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
  });
});

describe("deleteAppCertificates", () => {
  it("retries while ACM says the certificate is in use (a deleted listener lets go late), then deletes it", async () => {
    acm.on(DeleteCertificateCommand).rejectsOnce(new ResourceInUseException({ message: "in use", $metadata: {} })).resolves({});
    const waits: number[] = [];
    const removal = await deleteAppCertificates(new ACMClient({ region: "us-east-1" }), { rack: "prod", app: "shop" }, { sleep: async (ms) => void waits.push(ms) });
    expect(removal).toEqual({ deleted: [shopCert], inUse: [] });
    expect(waits).toEqual([2000]);
  });

  it("still in use after every retry: reported, not thrown", async () => {
    acm.on(DeleteCertificateCommand).rejects(new ResourceInUseException({ message: "in use", $metadata: {} }));
    const removal = await deleteAppCertificates(new ACMClient({ region: "us-east-1" }), { rack: "prod", app: "shop" }, { delaysMs: [1, 1], sleep: async () => undefined });
    expect(removal).toEqual({ deleted: [], inUse: [shopCert] });
    expect(acm.commandCalls(DeleteCertificateCommand)).toHaveLength(3);
  });
});
