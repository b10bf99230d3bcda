import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateChangeSetCommand, CreateStackCommand, DescribeStackEventsCommand, ExecuteChangeSetCommand, ListChangeSetsCommand, ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { GetParametersCommand } from "@aws-sdk/client-ssm";
import { CreateRuleCommand, DeleteRuleCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListServicesCommand } from "@aws-sdk/client-ecs";
import { startMoto, awsEnv, awsClients, describeTestStack, createLogGroup } from "../support/moto.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { runCli, hasStackTrace } from "../support/cli.js";
import { startSlot } from "../../src/app-records/priorities.js";

/**
 * SPEC section 4 when AWS says no, end to end: a stack update that fails (exit 3, the root
 * cause first, the state, the recovery; the previous version still runs) and a rack or app
 * left in ROLLBACK_COMPLETE, which the next command explains instead of failing on. The
 * failures are real conflicts made from outside racknet (a listener rule that takes the
 * priority racknet chose, a log group that already has the rack's name); the patched moto
 * rolls back as CloudFormation does (scripts/moto/patches/cloudformation_rollback.py, restore_rollback_on_resource_failure).
 */
let moto: Awaited<ReturnType<typeof startMoto>>;
let proxy: FaultProxy;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const RACK = "fr";
const dir = mkdtempSync(join(tmpdir(), "racknet-hardening-"));

/** The next call of `operation` waits at the proxy until `meanwhile` has run. */
let before: { operation: string; meanwhile: () => Promise<void> } | undefined;

const cli = (...args: string[]) => runCli(args, { env });

function manifest(name: string, text: string): string {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, text);
  return file;
}

const V1 = manifest("v1", "services:\n  web:\n    image: nginx:1.27\n    port: 80\n");
const V2 = manifest("v2", "services:\n  web:\n    image: nginx:1.28\n    port: 80\n  admin:\n    image: example/admin:2\n    port: 8080\n");

function stackOf(name: string) {
  return describeTestStack(aws.cloudFormation, name);
}

async function pendingChangeSets(name: string): Promise<string[]> {
  const result = await aws.cloudFormation.send(new ListChangeSetsCommand({ StackName: name }));
  return (result.Summaries ?? []).filter((s) => s.StackName === name && s.ExecutionStatus !== "EXECUTE_COMPLETE").map((s) => s.ChangeSetName ?? "");
}

/** The images of the app's ACTIVE ECS services, by container name. */
async function runningImages(): Promise<Record<string, string>> {
  const cluster = (await stackOf(RACK)).outputs.Cluster ?? "";
  const arns = (await aws.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
  const services = arns.length ? ((await aws.ecs.send(new DescribeServicesCommand({ cluster, services: arns }))).services ?? []) : [];
  const images: Record<string, string> = {};
  for (const service of services.filter((s) => s.status === "ACTIVE")) {
    const definition = (await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }))).taskDefinition;
    for (const container of definition?.containerDefinitions ?? []) images[container.name ?? ""] = container.image ?? "";
  }
  return images;
}

/** Someone else's rule on the rack's external listener, at the priority racknet picks for app/service. */
async function takePriority(app: string, service: string): Promise<string> {
  const listener = (await stackOf(RACK)).outputs.ExternalListener ?? "";
  const rule = await aws.elbv2.send(new CreateRuleCommand({
    ListenerArn: listener,
    Priority: startSlot(app, service, "external"),
    Conditions: [{ Field: "host-header", HostHeaderConfig: { Values: ["someone-else.example.com"] } }],
    Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404" } }],
  }));
  return rule.Rules?.[0]?.RuleArn ?? "";
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy({
    target: moto.endpoint,
    rate: 0,
    hold: (operation) => {
      if (!before || before.operation !== operation) return undefined;
      const { meanwhile } = before;
      before = undefined;
      return meanwhile();
    },
  });
  env = awsEnv(proxy.endpoint);
  aws = awsClients(moto.endpoint);
  for (const args of [["rack", "install", RACK, "--yes"], ["deploy", "-a", "shop", "-f", V1, "-r", RACK, "--yes"]]) {
    const result = await cli(...args);
    if (result.code !== 0) throw new Error(`setup ${args.join(" ")} failed: ${result.stderr}`);
  }
});

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

