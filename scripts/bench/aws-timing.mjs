// racknet against `aws cloudformation deploy` under AWS's timing: each command racknet runs,
// then the AWS CLI deploying the very template and parameters racknet used, to a twin rack.
// Both go through their own AWS-timing proxy in front of one moto; in each round a command's
// stack operations and change sets take the same seeded durations for both tools.
import { join } from "node:path";
import { startAwsLikeProxy } from "./awslike-proxy.mjs";
import { etaAgainstRelease } from "./eta.mjs";
import { measureRun } from "./measure.mjs";
import { between, seededRandom } from "./random.mjs";
import { measureEtaInstalls } from "./eta.mjs";
import { awsEnv, deployWithAwsCli, motoReader, runProcess } from "./tools.mjs";

/** The commands measured, in the order a user runs them on a new rack. */
export function commandsFor(rack, manifest) {
  return [
    { name: "rack install", args: ["rack", "install", rack, "--yes"] },
    { name: "rack params set Internal=Yes", args: ["rack", "params", "set", "Internal=Yes", "-r", rack, "--yes"] },
    { name: "deploy (3 services)", args: ["deploy", "-a", "shop", "-f", manifest, "-r", rack, "--yes"] },
  ];
}

/** Read-only commands whose calls are counted once, on the first round's rack. */
const readCommands = (rack) => [
  { name: "rack", args: ["rack", "-r", rack] },
  { name: "rack params", args: ["rack", "params", "-r", rack] },
  { name: "services (3 services)", args: ["services", "-a", "shop", "-r", rack] },
  { name: "private-networks-domain-names (3 services)", args: ["private-networks-domain-names", "-a", "shop", "-r", rack] },
];

/** The execute events of one lane, one at a time, until `done` settles and none is left. */
function executeQueue(lane, done) {
  const waiting = [];
  let wake = () => {};
  const listener = (entry) => {
    waiting.push(entry);
    wake();
  };
  lane.on("execute", listener);
  let finished = false;
  done.then(
    () => ((finished = true), wake()),
    () => ((finished = true), wake()),
  );
  return {
    async next() {
      while (waiting.length === 0 && !finished) await new Promise((resolve) => (wake = resolve));
      return waiting.shift() ?? null;
    },
    close: () => lane.off("execute", listener),
  };
}

/**
 * @param {{ root: string, racknet: string, manifest: string, motoEndpoint: string, work: string, runs: number, seed: number,
 *   latencyMs: number, holdSeconds: [number, number], changeSetSeconds: [number, number], logDir?: string,
 *   etaInstalls?: number, etaHoldSeconds?: [number, number],
 *   progress: (line: string) => void }} settings
 */
