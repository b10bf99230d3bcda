import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ListChangeSetsCommand, ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { startMoto, awsEnv, awsClients, describeTestStack } from "../support/moto.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { runCli, spawnCli, hasStackTrace, type CliProcess } from "../support/cli.js";

/**
 * SPEC section 4 under pressure, end to end: Ctrl-C at each phase of a change (exit 130,
 * and what is left in AWS), and two racknets changing one rack at once. moto answers at
 * once, so a proxy in front of it holds chosen calls: the test presses Ctrl-C while racknet
 * waits on exactly that call, then lets it through.
 */
let moto: Awaited<ReturnType<typeof startMoto>>;
let proxy: FaultProxy;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;

/** Per test: operations slowed down (ms), and the one operation held until the test lets it go. */
const slow: Record<string, number> = {};
let gate: { operation: string; reached: () => void; release: Promise<void> } | undefined;

/** Hold the next `operation` call at the proxy: resolves once racknet is waiting on it; call `release()` to let it through. */
function holdNext(operation: string): { reached: Promise<void>; release: () => void } {
  let reached!: () => void;
  let release!: () => void;
  const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
  const releasePromise = new Promise<void>((resolve) => (release = resolve));
  gate = { operation, reached, release: releasePromise };
  return { reached: reachedPromise, release };
}

/** Ctrl-C while racknet waits on `operation` (held at the proxy), then let the call finish. */
async function interruptDuring(operation: string, args: string[]) {
  const held = holdNext(operation);
  const run = spawn(args);
  await held.reached;
  run.interrupt();
  // Let racknet take the signal before the held answer arrives: released at once, the answer
  // and the signal reach its event loop together, and either may come first.
  await new Promise((resolve) => setTimeout(resolve, 300));
  held.release();
  return run.done;
}

const RACK = "hr";
const cli = (...args: string[]) => runCli(args, { env });
const spawn = (args: string[], tty = false): CliProcess => spawnCli(args, { env, tty });

function stack(name: string) {
  return describeTestStack(aws.cloudFormation, name);
}

/** Change sets of the stack that have not run (moto keeps executed ones listed). */
async function pendingChangeSets(name: string): Promise<string[]> {
  const result = await aws.cloudFormation.send(new ListChangeSetsCommand({ StackName: name }));
  return (result.Summaries ?? []).filter((s) => s.StackName === name && s.ExecutionStatus !== "EXECUTE_COMPLETE").map((s) => s.ChangeSetName ?? "");
}

async function liveStacks(): Promise<Array<{ name: string; status: string }>> {
  const result = await aws.cloudFormation.send(new ListStacksCommand({}));
  return (result.StackSummaries ?? []).filter((s) => s.StackStatus !== "DELETE_COMPLETE").map((s) => ({ name: s.StackName ?? "", status: s.StackStatus ?? "" }));
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy({
    target: moto.endpoint,
    rate: 0,
    delays: slow,
    hold: (operation) => {
      if (!gate || gate.operation !== operation) return undefined;
      const { reached, release } = gate;
      gate = undefined;
      reached();
      return release;
    },
  });
  env = awsEnv(proxy.endpoint);
  aws = awsClients(moto.endpoint);
  const installed = await cli("rack", "install", RACK, "--yes");
  if (installed.code !== 0) throw new Error(`setup: rack install failed: ${installed.stderr}`);
});

beforeEach(() => {
  for (const key of Object.keys(slow)) delete slow[key];
  gate = undefined;
});

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

