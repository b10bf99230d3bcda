import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStackTrace, spawnCli, type CliResult } from "../support/cli.js";
import { endState, leftovers, startWorld, type World } from "./interrupts-world.js";

/**
 * Ctrl-C at each step of the commands that span stacks (issue 14, "Proven"): `rack install`
 * (objects made before the stack), `rack params set Private=Yes` moving apps, `apps delete`,
 * `rack uninstall`. Each interrupted run says where things stand (exit 130, no stack trace),
 * then the same command is run again and the rack's end state must equal an uninterrupted
 * run's, with nothing left behind (no lock, no journal, no pending change set, no CA, key or
 * certificate of a rack that is gone). moto answers at once, so the proxy holds the call the
 * test interrupts (see hardening.e2e.test.ts).
 *
 * Every step is listed; a run takes a seeded sample of them (RACKNET_INTERRUPTS_SEED), or all
 * with RACKNET_INTERRUPTS=all, to keep `npm test` short.
 */
const root = join(__dirname, "..", "..");
const PUBLIC_WEB = join(root, "test", "fixtures", "apps", "public-web.yml");
const INTERNAL_API = join(root, "test", "fixtures", "apps", "internal-api.yml");

let world: World;
const manifests = mkdtempSync(join(tmpdir(), "racknet-interrupts-"));
let release = 0;

/** The public web app with a new image each time: a deploy that changes the stack, so it has a change set to execute. */
function changedWeb(): string {
  release += 1;
  const file = join(manifests, `web-${release}.yml`);
  writeFileSync(file, `services:\n  web:\n    image: nginx:1.${release}\n    port: 80\n`);
  return file;
}

/** mulberry32, as the fault proxy: the same seed picks the same steps. */
function pick<T>(items: readonly T[], count: number, salt: number): T[] {
  if (process.env.RACKNET_INTERRUPTS === "all") return [...items];
  let state = (Number(process.env.RACKNET_INTERRUPTS_SEED ?? 20261201) + salt) >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return [...items].sort(() => random() - 0.5).slice(0, count);
}

function interrupted(result: CliResult): void {
  expect(result.stderr).not.toSatisfy(hasStackTrace);
  expect(result.code, result.stderr).toBe(130);
}

async function ok(...args: string[]): Promise<CliResult> {
  const result = await world.cli(...args);
  expect(result.stderr).not.toSatisfy(hasStackTrace);
  expect(result.code, `racknet ${args.join(" ")}\n${result.stderr}`).toBe(0);
  return result;
}

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

interface Point {
  name: string;
  operation: string;
  nth: number;
  /** For apps delete: which app (its manifest decides which steps it has). */
  app?: { name: string; manifest: string };
  /** The call is in the command's last step: it completes, and so does the command (exit 0, saying so). */
  last?: boolean;
}

/** Exit 130, or, when the held call was the last step's, exit 0 saying the Ctrl-C came too late to matter. */
function interruptedAt(point: Point, result: CliResult): void {
  if (!point.last) return interrupted(result);
  expect(result.stderr).not.toSatisfy(hasStackTrace);
  expect([0, 130], result.stderr).toContain(result.code);
  if (result.code === 0) expect(result.stderr).toContain("Ctrl-C came during the last step, which completed");
}