describe("a stack update that fails", () => {
  let intruder = "";

  it("exits 3 with the root cause first, the stack's final state and what to run next", async () => {
    expect(await runningImages()).toEqual({ web: "nginx:1.27" });
    // After racknet chose the admin rule's priority, and before the change set runs, someone takes it.
    before = { operation: "ExecuteChangeSet", meanwhile: async () => void (intruder = await takePriority("shop", "admin")) };
    const result = await cli("deploy", "-a", "shop", "-f", V2, "-r", RACK, "--yes");
    expect(intruder).not.toBe("");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(3);
    const rootCause = result.stderr.indexOf("root cause: AdminExternalListenerRule (AWS::ElasticLoadBalancingV2::ListenerRule) CREATE_FAILED: The specified priority is in use.");
    const state = result.stderr.indexOf(`stack ${RACK}-shop: the update was rolled back (UPDATE_ROLLBACK_COMPLETE): the previous version is running`);
    const error = result.stderr.indexOf("failed (UPDATE_ROLLBACK_COMPLETE): AdminExternalListenerRule: The specified priority is in use.");
    expect(rootCause, result.stderr).toBeGreaterThan(-1);
    expect(state).toBeGreaterThan(rootCause);
    expect(error).toBeGreaterThan(state);
    expect(result.stderr).toContain("fix the cause and run the command again");
  });

  it("leaves the previous version running: UPDATE_ROLLBACK_COMPLETE, web on nginx:1.27, no admin, no change set", async () => {
    expect((await stackOf(`${RACK}-shop`)).status).toBe("UPDATE_ROLLBACK_COMPLETE");
    expect(await runningImages()).toEqual({ web: "nginx:1.27" });
    expect(await pendingChangeSets(`${RACK}-shop`)).toEqual([]);
  });

  it("once the cause is gone, running the command again recovers", async () => {
    await aws.elbv2.send(new DeleteRuleCommand({ RuleArn: intruder }));
    const result = await cli("deploy", "-a", "shop", "-f", V2, "-r", RACK, "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect((await stackOf(`${RACK}-shop`)).status).toBe("UPDATE_COMPLETE");
    expect(await runningImages()).toEqual({ web: "nginx:1.28", admin: "example/admin:2" });
  });
});

describe("an app whose creation rolled back (ROLLBACK_COMPLETE)", () => {
  it("the failed deploy exits 3: the stack was not created, delete it", async () => {
    before = { operation: "ExecuteChangeSet", meanwhile: async () => void (await takePriority("blog", "web")) };
    const result = await cli("deploy", "-a", "blog", "-f", V1, "-r", RACK, "--yes");
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain("root cause: WebExternalListenerRule (AWS::ElasticLoadBalancingV2::ListenerRule) CREATE_FAILED: The specified priority is in use.");
    expect(result.stderr).toContain(`delete it with \`racknet apps delete blog -r ${RACK}\``);
    expect(result.stderr).not.toContain("aws cloudformation delete-stack");
    expect((await stackOf(`${RACK}-blog`)).status).toBe("ROLLBACK_COMPLETE");
  });

  it("the next deploy explains the state and the way out (exit 1), not a raw AWS error", async () => {
    const result = await cli("deploy", "-a", "blog", "-f", V1, "-r", RACK, "--yes");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain("the stack's creation failed and was rolled back (ROLLBACK_COMPLETE); CloudFormation cannot update it; nothing was changed");
    expect(result.stderr).toContain(`delete it with \`racknet apps delete blog -r ${RACK}\``);
    expect(await pendingChangeSets(`${RACK}-blog`)).toEqual([]);
  });

  it("the way out it names works: apps delete removes the rolled-back app, and the app deploys again", async () => {
    const deleted = await cli("apps", "delete", "blog", "-r", RACK, "--yes");
    expect(deleted.code, deleted.stderr).toBe(0);
    const again = await cli("deploy", "-a", "blog", "-f", V1, "-r", RACK, "--yes");
    expect(again.code, again.stderr).toBe(0);
    expect((await stackOf(`${RACK}-blog`)).status).toBe("CREATE_COMPLETE");
  });
});

describe("a rack whose creation rolled back (ROLLBACK_COMPLETE)", () => {
  it("install fails (exit 3) on a log group that already has the rack's name, root cause first", async () => {
    await createLogGroup(moto.endpoint, "/racknet/broken");
    const result = await cli("rack", "install", "broken", "--yes");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/root cause: LogGroup \(AWS::Logs::LogGroup\) CREATE_FAILED: The specified log group already exists/);
    expect((await stackOf("broken")).status).toBe("ROLLBACK_COMPLETE");
  });

  it("params set explains the state and offers the way out (exit 1)", async () => {
    const result = await cli("rack", "params", "set", "Internal=Yes", "-r", "broken", "--yes");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain("rolled back (ROLLBACK_COMPLETE)");
    expect(result.stderr).toContain("delete it with `racknet rack uninstall broken`");
  });

  it("rack shows the state", async () => {
    const result = await cli("rack", "-r", "broken");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.stdout + result.stderr).toContain("ROLLBACK_COMPLETE");
  });

  it("installing it again says to uninstall it first (exit 1)", async () => {
    const result = await cli("rack", "install", "broken", "--yes");
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain("racknet rack uninstall broken");
  });

  it("uninstall removes it", async () => {
    const result = await cli("rack", "uninstall", "broken", "--yes");
    expect(result.code, result.stderr).toBe(0);
    const stacks = (await aws.cloudFormation.send(new ListStacksCommand({}))).StackSummaries ?? [];
    expect(stacks.filter((s) => s.StackName === "broken" && s.StackStatus !== "DELETE_COMPLETE")).toEqual([]);
  });
});

