import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsClients, awsEnv, describeTestStack, startMoto, type MotoServer, createLogGroup } from "../support/moto.js";
import { hasStackTrace, runCli, spawnCli } from "../support/cli.js";

/**
 * Ctrl-C stops only the watching; `racknet rack wait`, which the Ctrl-C message names,
 * attaches to the same operation and follows it to its end with its progress, and exits with
 * its result: 0, or 3 with the root cause when it fails, also when it had already ended. The
 * built CLI against moto behind the benchmark's AWS-timing proxy (scripts/bench/awslike-proxy.mjs),
 * which keeps each stack operation in progress for HOLD_MS and releases its resource events
 * over that time, as AWS does.
 */

interface Proxy {
  endpoint: string;
  stop(): Promise<void>;
}
interface ProxyModule {
  startAwsLikeProxy(options: { upstream: string; latencyMs: number; holdMs: () => number; changeSetMs: () => number }): Promise<Proxy>;
}

const RACK = "waited";
const HOLD_MS = 15_000;
let moto: MotoServer;
let proxy: Proxy;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  moto = await startMoto();
  const install = await runCli(["rack", "install", RACK, "--yes"], { env: awsEnv(moto.endpoint) });
  if (install.code !== 0) throw new Error(`setup rack install failed: ${install.stderr}`);
  const module = (await import(new URL("../../scripts/bench/awslike-proxy.mjs", import.meta.url).href)) as ProxyModule;
  proxy = await module.startAwsLikeProxy({ upstream: moto.endpoint, latencyMs: 5, holdMs: () => HOLD_MS, changeSetMs: () => 500 });
  env = awsEnv(proxy.endpoint);
});

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

describe("Ctrl-C, then rack wait", () => {
  it("the interrupted update names `racknet rack wait`, which follows the same update to its end, its progress shown", async () => {
    const run = spawnCli(["rack", "params", "set", "Domain=waited.example.com", "-r", RACK, "--yes"], { env });
    // A sign of life while CloudFormation computes the change set (how soon is the bench's to
    // measure, BENCHMARKS.md: a deadline here would measure the machine's load, not racknet).
    await run.waitForStderr(/creating the change set for rack waited/);
    await run.waitForStderr(/updating rack waited/);
    const interruptedAt = Date.now();
    run.interrupt();
    const interrupted = await run.done;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain("stopped watching: the update of rack waited continues in AWS");
    expect(interrupted.stderr).toContain(`follow it to its end with \`racknet rack wait -r ${RACK}\``);

    const waited = await runCli(["rack", "wait", "-r", RACK], { env });
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stderr).toContain(`updating rack ${RACK} (stack ${RACK})`);
    // Its progress: the update's resource events as they come, then its end.
    expect(waited.stderr).toMatch(/UPDATE_COMPLETE {2}AWS::\S+ {2}\S+/);
    expect(waited.stderr).toMatch(/rack waited: UPDATE_COMPLETE in \d+s/);
    expect(waited.stderr).not.toSatisfy(hasStackTrace);
    // It followed the update to its end (not an idle stack): it returned after the hold, with the change made.
    expect(Date.now() - interruptedAt).toBeGreaterThan(HOLD_MS / 3);
    expect((await describeTestStack(awsClients(moto.endpoint).cloudFormation, RACK)).parameters.Domain).toBe("waited.example.com");

    const idle = await runCli(["rack", "wait", "-r", RACK, "--json"], { env });
    expect(idle.code, idle.stderr).toBe(0);
    expect(JSON.parse(idle.stdout)).toEqual({ rack: RACK, stack: RACK, outcome: "idle", status: "UPDATE_COMPLETE" });
  });

  it("an install that fails: `rack wait` follows it to its rollback and exits 3 with the root cause; again once it has ended", async () => {
    // The rack's log group name is taken: CloudFormation fails the creation and rolls it back.
    await createLogGroup(moto.endpoint, "/racknet/waitfail");
    const run = spawnCli(["rack", "install", "waitfail", "--yes"], { env });
    await run.waitForStderr(/creating rack waitfail/);
    run.interrupt();
    const interrupted = await run.done;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain("follow it to its end with `racknet rack wait -r waitfail`");

    const waited = await runCli(["rack", "wait", "-r", "waitfail"], { env });
    expect(waited.code, waited.stderr).toBe(3);
    expect(waited.stderr).toContain("creating rack waitfail (stack waitfail)");
    expect(waited.stderr).toMatch(/root cause: LogGroup \(AWS::Logs::LogGroup\) CREATE_FAILED: The specified log group already exists/);
    expect(waited.stderr).toContain("racknet rack uninstall waitfail");
    expect(waited.stderr).not.toSatisfy(hasStackTrace);

    // Already over: the same result, from the operation's own events.
    const again = await runCli(["rack", "wait", "-r", "waitfail"], { env });
    expect(again.code, again.stderr).toBe(3);
    expect(again.stderr).toMatch(/root cause: LogGroup \(AWS::Logs::LogGroup\) CREATE_FAILED: The specified log group already exists/);
    expect(again.stderr).not.toContain("creating rack waitfail");
    expect((await describeTestStack(awsClients(moto.endpoint).cloudFormation, "waitfail")).status).toBe("ROLLBACK_COMPLETE");
  });
});