describe("rack install, then rack uninstall: Ctrl-C at each step, run again, nothing left behind", () => {
  let installed: string[];

  beforeAll(async () => {
    await ok("rack", "install", "base", "--yes");
    installed = await endState(world, "base");
    await ok("rack", "uninstall", "base", "--yes");
    expect(await leftovers(world, "base")).toEqual([]);
  });

  const installSteps: Point[] = [
    { name: "while the CA's KMS key is made", operation: "CreateKey", nth: 1 },
    // PutParameter 1 is the lock, 2 the journal (the CA's three steps start together): 3 and 4
    // are the CA's two parameters, side by side with the key's alias and the certificates.
    { name: "while the CA's parameters are stored", operation: "PutParameter", nth: 3 },
    { name: "while the first certificate is imported", operation: "ImportCertificate", nth: 1 },
    { name: "while the change set is made", operation: "CreateChangeSet", nth: 1 },
    { name: "while the plan is read", operation: "DescribeChangeSet", nth: 1 },
    { name: "while the stack creation starts", operation: "ExecuteChangeSet", nth: 1 },
  ];
  for (const [index, point] of pick(installSteps, 3, 1).entries()) {
    it(`rack install, Ctrl-C ${point.name}: exit 130, then install again ends as an uninterrupted install`, async () => {
      const rack = `in${index}`;
      const result = await world.interruptAt(point.operation, point.nth, ["rack", "install", rack, "--yes"]);
      interrupted(result);
      if (point.operation === "ExecuteChangeSet") {
        expect(result.stderr).toContain(`the create of rack ${rack} continues in AWS`);
      } else {
        // Nothing may be half there: what was made before the stack is gone again, or the next run adopts it.
        const again = await world.cli("rack", "install", rack, "--yes");
        expect(again.code, again.stderr).toBe(0);
      }
      expect(await endState(world, rack)).toEqual(installed);
      await ok("rack", "uninstall", rack, "--yes");
      expect(await leftovers(world, rack)).toEqual([]);
    });
  }

  const uninstallSteps: Point[] = [
    { name: "while the stack is deleted", operation: "DeleteStack", nth: 1 },
    { name: "while the certificates go (the stack already gone)", operation: "DeleteCertificate", nth: 2 },
    { name: "while the CA's key is scheduled for deletion", operation: "ScheduleKeyDeletion", nth: 1, last: true },
  ];
  for (const [index, point] of pick(uninstallSteps, 2, 2).entries()) {
    it(`rack uninstall, Ctrl-C ${point.name}: exit 130 saying where things stand; uninstall again leaves nothing`, async () => {
      const rack = `un${index}`;
      await ok("rack", "install", rack, "--yes");
      const result = await world.interruptAt(point.operation, point.nth, ["rack", "uninstall", rack, "--yes"]);
      interruptedAt(point, result);
      if (point.operation !== "DeleteStack" && result.code === 130) {
        expect(result.stderr).toContain(`done: stack ${rack}`);
        expect(result.stderr).toContain(`run \`racknet rack uninstall ${rack}\` again to finish`);
      }
      if (result.code === 130) await ok("rack", "uninstall", rack, "--yes");
      expect(await leftovers(world, rack)).toEqual([]);
    });
  }
});

describe("rack params set Private=Yes moving two apps: Ctrl-C at each step, run again, as if never interrupted", () => {
  let baseline: string[];

  const setUp = async (rack: string) => {
    await ok("rack", "install", rack, "Internal=Yes", "--yes");
    await ok("deploy", "-a", "web", "-f", PUBLIC_WEB, "-r", rack, "--yes");
    await ok("deploy", "-a", "api", "-f", INTERNAL_API, "-r", rack, "--yes");
  };

  beforeAll(async () => {
    await setUp("pm");
    await ok("rack", "params", "set", "Private=Yes", "-r", "pm", "--yes");
    baseline = await endState(world, "pm");
    expect(baseline).toContain("stack <rack>-web COMPLETE subnets=private AssignPublicIp=DISABLED");
  });

  const steps: Point[] = [
    { name: "while the rack's change runs", operation: "ExecuteChangeSet", nth: 1 },
    { name: "while the first app moves", operation: "ExecuteChangeSet", nth: 2 },
    { name: "before the second app moves (its plan is read)", operation: "DescribeChangeSet", nth: 3 },
  ];
  for (const [index, point] of pick(steps, 2, 3).entries()) {
    it(`Ctrl-C ${point.name}: exit 130 naming what changed and the command that finishes; running it again finishes`, async () => {
      const rack = `pi${index}`;
      await setUp(rack);
      const result = await world.interruptAt(point.operation, point.nth, ["rack", "params", "set", "Private=Yes", "-r", rack, "--yes"]);
      interrupted(result);
      expect(result.stderr).toContain("where things stand (rack params set Private=Yes)");
      expect(result.stderr).toContain(`racknet rack params set Private=Yes -r ${rack}\` again to finish`);
      const shown = await world.cli("rack", "-r", rack);
      expect(shown.stderr).toContain("racknet rack params set Private=Yes is not finished");
      const again = await ok("rack", "params", "set", "Private=Yes", "-r", rack, "--yes");
      expect(again.stderr).toContain("finishing racknet rack params set Private=Yes");
      expect(await endState(world, rack)).toEqual(baseline);
    });
  }
});