describe("the moto launcher fails and rolls back like CloudFormation (restore_rollback_on_resource_failure)", () => {
  const parameter = (name: string, value: string) => ({ Type: "AWS::SSM::Parameter", Properties: { Name: name, Type: "String", Value: value } });
  const before = JSON.stringify({ Resources: { Kept: parameter("/rb/kept", "v1"), Dropped: parameter("/rb/dropped", "d") } });
  const after = JSON.stringify({ Resources: { Kept: parameter("/rb/kept", "v2"), Taken: { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: "/rb/taken" } } } });

  async function events(name: string): Promise<string[]> {
    const result = await aws.cloudFormation.send(new DescribeStackEventsCommand({ StackName: name }));
    return (result.StackEvents ?? []).reverse().map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}${e.ResourceStatusReason ? ` ${e.ResourceStatusReason}` : ""}`);
  }

  async function values(): Promise<Record<string, string>> {
    const result = await aws.ssm.send(new GetParametersCommand({ Names: ["/rb/kept", "/rb/dropped"] }));
    return Object.fromEntries((result.Parameters ?? []).map((p) => [p.Name ?? "", p.Value ?? ""]));
  }

  it("an executed change set whose resource fails: the call succeeds, *_FAILED event with the reason, everything put back", async () => {
    await createLogGroup(moto.endpoint, "/rb/taken");
    await aws.cloudFormation.send(new CreateStackCommand({ StackName: "rb", TemplateBody: before }));
    await aws.cloudFormation.send(new CreateChangeSetCommand({ StackName: "rb", ChangeSetName: "next", ChangeSetType: "UPDATE", TemplateBody: after }));
    await aws.cloudFormation.send(new ExecuteChangeSetCommand({ StackName: "rb", ChangeSetName: "next" }));
    expect((await stackOf("rb")).status).toBe("UPDATE_ROLLBACK_COMPLETE");
    expect(await events("rb")).toEqual(expect.arrayContaining([
      "Taken CREATE_FAILED The specified log group already exists (Service error code: ResourceAlreadyExistsException)",
      "rb UPDATE_ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Taken]. ",
      "rb UPDATE_ROLLBACK_COMPLETE",
    ]));
    // moto removed Dropped before it added Taken: the rollback brings it back; Kept never changed.
    expect(await values()).toEqual({ "/rb/kept": "v1", "/rb/dropped": "d" });
  });

  it("CreateStack whose resource fails: ROLLBACK_COMPLETE, what was created is deleted", async () => {
    await aws.cloudFormation.send(new CreateStackCommand({ StackName: "rb-new", TemplateBody: JSON.stringify({ Resources: { First: parameter("/rb/first", "1"), Taken: { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: "/rb/taken" } } } }) }));
    expect((await stackOf("rb-new")).status).toBe("ROLLBACK_COMPLETE");
    expect(await events("rb-new")).toEqual(expect.arrayContaining(["rb-new ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Taken]. Rollback requested by user.", "rb-new ROLLBACK_COMPLETE"]));
    const first = await aws.ssm.send(new GetParametersCommand({ Names: ["/rb/first"] }));
    expect(first.Parameters ?? []).toEqual([]);
  });
});
