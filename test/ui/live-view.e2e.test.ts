import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsEnv, startMoto, type MotoServer } from "../support/moto.js";
import { runCli, spawnCli } from "../support/cli.js";
import { SPINNER, screenOf } from "./terminal.js";

/**
 * The live view of a stack operation, as a person at a terminal sees it: the built CLI on
 * a pseudo-terminal (util-linux `script`) against moto, behind the benchmark's AWS-timing
 * proxy so the operation takes seconds instead of milliseconds (moto finishes at once).
 * The output is played on a headless terminal to read the screen it leaves.
 */
interface Proxy {
  endpoint: string;
  stop(): Promise<void>;
}
interface ProxyModule {
  startAwsLikeProxy(options: { upstream: string; latencyMs: number; holdMs: () => number; changeSetMs: () => number }): Promise<Proxy>;
}

/**
 * How long the stack operation is held: long enough for several of racknet's status reads
 * (about one a second on an idle machine), whatever the machine's load. 4 s when a racknet
 * read takes under 0.4 s; on a loaded machine, where each read waits for CPU, ten reads' time
 * (30 s at most: the operation's time is printed in minutes past 59 s, which the tests allow).
 */
let holdMs = 4_000;
let moto: MotoServer;
let proxy: Proxy;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  moto = await startMoto();
  const { startAwsLikeProxy } = (await import(new URL("../../scripts/bench/awslike-proxy.mjs", import.meta.url).href)) as ProxyModule;
  proxy = await startAwsLikeProxy({ upstream: moto.endpoint, latencyMs: 20, holdMs: () => holdMs, changeSetMs: () => 500 });
  env = awsEnv(proxy.endpoint);
  const started = performance.now();
  const read = await runCli(["racks"], { env });
  if (read.code !== 0) throw new Error(`setup: racks failed: ${read.stderr}`);
  holdMs = Math.min(30_000, Math.max(4_000, Math.round(10 * (performance.now() - started))));
});

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

describe("a stack operation's progress", () => {
  it("on a terminal: redrawn in place while CloudFormation works, gone when it ends, the last line clean", async () => {
    const run = spawnCli(["rack", "install", "live", "--yes"], { env, tty: true });
    const result = await run.done;
    const output = result.stderr;
    expect(result.code, output).toBe(0);

    // Redrawn in place: erase-line sequences, and frames of the headline with a turning
    // spinner. How many frames fit in the hold depends on how much CPU racknet gets (a loaded
    // machine draws fewer), so the test asks for what proves the redraw: more than one.
    expect(output).toContain("\u001b[2K");
    const frames = output.match(/creating rack live {2}\d+\/\d+ done/g) ?? [];
    expect(frames.length).toBeGreaterThan(1);
    expect(new Set(output.match(new RegExp(SPINNER.source, "g"))).size).toBeGreaterThan(1);
    // The count moved while it ran.
    expect(new Set(frames).size).toBeGreaterThan(1);

    const screen = await screenOf(output);
    const text = screen.join("\n");
    expect(text).not.toMatch(SPINNER);
    expect(text).not.toContain("creating rack live  ");
    expect(screen).toContainEqual(expect.stringMatching(/^✔ rack live: CREATE_COMPLETE in (\d+m)?\d+s$/));
    expect(screen).toContainEqual(expect.stringMatching(/^\[\d+\] CREATE_COMPLETE {2}AWS::EC2::VPC {2}Vpc$/));
    expect(screen.at(-1)).toMatch(/^public rack: each task leaves from its own public IP/);
    // The cursor the live view hid is shown again.
    expect(output.lastIndexOf("\u001b[?25h")).toBeGreaterThan(output.lastIndexOf("\u001b[?25l"));
  });

  it("in CI (stderr not a terminal): one timestamped line per event, no escape sequences", async () => {
    const result = await runCli(["rack", "install", "ci", "--yes"], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("\u001b[");
    expect(result.stderr).toMatch(/^\d\d:\d\d:\d\d {2}CREATE_COMPLETE {2}AWS::EC2::VPC {2}Vpc$/m);
    expect(result.stderr).toMatch(/^✔ rack ci: CREATE_COMPLETE in (\d+m)?\d+s$/m);
  });
});