describe("apps delete: Ctrl-C at each step, run again, nothing of the app left", () => {
  const web = { name: "web", manifest: PUBLIC_WEB };
  const api = { name: "api", manifest: INTERNAL_API };
  const steps: Point[] = [
    { name: "while the stack is deleted", operation: "DeleteStack", nth: 1, app: web },
    { name: "while its name leaves the listener's certificate (the stack gone)", operation: "ImportCertificate", nth: 1, app: api },
    { name: "while its stored environment goes (the stack gone)", operation: "DeleteParameters", nth: 1, app: web, last: true },
  ];
  let withoutApp: string[];

  beforeAll(async () => {
    await ok("rack", "install", "ad", "Internal=Yes", "--yes");
    withoutApp = await endState(world, "ad");
  });

  for (const point of pick(steps, 2, 4)) {
    it(`Ctrl-C ${point.name}: exit 130; apps delete again ends with the rack as before the app`, async () => {
      const app = point.app ?? web;
      await ok("deploy", "-a", app.name, "-f", app.manifest, "-r", "ad", "--yes");
      const result = await world.interruptAt(point.operation, point.nth, ["apps", "delete", app.name, "-r", "ad", "--yes"]);
      interruptedAt(point, result);
      if (result.code === 130) await ok("apps", "delete", app.name, "-r", "ad", "--yes");
      expect(await endState(world, "ad")).toEqual(withoutApp);
    });
  }
});

describe("through injected faults (seeded): whatever a faulted run ends with, running it again ends as an uninterrupted run", () => {
  /**
   * At `rate`, the command runs until it ends or for `patienceMs` (then Ctrl-C: faults and an
   * interrupt together); it must never end as a bug. Then at 0% it is run again, twice at most,
   * until it succeeds.
   */
  async function throughFaults(rate: number, patienceMs: number, ...args: string[]): Promise<CliResult> {
    world.proxy.setRate(rate);
    let result: CliResult;
    try {
      const run = spawnCli(args, { env: world.env });
      const timer = setTimeout(() => run.interrupt(), patienceMs);
      result = await run.done;
      clearTimeout(timer);
    } finally {
      world.proxy.setRate(0);
    }
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect([0, 1, 3, 130], result.stderr).toContain(result.code);
    for (let attempt = 0; attempt < 2 && result.code !== 0; attempt += 1) result = await world.cli(...args);
    expect(result.code, result.stderr).toBe(0);
    return result;
  }

  it("params set Private=Yes at 80%, apps delete and rack uninstall at 30%: the end state of an uninterrupted run, nothing left", async () => {
    const before = world.proxy.stats().faulted;
    await ok("rack", "install", "ft", "Internal=Yes", "--yes");
    await ok("deploy", "-a", "web", "-f", PUBLIC_WEB, "-r", "ft", "--yes");
    await ok("deploy", "-a", "api", "-f", INTERNAL_API, "-r", "ft", "--yes");
    await throughFaults(0.8, 12_000, "rack", "params", "set", "Private=Yes", "-r", "ft", "--yes");
    const moved = await endState(world, "ft");
    expect(moved).toContain("stack <rack>-api COMPLETE subnets=private AssignPublicIp=DISABLED");
    expect(moved).toContain("stack <rack>-web COMPLETE subnets=private AssignPublicIp=DISABLED");
    expect(moved.filter((line) => /journal|locks|pending change set/.test(line))).toEqual([]);
    await throughFaults(0.3, 10_000, "apps", "delete", "web", "-r", "ft", "--yes");
    await throughFaults(0.3, 10_000, "apps", "delete", "api", "-r", "ft", "--yes");
    await throughFaults(0.3, 10_000, "rack", "uninstall", "ft", "--yes");
    expect(await leftovers(world, "ft")).toEqual([]);
    expect(world.proxy.stats().faulted).toBeGreaterThan(before);
  });
});

