import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The benchmark's AWS-timing proxy (scripts/bench/awslike-proxy.mjs) in front of a fake
 * CloudFormation that, like moto, finishes everything at once: the proxy must show the
 * change set and the stack in progress for their set times, then pass the answers through.
 */
interface LogEntry {
  event?: string;
  action?: string;
  stack?: string | null;
  start: number;
  end?: number;
  release?: number;
}
interface Proxy {
  endpoint: string;
  entries(): LogEntry[];
  stop(): Promise<void>;
}
interface ProxyModule {
  startAwsLikeProxy(options: { upstream: string; latencyMs: number; holdMs: () => number; changeSetMs: () => number }): Promise<Proxy>;
}

const LATENCY_MS = 30;
// The proxy's windows, scaled in beforeAll to how long a local call takes here and now: each
// check must land in its window, and a loaded machine is slow to make the next call.
let CHANGE_SET_MS = 1_000;
let HOLD_MS = 1_500;
const STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/bench/6d1f";
const CHANGE_SET_ARN = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/racknet-1/9a";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** moto's answers once everything is done; the events carry the time they were asked for, as moto writes them at execute. */
function fakeCloudFormation(action: string): string {
  const now = new Date().toISOString();
  const event = (id: string, type: string, status: string) =>
    `<member><StackId>${STACK_ID}</StackId><EventId>${id}-${status}</EventId><StackName>bench</StackName><LogicalResourceId>${id}</LogicalResourceId>` +
    `<ResourceType>${type}</ResourceType><Timestamp>${now}</Timestamp><ResourceStatus>${status}</ResourceStatus></member>`;
  const answers: Record<string, string> = {
    CreateChangeSet: `<Id>${CHANGE_SET_ARN}</Id><StackId>${STACK_ID}</StackId>`,
    DescribeChangeSet:
      `<ChangeSetId>${CHANGE_SET_ARN}</ChangeSetId><StackName>bench</StackName><Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus>` +
      "<Changes><member><Type>Resource</Type><ResourceChange><Action>Add</Action><LogicalResourceId>Vpc</LogicalResourceId><ResourceType>AWS::EC2::VPC</ResourceType></ResourceChange></member></Changes>",
    ExecuteChangeSet: "",
    DescribeStacks:
      `<Stacks><member><StackId>${STACK_ID}</StackId><StackName>bench</StackName><StackStatus>CREATE_COMPLETE</StackStatus>` +
      "<Outputs><member><OutputKey>Vpc</OutputKey><OutputValue>vpc-1</OutputValue></member></Outputs></member></Stacks>",
    DescribeStackEvents: `<StackEvents>${event("bench", "AWS::CloudFormation::Stack", "CREATE_COMPLETE")}${event("Vpc", "AWS::EC2::VPC", "CREATE_COMPLETE")}${event("bench", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS")}</StackEvents>`,
  };
  return `<${action}Response><${action}Result>${answers[action] ?? ""}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`;
}

let upstream: Server;
let proxy: Proxy;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      response.writeHead(200, { "content-type": "text/xml" });
      response.end(fakeCloudFormation(new URLSearchParams(body).get("Action") ?? ""));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const port = (upstream.address() as AddressInfo).port;
  const started = performance.now();
  for (let round = 0; round < 3; round += 1) await (await fetch(`http://127.0.0.1:${port}`, { method: "POST", body: "Action=DescribeStacks" })).text();
  const callMs = (performance.now() - started) / 3 + LATENCY_MS;
  // A change set is CREATE_PENDING for the first third of its window: ten calls' time at least.
  CHANGE_SET_MS = Math.max(1_000, Math.ceil(30 * callMs));
  HOLD_MS = Math.ceil(1.5 * CHANGE_SET_MS);
  const module = (await import(new URL("../../scripts/bench/awslike-proxy.mjs", import.meta.url).href)) as ProxyModule;
  proxy = await module.startAwsLikeProxy({ upstream: `http://127.0.0.1:${port}`, latencyMs: LATENCY_MS, holdMs: () => HOLD_MS, changeSetMs: () => CHANGE_SET_MS });
});

afterAll(async () => {
  await proxy.stop();
  await new Promise((resolve) => upstream.close(resolve));
});

async function call(action: string, params: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(proxy.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cloudformation/aws4_request, SignedHeaders=host, Signature=x",
    },
    body: new URLSearchParams({ Action: action, Version: "2010-05-15", ...params }).toString(),
  });
  return { status: response.status, body: await response.text() };
}