describe("Ctrl-C before the change set runs: cancelled, nothing changed, exit 130, no change set left", () => {
  it("while CreateChangeSet is in flight: racknet lets it finish, then deletes the change set", async () => {
    const result = await interruptDuring("CreateChangeSet", ["rack", "params", "set", "Domain=ctrl-c.example.com", "-r", RACK, "--yes"]);
    expect(result.stderr).toContain("cancelled; nothing changed");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code).toBe(130);
    expect((await stack(RACK)).parameters.Domain).toBe("");
    expect(await pendingChangeSets(RACK)).toEqual([]);
  });

  it("while the change set is polled: the change set is deleted", async () => {
    const result = await interruptDuring("DescribeChangeSet", ["rack", "params", "set", "Domain=ctrl-c.example.com", "-r", RACK, "--yes"]);
    expect(result.stderr).toContain("cancelled; nothing changed");
    expect(result.stderr).toContain("the change set was deleted");
    expect(result.code).toBe(130);
    expect((await stack(RACK)).parameters.Domain).toBe("");
    expect(await pendingChangeSets(RACK)).toEqual([]);
  });

  it("during an install: no change set, no REVIEW_IN_PROGRESS stack and no CA are left", async () => {
    const result = await interruptDuring("DescribeChangeSet", ["rack", "install", "half", "--yes"]);
    expect(result.stderr).toContain("cancelled; nothing changed");
    expect(result.code).toBe(130);
    expect((await liveStacks()).map((s) => s.name)).not.toContain("half");
    await expect(aws.ssm.send(new GetParameterCommand({ Name: "/racknet/half/ca/cert" }))).rejects.toThrow();
  });

  it("at the confirmation prompt on a terminal: the change set is deleted", async () => {
    const run = spawn(["rack", "params", "set", "Domain=prompt.example.com", "-r", RACK], true);
    await run.waitForStderr(`Apply these changes to rack ${RACK}?`);
    run.interrupt();
    const result = await run.done;
    expect(result.stderr).toContain("cancelled; nothing changed");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code).toBe(130);
    expect((await stack(RACK)).parameters.Domain).toBe("");
    expect(await pendingChangeSets(RACK)).toEqual([]);
  });

  it("answering no at the prompt: cancelled, exit 1", async () => {
    const run = spawn(["rack", "params", "set", "Domain=prompt.example.com", "-r", RACK], true);
    await run.waitForStderr(`Apply these changes to rack ${RACK}?`);
    run.type("n\r");
    const result = await run.done;
    expect(result.stderr).toContain("cancelled; nothing changed");
    expect(result.code).toBe(1);
    expect(await pendingChangeSets(RACK)).toEqual([]);
  });
});

describe("Ctrl-C once the change set runs: it continues in AWS, racknet says how to follow it, exit 130", () => {
  it("while ExecuteChangeSet is in flight: the call completes and the update goes on", async () => {
    const result = await interruptDuring("ExecuteChangeSet", ["rack", "params", "set", "Domain=exec.example.com", "-r", RACK, "--yes"]);
    expect(result.stderr).toMatch(/stopped watching: the update of rack hr continues in AWS/);
    expect(result.stderr).toContain(`follow it to its end with \`racknet rack wait -r ${RACK}\``);
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code).toBe(130);
    const after = await stack(RACK);
    expect(after.status).toBe("UPDATE_COMPLETE");
    expect(after.parameters.Domain).toBe("exec.example.com");
    expect(await pendingChangeSets(RACK)).toEqual([]);
  });

  it("while the stack events are followed", async () => {
    slow.DescribeStackEvents = 1500;
    const run = spawn(["rack", "params", "set", "Domain=watch.example.com", "-r", RACK, "--yes"]);
    await run.waitForStderr(`updating rack ${RACK}`);
    run.interrupt();
    const result = await run.done;
    expect(result.stderr).toMatch(/stopped watching: the update of rack hr continues in AWS \(Ctrl-C does not cancel it\)/);
    expect(result.code).toBe(130);
    expect((await stack(RACK)).parameters.Domain).toBe("watch.example.com");
    expect(await pendingChangeSets(RACK)).toEqual([]);
  });
});

describe("two racknets changing one rack at once", () => {
  it("the second is refused (exit 1) naming the other racknet; exactly one change is applied", async () => {
    // The first racknet is held just before it executes its change set, so the second
    // certainly starts while the first is under way, whatever the machine's load.
    const execute = holdNext("ExecuteChangeSet");
    const first = spawn(["rack", "params", "set", "Domain=one.example.com", "-r", RACK, "--yes"]);
    await execute.reached;
    const second = await cli("rack", "params", "set", "Domain=two.example.com", "-r", RACK, "--yes");
    execute.release();
    const winner = await first.done;

    expect(winner.code, winner.stderr).toBe(0);
    expect(second.code).toBe(1);
    // The rack's lock refuses it before it makes a change set (src/safety/lock.ts).
    expect(second.stderr).toMatch(/rack hr is busy: racknet rack params set Domain=one\.example\.com is running \(started \d+ min ago by .*\); nothing was changed/);
    expect(second.stderr).not.toSatisfy(hasStackTrace);
    const after = await stack(RACK);
    expect(after.status).toBe("UPDATE_COMPLETE");
    expect(after.parameters.Domain).toBe("one.example.com");
    expect(await pendingChangeSets(RACK)).toEqual([]);
  });
});