describe("two racknets at once: the second is refused (exit 1) naming the first; the first finishes", () => {
  beforeAll(async () => {
    await ok("rack", "install", "cc", "--yes");
    // Only the image changes from one deploy to the next: nothing is destroyed, every run executes a change set.
    await ok("deploy", "-a", "web", "-f", changedWeb(), "-r", "cc", "--yes");
  });

  async function whileFirstHeld(first: string[], second: string[]): Promise<{ first: CliResult; second: CliResult }> {
    const held = world.hold("ExecuteChangeSet", 1);
    const running = world.cli(...first);
    const reached = await Promise.race([held.reached.then(() => true), running.then(() => false)]);
    expect(reached, `the first racknet ended before it executed its change set: ${(await Promise.race([running, Promise.resolve(undefined)]))?.stderr ?? ""}`).toBe(true);
    const refused = await world.cli(...second);
    held.release();
    return { first: await running, second: refused };
  }

  it("Ctrl-C while a command that changes AWS only reads: exit 130 with a word, not a silent death", async () => {
    const result = await world.interruptAt("DescribeStacks", 1, ["rack", "params", "set", "Domain=three.example.com", "-r", "cc", "--yes"]);
    interrupted(result);
    expect(result.stderr).toContain("interrupted (Ctrl-C) while racknet was reading or between steps: no stack change was under way");
  });

  it("deploy + deploy of one app", async () => {
    const { first, second } = await whileFirstHeld(["deploy", "-a", "web", "-f", changedWeb(), "-r", "cc", "--yes"], ["deploy", "-a", "web", "-f", changedWeb(), "-r", "cc", "--yes"]);
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toMatch(/app web on rack cc is busy: racknet deploy web is running \(started \d+ min ago by .*\); nothing was changed/);
    expect(second.stderr).not.toSatisfy(hasStackTrace);
    expect(first.code, first.stderr).toBe(0);
  });

  it("params set while a deploy runs, and a deploy while params set runs", async () => {
    const duringDeploy = await whileFirstHeld(["deploy", "-a", "web", "-f", changedWeb(), "-r", "cc", "--yes"], ["rack", "params", "set", "Domain=one.example.com", "-r", "cc", "--yes"]);
    expect(duringDeploy.second.code, duringDeploy.second.stderr).toBe(1);
    expect(duringDeploy.second.stderr).toContain("app web on rack cc is busy: racknet deploy web is running");
    expect(duringDeploy.first.code, duringDeploy.first.stderr).toBe(0);
    const duringSet = await whileFirstHeld(["rack", "params", "set", "Domain=two.example.com", "-r", "cc", "--yes"], ["deploy", "-a", "web", "-f", changedWeb(), "-r", "cc", "--yes"]);
    expect(duringSet.second.code, duringSet.second.stderr).toBe(1);
    expect(duringSet.second.stderr).toContain("rack cc is busy: racknet rack params set Domain=two.example.com is running");
    expect(duringSet.first.code, duringSet.first.stderr).toBe(0);
    const state = await endState(world, "cc");
    expect(state.filter((line) => /journal|locks|pending change set/.test(line))).toEqual([]);
  });
});
