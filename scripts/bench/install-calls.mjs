// `rack install` alone (issue 27 item 1 of the calls pass): each round installs a new rack with
// racknet, then deploys the very template and parameters with `aws cloudformation deploy` to a
// twin stack, one after the other (not side by side: on a 2-core machine the two would share
// the CPU). Both go through their own AWS-timing proxy in front of one moto, with the same
// change-set and stack-operation times. Gives, per tool: calls (in all and before
// ExecuteChangeSet), time from the first call and from launch to ExecuteChangeSet, and the
// CPU seconds of the process (user + system, from /usr/bin/time), and racknet's calls by
// action, so that a repeated read shows.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startAwsLikeProxy } from "./awslike-proxy.mjs";
import { measureRun, median } from "./measure.mjs";
import { awsEnv, deployWithAwsCli, motoReader, runProcess } from "./tools.mjs";

/** Runs `command args` under /usr/bin/time; the CPU seconds it used come back with the run. */
async function runWithCpu(command, args, options, work, tag) {
  const file = join(work, `${tag}.cpu`);
  const run = await runProcess("/usr/bin/time", ["-f", "%U %S", "-o", file, command, ...args], options);
  const [user, system] = readFileSync(file, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  rmSync(file, { force: true });
  return { ...run, cpu: user + system };
}

/**
 * @param {{ root: string, racknet: string, motoEndpoint: string, work: string, runs: number, latencyMs: number,
 *   holdMs: number, changeSetMs: number, progress: (line: string) => void, prefix?: string }} settings
 */
export async function measureInstallCalls(settings) {
  const { root, racknet, motoEndpoint, work, runs, latencyMs, holdMs, changeSetMs, progress } = settings;
  const prefix = settings.prefix ?? "ic";
  const lane = () => startAwsLikeProxy({ upstream: motoEndpoint, latencyMs, holdMs: () => holdMs, changeSetMs: () => changeSetMs });
  const [racknetLane, cliLane] = await Promise.all([lane(), lane()]);
  const moto = motoReader(motoEndpoint);
  const rows = [];
  try {
    for (let round = 1; round <= runs; round += 1) {
      const rack = `${prefix}${round}`;
      const ours = await runWithCpu(process.execPath, [racknet, "rack", "install", rack, "--yes"], { env: awsEnv(racknetLane.endpoint), cwd: root }, work, rack);
      const measured = measureRun(racknetLane.entries(), [ours]);
      const within = racknetLane.entries().filter((entry) => !entry.event && entry.start >= ours.launch && entry.start <= ours.exit);
      const byAction = {};
      for (const call of within) byAction[call.action] = (byAction[call.action] ?? 0) + 1;
      const used = await moto.stack(rack);
      const theirs = await deployWithAwsCli({ endpoint: cliLane.endpoint, stack: `${prefix}cl${round}`, template: used.template, parameters: used.parameters, work, moto, cwd: root });
      const cli = measureRun(cliLane.entries(), [theirs]);
      rows.push({ round, racknet: { ...measured, cpu: ours.cpu, byAction }, cli });
      progress(
        `install ${round}/${runs}: racknet ${measured.calls} calls (${measured.callsBeforeExecute} before execute), execute at ${(measured.beforeCloudFormation / 1000).toFixed(2)} s from the first call, ` +
          `${(measured.fromLaunch / 1000).toFixed(2)} s from launch, CPU ${ours.cpu.toFixed(2)} s; aws cli ${(cli.beforeCloudFormation / 1000).toFixed(2)} s / ${(cli.fromLaunch / 1000).toFixed(2)} s`,
      );
    }
  } finally {
    moto.close();
    await Promise.all([racknetLane.stop(), cliLane.stop()]);
  }
  return rows;
}

/** The rounds as Markdown: medians, then the first round's sequence and calls by action. */
export function installCallsReport(rows) {
  const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const med = (pick) => median(rows.map(pick));
  const lines = [
    "| tool | calls | before ExecuteChangeSet | first call to ExecuteChangeSet | launch to ExecuteChangeSet | CPU (user+sys) |",
    "|---|---|---|---|---|---|",
    `| racknet | ${med((row) => row.racknet.calls)} | ${med((row) => row.racknet.callsBeforeExecute)} | ${seconds(med((row) => row.racknet.beforeCloudFormation))} | ${seconds(med((row) => row.racknet.fromLaunch))} | ${med((row) => row.racknet.cpu).toFixed(2)} s |`,
    `| aws cli | ${med((row) => row.cli.calls)} | ${med((row) => row.cli.callsBeforeExecute)} | ${seconds(med((row) => row.cli.beforeCloudFormation))} | ${seconds(med((row) => row.cli.fromLaunch))} | – |`,
    "",
    `Each round: racknet ${rows.map((row) => `${row.racknet.calls} calls, execute ${seconds(row.racknet.beforeCloudFormation)}, CPU ${row.racknet.cpu.toFixed(2)} s`).join("; ")}.`,
    `AWS CLI: ${rows.map((row) => `execute ${seconds(row.cli.beforeCloudFormation)}`).join("; ")}.`,
  ];
  for (const row of rows.slice(0, 2)) {
    lines.push("", `Round ${row.round}, racknet's calls by action: ${Object.entries(row.racknet.byAction).sort(([a], [b]) => a.localeCompare(b)).map(([action, n]) => (n > 1 ? `${action} ×${n}` : action)).join(", ")}.`);
    lines.push("", `Before ExecuteChangeSet: ${row.racknet.sequence.beforeExecute}`, "", `During the operation: ${row.racknet.sequence.duringOperation}`, "", `After: ${row.racknet.sequence.afterRelease}`);
  }
  return lines;
}