describe("AWS-timing proxy", () => {
  it("holds the change set, then the stack operation, and lets moto's answers through after", async () => {
    await call("CreateChangeSet", { StackName: "bench", ChangeSetName: "racknet-1" });

    const pending = await call("DescribeChangeSet", { ChangeSetName: CHANGE_SET_ARN });
    expect(pending.body).toContain("<Status>CREATE_PENDING</Status>");
    expect(pending.body).toContain("<ExecutionStatus>UNAVAILABLE</ExecutionStatus>");
    expect(pending.body).not.toContain("<ResourceChange>");
    const refused = await call("ExecuteChangeSet", { ChangeSetName: CHANGE_SET_ARN });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("InvalidChangeSetStatus");

    await sleep(CHANGE_SET_MS);
    const ready = await call("DescribeChangeSet", { ChangeSetName: CHANGE_SET_ARN });
    expect(ready.body).toContain("<Status>CREATE_COMPLETE</Status>");
    expect(ready.body).toContain("<LogicalResourceId>Vpc</LogicalResourceId>");

    expect((await call("ExecuteChangeSet", { ChangeSetName: CHANGE_SET_ARN })).status).toBe(200);
    const running = await call("DescribeStacks", { StackName: "bench" });
    expect(running.body).toContain("<StackStatus>CREATE_IN_PROGRESS</StackStatus>");
    expect(running.body).not.toContain("<Outputs>");
    const early = await call("DescribeStackEvents", { StackName: "bench" });
    expect(early.body).toContain("CREATE_IN_PROGRESS");
    expect(early.body).not.toContain("<LogicalResourceId>Vpc</LogicalResourceId>");
    expect(early.body).not.toMatch(/<LogicalResourceId>bench<\/LogicalResourceId><ResourceType>AWS::CloudFormation::Stack<\/ResourceType><Timestamp>[^<]+<\/Timestamp><ResourceStatus>CREATE_COMPLETE/);

    await sleep(HOLD_MS);
    const done = await call("DescribeStacks", { StackName: "bench" });
    expect(done.body).toContain("<StackStatus>CREATE_COMPLETE</StackStatus>");
    expect(done.body).toContain("<OutputValue>vpc-1</OutputValue>");
    expect((await call("DescribeStackEvents", { StackName: "bench" })).body).toContain("<LogicalResourceId>Vpc</LogicalResourceId>");
  });

  it("logs every call with its stack and how long it took, and each stack operation with its release", () => {
    const calls = proxy.entries().filter((entry) => !entry.event);
    expect(calls.map((entry) => entry.action)).toContain("ExecuteChangeSet");
    expect(calls.every((entry) => entry.stack === "bench")).toBe(true);
    expect(calls.every((entry) => (entry.end ?? 0) - entry.start >= LATENCY_MS - 1)).toBe(true);
    const operations = proxy.entries().filter((entry) => entry.event === "execute");
    expect(operations).toHaveLength(1);
    expect((operations[0]?.release ?? 0) - (operations[0]?.start ?? 0)).toBe(HOLD_MS);
  });
});

interface Measures {
  beforeCloudFormation: number;
  fromLaunch: number;
  changeSetNoticed: number;
  completionLag: number;
  calls: number;
  callsBeforeExecute: number;
  roundTripsBeforeCreateChangeSet: number;
  callsDuringOperation: number;
  statusReadGap: number;
  callsAfterFinalStatusSeen: number;
}
interface MeasureModule {
  measureRun(entries: LogEntry[], processes: { launch: number; exit: number }[]): Measures;
}

describe("the benchmark's measures of one run", () => {
  it("reads time before CloudFormation, completion lag, round trips and polls from the call log", async () => {
    const { measureRun } = (await import(new URL("../../scripts/bench/measure.mjs", import.meta.url).href)) as MeasureModule;
    const at = (action: string, start: number, end = start + 100): LogEntry => ({ action, stack: "s", start, end });
    const entries: LogEntry[] = [
      at("DescribeStacks", 1_200),
      at("DescribeAvailabilityZones", 1_210),
      at("GetParameters", 1_300),
      at("CreateChangeSet", 1_400),
      { event: "changeset", stack: "s", start: 1_400, ready: 3_400 } as LogEntry,
      at("DescribeChangeSet", 1_500),
      at("DescribeChangeSet", 3_600),
      at("ExecuteChangeSet", 3_800),
      { event: "execute", stack: "s", start: 3_800, release: 23_800 },
      at("DescribeStacks", 8_000),
      at("DescribeStacks", 13_000),
      at("DescribeStacks", 18_000),
      at("DescribeStacks", 24_000),
      at("DescribeStackEvents", 24_100),
    ];
    const measures = measureRun(entries, [{ launch: 1_000, exit: 24_500 }]);
    expect(measures).toMatchObject({
      beforeCloudFormation: 2_600,
      fromLaunch: 2_800,
      changeSetNoticed: 400,
      completionLag: 700,
      calls: 12,
      callsBeforeExecute: 6,
      roundTripsBeforeCreateChangeSet: 2,
      callsDuringOperation: 3,
      statusReadGap: 5_000,
      callsAfterFinalStatusSeen: 1,
    });
  });
});