export async function runAwsTiming(settings) {
  const { root, racknet, manifest, motoEndpoint, work, runs, latencyMs, progress } = settings;
  const random = seededRandom(settings.seed);
  const current = { holdMs: 20_000, changeSetMs: 3_000 };
  /** Stack operations of their own length (the ETA installs, side by side). */
  const perStackHold = new Map();
  const lane = (name) =>
    startAwsLikeProxy({
      upstream: motoEndpoint,
      latencyMs,
      holdMs: (stack) => perStackHold.get(stack) ?? current.holdMs,
      changeSetMs: () => current.changeSetMs,
      log: settings.logDir ? join(settings.logDir, `${name}.jsonl`) : undefined,
    });
  const [racknetLane, cliLane] = await Promise.all([lane("racknet"), lane("aws-cli")]);
  const moto = motoReader(motoEndpoint);
  const racknetEnv = awsEnv(racknetLane.endpoint);
  const results = [];

  /** One command by racknet, and by the AWS CLI on the twin rack as soon as racknet has executed each stack. */
  async function runPair(command, rack, twin, round) {
    const racknetRun = runProcess(process.execPath, [racknet, ...command.args], { env: racknetEnv, cwd: root, keepLines: true });
    const executes = executeQueue(racknetLane, racknetRun);
    const cliRuns = [];
    try {
      for (let operation = await executes.next(); operation; operation = await executes.next()) {
        const twinStack = twin + operation.stack.slice(rack.length);
        const used = await moto.stack(operation.stack);
        const parameters = operation.stack === rack ? used.parameters : await onTwinRack(used.parameters, rack, twin);
        cliRuns.push(await deployWithAwsCli({ endpoint: cliLane.endpoint, stack: twinStack, template: used.template, parameters, work, moto, cwd: root }));
      }
    } catch (error) {
      await racknetRun.catch(() => undefined);
      throw error;
    } finally {
      executes.close();
    }
    const racknetProcess = await racknetRun;
    if (cliRuns.length === 0) throw new Error(`racknet ${command.args.join(" ")} ran no stack operation`);
    const measured = { round, command: command.name, holdMs: current.holdMs, changeSetMs: current.changeSetMs };
    results.push({ ...measured, tool: "racknet", ...measureRun(racknetLane.entries(), [racknetProcess]), eta: etaAgainstRelease(racknetProcess.lines ?? [], racknetLane.entries(), rack) });
    results.push({ ...measured, tool: "aws cli", ...measureRun(cliLane.entries(), cliRuns) });
  }

  /** An app's parameters with each of racknet's rack facts replaced by the twin rack's. */
  async function onTwinRack(parameters, rack, twin) {
    const [{ outputs: ours }, { outputs: theirs }] = await Promise.all([moto.stack(rack), moto.stack(twin)]);
    return Object.fromEntries(Object.entries(parameters).map(([key, value]) => [key, key in theirs && ours[key] === value ? theirs[key] : value]));
  }

  const readCalls = [];
  const waiting = [];
  const etaInstalls = [];
  try {
    for (let round = 1; round <= runs; round += 1) {
      const rack = `rn${round}`;
      const twin = `cl${round}`;
      for (const command of commandsFor(rack, manifest)) {
        current.holdMs = Math.round(between(random, ...settings.holdSeconds) * 1000);
        current.changeSetMs = Math.round(between(random, ...settings.changeSetSeconds) * 1000);
        await runPair(command, rack, twin, round);
        const [ours, theirs] = results.slice(-2);
        progress(
          `round ${round}/${runs} ${command.name} (stack ${(current.holdMs / 1000).toFixed(1)} s, change set ${(current.changeSetMs / 1000).toFixed(1)} s): ` +
            `racknet ${(ours.endToEnd / 1000).toFixed(1)} s, aws cli ${(theirs.endToEnd / 1000).toFixed(1)} s`,
        );
      }
      if (round === 1) {
        for (const { name, args } of readCommands(rack)) {
          const run = await runProcess(process.execPath, [racknet, ...args], { env: racknetEnv, cwd: root });
          const calls = racknetLane.entries().filter((entry) => !entry.event && entry.start >= run.launch && entry.start <= run.exit);
          readCalls.push({ command: name, calls: calls.length });
        }
      }
    }
    // Issue 22: every command that waits shows a sign of life within a second; these are the
    // waiting commands the rounds above do not run, on the racks they made.
    const last = `rn${runs}`;
    const waitingCommands = [
      ...(runs >= 2 ? [{ name: "rack peer", args: ["rack", "peer", "rn1", "rn2", "--yes", "--require-approval", "never"] }] : []),
      ...(runs >= 2 ? [{ name: "rack unpeer", args: ["rack", "unpeer", "rn1", "rn2", "--yes", "--require-approval", "never"] }] : []),
      { name: "apps delete", args: ["apps", "delete", "shop", "-r", last, "--yes"] },
      { name: "rack uninstall", args: ["rack", "uninstall", last, "--yes"] },
    ];
    for (const { name, args } of waitingCommands) {
      try {
        const run = await runProcess(process.execPath, [racknet, ...args], { env: racknetEnv, cwd: root });
        let measured;
        try {
          measured = measureRun(racknetLane.entries(), [run]);
        } catch {
          const calls = racknetLane.entries().filter((entry) => !entry.event && entry.start >= run.launch && entry.start <= run.exit);
          measured = { firstOutput: run.firstOutput - run.launch, endToEnd: run.exit - run.launch, calls: calls.length, operations: 0, callsPerSecondDuringOperation: Number.NaN };
        }
        waiting.push({ command: name, ...measured });
      } catch (error) {
        // The command's own last words say why (the first line is only the command line).
        const lines = (error instanceof Error ? error.message : String(error)).split("\n").filter((line) => line.trim() !== "");
        waiting.push({ command: name, error: lines.slice(1).join(" ").slice(-300) || lines[0] });
      }
      progress(`waiting command ${name}: ${waiting.at(-1).error ?? `first output ${(waiting.at(-1).firstOutput / 1000).toFixed(2)} s`}`);
    }
    // Issue 22: the ETA range against the time really left, on installs side by side (each its own
    // seeded stack operation), through the same proxy.
    if (settings.etaInstalls > 0) {
      const holds = Array.from({ length: settings.etaInstalls }, () => Math.round(between(random, ...(settings.etaHoldSeconds ?? settings.holdSeconds)) * 1000));
      etaInstalls.push(...(await measureEtaInstalls({ racknet, root, env: racknetEnv, lane: racknetLane, perStackHold, holds, progress })));
    }
  } finally {
    moto.close();
    await Promise.all([racknetLane.stop(), cliLane.stop()]);
  }
  return { results, readCalls, waiting, etaInstalls };
}

