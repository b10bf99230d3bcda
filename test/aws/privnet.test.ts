import { mockClient } from "aws-sdk-client-mock";
import { DescribeTasksCommand, ECSClient, ListTasksCommand, type Task } from "@aws-sdk/client-ecs";
import {
  ChangeResourceRecordSetsCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  Route53Client,
  type ChangeResourceRecordSetsCommandInput,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { CloudFormationClient, DescribeStacksCommand, type DescribeStacksCommandOutput } from "@aws-sdk/client-cloudformation";
import { PassThrough } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import { AwsClients } from "../../src/aws/clients.js";
import { privateNetworkNames, reconcilePrivateNetwork } from "../../src/rack-steps/private-network.js";
import type { AppInfo } from "../../src/aws/stacks.js";
import type { RackInfo } from "../../src/shared-steps/resolve.js";
import { defaultParams } from "../../src/rack/params.js";
import type { CommandContext } from "../../src/runtime/context.js";
import { UsageError } from "../../src/errors/index.js";
import { run as privateNetworksDomainNamesWorkflow } from "../../src/operations/private-networks-domain-names.js";
import { Printer } from "../../src/ui/printer.js";
import { printing } from "../support/printing.js";
import { testPorts } from "../support/ports.js";
const privateNetworksDomainNames = printing(privateNetworksDomainNamesWorkflow);

const ecs = mockClient(ECSClient);
const route53 = mockClient(Route53Client);
const cfn = mockClient(CloudFormationClient);

const rackUuid = "1b2c3d4e-0000-4000-8000-00000000abcd";
const zoneName = `pn-${rackUuid}.private-network.internal`;
const shopUuid = "9f8e7d6c-1111-4111-8111-0000000000ef";
const blogUuid = "0a0b0c0d-2222-4222-8222-000000000123";
const cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/prod-Cluster";

const rack: RackInfo = {
  name: "prod",
  id: `arn:aws:cloudformation:us-east-1:123456789012:stack/prod/${rackUuid}`,
  status: "CREATE_COMPLETE",
  parameters: {},
  outputs: {},
  tags: {},
  rack: "prod",
  rackOutputs: { Cluster: cluster, PrivateNetworkZoneId: "Z0PN", PrivateNetworkZoneName: zoneName },
  params: defaultParams(),
};
const app = (name: string, uuid: string): AppInfo => ({
  name: `prod-${name}`,
  id: `arn:aws:cloudformation:us-east-1:123456789012:stack/prod-${name}/${uuid}`,
  status: "UPDATE_COMPLETE",
  parameters: {},
  outputs: {},
  tags: {},
  rack: "prod",
  app: name,
});
const shop = app("shop", shopUuid);

let zone: ResourceRecordSet[];
let tasks: Task[];
let stderr: string;
let stdout: string;

function ecsTask(uuid: string, service: string, id: string, ip: string): Task {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod-Cluster/${id}`,
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    startedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, Number(id.replace(/\D/g, "")) || 0)),
    tags: [
      { key: "racknet:app-id", value: `ap-${uuid}` },
      { key: "racknet:service", value: service },
    ],
    attachments: [{ type: "ElasticNetworkInterface", status: "ATTACHED", details: [{ name: "privateIPv4Address", value: ip }] }],
  };
}

function testContext(json = false): CommandContext {
  const err = new PassThrough();
  err.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const out = new PassThrough();
  out.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const printer = new Printer({ json, color: false, debug: false, stdout: out, stderr: err });
  const options = { json, color: false, debug: false, yes: false, dryRun: false, region: "us-east-1", rack: "prod", app: "shop" };
  return { options, printer, aws: new AwsClients({ region: "us-east-1" }), ...testPorts(options), awsCalls: () => 0 };
}

/** Route 53 as it behaves: pages of 300, DELETE must match, CREATE must not exist. */
function applyToZone(input: ChangeResourceRecordSetsCommandInput) {
  for (const change of input.ChangeBatch?.Changes ?? []) {
    const set = change.ResourceRecordSet!;
    const at = zone.findIndex((one) => one.Name === set.Name && one.Type === set.Type);
    if (change.Action === "DELETE") {
      if (at < 0 || JSON.stringify(zone[at]) !== JSON.stringify(set)) throw new InvalidChangeBatch({ message: "not found", $metadata: {} });
      zone.splice(at, 1);
    } else if (change.Action === "CREATE") {
      if (at >= 0) throw new InvalidChangeBatch({ message: "exists", $metadata: {} });
      zone.push(set);
    }
  }
  return { ChangeInfo: { Id: "/change/1", Status: "PENDING", SubmittedAt: new Date() } };
}

beforeEach(() => {
  ecs.reset();
  route53.reset();
  ecs.onAnyCommand().rejects(new Error("unexpected ECS call"));
  route53.onAnyCommand().rejects(new Error("unexpected Route 53 call"));
  stderr = "";
  stdout = "";
  tasks = [];
  zone = [{ Name: `${zoneName}.`, Type: "SOA", TTL: 900, ResourceRecords: [{ Value: "ns.example. admin. 1 7200 900 1209600 86400" }] }];
  ecs.on(ListTasksCommand).callsFake((input: { nextToken?: string }) => {
    const start = Number(input.nextToken ?? 0);
    const arns = tasks.map((task) => task.taskArn!).slice(start, start + 100);
    return { taskArns: arns, nextToken: start + 100 < tasks.length ? String(start + 100) : undefined };
  });
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[]; include?: string[] }) => {
    expect(input.tasks.length).toBeLessThanOrEqual(100);
    expect(input.include).toEqual(["TAGS"]);
    return { tasks: tasks.filter((task) => input.tasks.includes(task.taskArn!)), failures: [] };
  });
  route53.on(ListResourceRecordSetsCommand).callsFake((input: { StartRecordName?: string; StartRecordType?: string }) => {
    const sorted = [...zone].sort((a, b) => `${a.Name} ${a.Type}`.localeCompare(`${b.Name} ${b.Type}`));
    const start = input.StartRecordName ? sorted.findIndex((one) => one.Name === input.StartRecordName && one.Type === input.StartRecordType) : 0;
    const page = sorted.slice(start, start + 300);
    const next = sorted[start + 300];
    return { ResourceRecordSets: page, IsTruncated: Boolean(next), NextRecordName: next?.Name, NextRecordType: next?.Type, MaxItems: 300 };
  });
  route53.on(ChangeResourceRecordSetsCommand).callsFake(applyToZone);
});

const names = () => zone.filter((set) => set.Type === "A").map((set) => `${set.Name} ${set.ResourceRecords?.map((r) => r.Value).join(",")}`);

describe("reconcilePrivateNetwork (the CLI side, after a deploy)", () => {
  it("writes the app's names from the cluster's running tasks, then finds nothing to do", async () => {
    tasks = [ecsTask(shopUuid, "web", "t1", "10.0.1.1"), ecsTask(shopUuid, "backend", "t2", "10.0.2.1"), ecsTask(shopUuid, "backend", "t3", "10.0.2.2")];
    const result = await reconcilePrivateNetwork(testContext(), rack, [shop]);
    expect(result?.applied).toBe(9); // app alias, web, 1.web (A+TXT), backend, 1. and 2.backend (A+TXT)
    expect(names()).toEqual(
      expect.arrayContaining([
        `ap-${shopUuid}.${zoneName}. 10.0.1.1`,
        `backend.ap-${shopUuid}.${zoneName}. 10.0.2.1,10.0.2.2`,
        `2.backend.ap-${shopUuid}.${zoneName}. 10.0.2.2`,
      ]),
    );
    const again = await reconcilePrivateNetwork(testContext(), rack, [shop]);
    expect(again?.applied).toBe(0);
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1);
  });

  it("AWS calls do not grow with the number of services: 250 tasks in 2 or in 50 services cost the same", async () => {
    const counts = [];
    for (const services of [2, 50]) {
      ecs.resetHistory();
      route53.resetHistory();
      zone = zone.filter((set) => set.Type === "SOA");
      tasks = Array.from({ length: 250 }, (_, i) => ecsTask(shopUuid, `svc${i % services}`, `t${i}`, `10.0.${Math.floor(i / 200)}.${i % 200}`));
      await reconcilePrivateNetwork(testContext(), rack, [shop]);
      counts.push([ecs.commandCalls(ListTasksCommand).length, ecs.commandCalls(DescribeTasksCommand).length]);
    }
    expect(counts).toEqual([
      [3, 3],
      [3, 3],
    ]);
    // 250 A + 250 TXT + the service names: more than one page of records, read in pages of 300.
    await reconcilePrivateNetwork(testContext(), rack, [shop]);
    expect(route53.commandCalls(ListResourceRecordSetsCommand).at(-1)?.args[0].input.StartRecordName).toBeDefined();
  });

  it("leaves other apps' names alone", async () => {
    // blog's names are out of date (its task moved to 10.9.9.8): only blog's own reconcile or
    // the in-rack function may touch them, never a deploy of shop.
    const other = { Name: `backend.ap-${blogUuid}.${zoneName}.`, Type: "A" as const, TTL: 5, ResourceRecords: [{ Value: "10.9.9.9" }] };
    zone.push(other);
    tasks = [ecsTask(shopUuid, "backend", "t1", "10.0.2.1"), ecsTask(blogUuid, "backend", "t2", "10.9.9.8")];
    const result = await reconcilePrivateNetwork(testContext(), rack, [shop]);

    expect(result?.applied).toBeGreaterThan(0);
    expect(names()).toContain(`backend.ap-${shopUuid}.${zoneName}. 10.0.2.1`);
    expect(zone.filter((set) => set.Name?.includes(`ap-${blogUuid}`))).toEqual([other]);
    const sent = route53.commandCalls(ChangeResourceRecordSetsCommand).flatMap((call) => call.args[0].input.ChangeBatch?.Changes ?? []);
    expect(sent.filter((change) => change.ResourceRecordSet?.Name?.includes(`ap-${blogUuid}`))).toEqual([]);
    expect(stderr).not.toContain("warning");
  });

  it("reads and plans again when the in-rack function changed the zone meanwhile", async () => {
    tasks = [ecsTask(shopUuid, "backend", "t1", "10.0.2.1")];
    let first = true;
    route53.on(ChangeResourceRecordSetsCommand).callsFake((input: ChangeResourceRecordSetsCommandInput) => {
      if (first) {
        first = false;
        applyToZone({ HostedZoneId: "Z0PN", ChangeBatch: { Changes: input.ChangeBatch!.Changes!.filter((change) => change.ResourceRecordSet?.Type === "A") } });
        throw new InvalidChangeBatch({ message: "Tried to create resource record set but it already exists", $metadata: {} });
      }
      return applyToZone(input);
    });
    const result = await reconcilePrivateNetwork(testContext(), rack, [shop]);
    expect(result?.attempts).toBe(2);
    expect(zone.filter((set) => set.Type === "TXT")).toHaveLength(1);
  });

  it("a rack without the private network outputs: a warning, no AWS call", async () => {
    const old = { ...rack, rackOutputs: { Cluster: cluster } };
    expect(await reconcilePrivateNetwork(testContext(), old, [shop])).toBeUndefined();
    expect(stderr).toContain("no private network");
    expect(ecs.calls()).toHaveLength(0);
  });
});

describe("privateNetworkNames (the command's read)", () => {
  it("computes the names with their stable numbers and writes nothing", async () => {
    tasks = [ecsTask(shopUuid, "backend", "t1", "10.0.2.1"), ecsTask(shopUuid, "backend", "t2", "10.0.2.2")];
    zone.push({ Name: `1.backend.ap-${shopUuid}.${zoneName}.`, Type: "TXT", TTL: 5, ResourceRecords: [{ Value: '"task=t2"' }] });
    const plan = await privateNetworkNames(testContext(), rack, shop);
    expect(plan.names.map((name) => `${name.service} ${name.domainName}`)).toEqual([
      `backend backend.ap-${shopUuid}.${zoneName}.`,
      `backend 1.backend.ap-${shopUuid}.${zoneName}.`,
      `backend 2.backend.ap-${shopUuid}.${zoneName}.`,
    ]);
    expect(plan.changes.find((change) => change.record.name.startsWith("1.") && change.record.type === "A")?.record.values).toEqual(["10.0.2.2"]);
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });
});

describe("racknet private-networks-domain-names", () => {
  beforeEach(() => {
    cfn.reset();
    cfn.onAnyCommand().rejects(new Error("unexpected CloudFormation call"));
    const stack = (name: string, id: string, kind: string, outputs: Record<string, string>): Partial<DescribeStacksCommandOutput> => ({
      Stacks: [
        {
          StackName: name,
          StackId: id,
          StackStatus: "UPDATE_COMPLETE",
          CreationTime: new Date(),
          Tags: [
            { Key: "racknet:kind", Value: kind },
            { Key: "racknet:rack", Value: "prod" },
            ...(kind === "app" ? [{ Key: "racknet:app", Value: name.slice("prod-".length) }] : []),
          ],
          Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    cfn.on(DescribeStacksCommand, { StackName: "prod" }).resolves(stack("prod", rack.id, "rack", rack.rackOutputs as Record<string, string>));
    cfn.on(DescribeStacksCommand, { StackName: "prod-shop" }).resolves(stack("prod-shop", shop.id, "app", {}));
    tasks = [ecsTask(shopUuid, "web", "t1", "10.0.1.1"), ecsTask(shopUuid, "backend", "t2", "10.0.2.1"), ecsTask(shopUuid, "backend", "t3", "10.0.2.2")];
  });

  it("lists the web alias, each service and each container, as Scalingo does", async () => {
    await privateNetworksDomainNames(testContext(), { page: "1", perPage: "20" });
    expect(stdout.split("\n")).toEqual([
      "CONTAINER TYPE  DOMAIN NAME",
      `web             ap-${shopUuid}.${zoneName}.`,
      `backend         backend.ap-${shopUuid}.${zoneName}.`,
      `backend         1.backend.ap-${shopUuid}.${zoneName}.`,
      `backend         2.backend.ap-${shopUuid}.${zoneName}.`,
      `web             web.ap-${shopUuid}.${zoneName}.`,
      `web             1.web.ap-${shopUuid}.${zoneName}.`,
      "Page 1/1",
      "Total number of domains 6",
      "",
    ]);
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    expect(stderr).toContain("pending");
  });

  it("--json: the page's names and the paging facts, nothing else on stdout", async () => {
    await privateNetworksDomainNames(testContext(true), { page: "2", perPage: "4" });
    expect(JSON.parse(stdout)).toEqual({
      data: [
        { type: "web", domain_name: `web.ap-${shopUuid}.${zoneName}.` },
        { type: "web", domain_name: `1.web.ap-${shopUuid}.${zoneName}.` },
      ],
      meta: { current_page: 2, per_page: 4, total_pages: 2, total_count: 6 },
    });
  });

  it.each([
    [{ page: "0", perPage: "20" }, "--page must be a positive whole number"],
    [{ page: "1", perPage: "-5" }, "--per-page must be a positive whole number"],
    [{ page: "two", perPage: "20" }, "--page must be a positive whole number"],
  ])("refuses bad paging %o before any AWS call (exit 2)", async (options, message) => {
    const failure = privateNetworksDomainNames(testContext(), options);
    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.toBeInstanceOf(UsageError);
    expect(cfn.calls()).toHaveLength(0);
  });

  it("a page past the last is a usage error that names the last page", async () => {
    await expect(privateNetworksDomainNames(testContext(), { page: "3", perPage: "4" })).rejects.toThrow("past the last page (2");
  });

  it("an app that is not on the rack: resolveApp's error", async () => {
    cfn.on(DescribeStacksCommand, { StackName: "prod-shop" }).rejects(Object.assign(new Error("Stack with id prod-shop does not exist"), { name: "ValidationError" }));
    await expect(privateNetworksDomainNames(testContext(), { page: "1", perPage: "20" })).rejects.toThrow('app "shop" not found on rack prod');
  });
});
