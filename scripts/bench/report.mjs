// The benchmark's results as Markdown tables, ready for BENCHMARKS.md.
import { median } from "./measure.mjs";

const seconds = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "–");
const count = (value) => (Number.isFinite(value) ? (Number.isInteger(value) ? String(value) : value.toFixed(1)) : "–");
const table = (head, rows) => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)];

export function startupTable(rows) {
  return table(
    ["measure (whole process)", "racknet", "`node -e 0`", "ratio", "js-yaml alone, same file", "racknet / js-yaml"],
    rows.map(({ measure, ms, nodeMs, floorMs, rounds }) => [
      `${measure}, median of ${rounds}`,
      `${ms.toFixed(0)} ms`,
      `${nodeMs.toFixed(0)} ms`,
      `${(ms / nodeMs).toFixed(2)}x`,
      floorMs === undefined ? "–" : `${floorMs.toFixed(0)} ms (${(floorMs / nodeMs).toFixed(2)}x)`,
      floorMs === undefined ? "–" : `${(ms / floorMs).toFixed(2)}x`,
    ]),
  );
}

/** Results grouped by command then tool, in first-seen order. */
function grouped(results) {
  const groups = new Map();
  for (const result of results) {
    const key = `${result.command}\n${result.tool}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(result);
  }
  return [...groups.values()];
}

const medianOf = (runs, field) => median(runs.map((run) => run[field]));

export function timingTable(results) {
  return table(
    ["command", "tool", "first output", "before CloudFormation starts", "from launch", "change set noticed", "completion lag", "end to end", "calls"],
    grouped(results).map((runs) => [
      runs[0].command,
      runs[0].tool,
      seconds(medianOf(runs, "firstOutput")),
      seconds(medianOf(runs, "beforeCloudFormation")),
      seconds(medianOf(runs, "fromLaunch")),
      seconds(medianOf(runs, "changeSetNoticed")),
      `**${seconds(medianOf(runs, "completionLag"))}**`,
      seconds(medianOf(runs, "endToEnd")),
      count(medianOf(runs, "calls")),
    ]),
  );
}

export function callTable(results) {
  return table(
    ["command", "tool", "round trips before CreateChangeSet", "calls before execute", "calls during the operation", "calls a second during it", "between status reads", "calls after the final status was seen"],
    grouped(results).map((runs) => [
      runs[0].command,
      runs[0].tool,
      count(medianOf(runs, "roundTripsBeforeCreateChangeSet")),
      count(medianOf(runs, "callsBeforeExecute")),
      count(medianOf(runs, "callsDuringOperation")),
      medianOf(runs, "callsPerSecondDuringOperation").toFixed(2),
      seconds(medianOf(runs, "statusReadGap")),
      count(medianOf(runs, "callsAfterFinalStatusSeen")),
    ]),
  );
}

/** The calls of the first round, as sequences (‖ overlapping, → one after another). */
export function sequences(results) {
  const lines = [];
  for (const runs of grouped(results)) {
    const { command, tool, sequence } = runs[0];
    lines.push(`- ${tool}, ${command}:`);
    lines.push(`  - before execute: ${sequence.beforeExecute}`);
    lines.push(`  - during the operation: ${sequence.duringOperation || "none"}`);
    lines.push(`  - after the final status: ${sequence.afterRelease || "none"}`);
  }
  return lines;
}

export function readCallTable(readCalls) {
  return table(["command (racknet)", "calls"], readCalls.map(({ command, calls }) => [`\`${command}\``, String(calls)]));
}

/** `rack params set Private=Yes` by the rack's number of apps, each against the first row. */
export function scaleTable(rows) {
  const [first] = rows;
  return table(
    ["apps on the rack", "params set Private=Yes, end to end", "against 1 app", "calls", "stack operations"],
    rows.map((row) => [String(row.apps), seconds(row.ms), first ? `${(row.ms / first.ms).toFixed(2)}x` : "–", count(row.calls), String(row.operations)]),
  );
}

/** The commands of a rack of many apps. */
export function hundredTable(rows) {
  return table(
    ["command", "end to end", "calls", "stack operations"],
    rows.map((row) => [row.command + (row.error ? ` (failed: ${row.error})` : ""), seconds(row.ms), count(row.calls), String(row.operations)]),
  );
}

/** The waiting commands the rounds do not run (issue 22: a sign of life within a second). */
export function waitingTable(rows) {
  return table(
    ["command (racknet)", "first output", "end to end", "calls", "calls a second during the operation"],
    rows.map((row) =>
      row.error ? [`\`${row.command}\` (failed: ${row.error})`, "–", "–", "–", "–"] : [`\`${row.command}\``, seconds(row.firstOutput), seconds(row.endToEnd), count(row.calls), Number.isFinite(row.callsPerSecondDuringOperation) ? row.callsPerSecondDuringOperation.toFixed(2) : "–"],
    ),
  );
}

/** Every ETA each install printed against the time really left then (issue 22). */
export function etaTable(installs) {
  const check = (one) => (one ? `${one.text} (${one.low}–${one.high} s) with ${one.left.toFixed(1)} s left` : "–");
  return table(
    ["install", "first output", "ETAs shown", "held", "first ETA", "first miss"],
    installs.map((run) =>
      run.error
        ? [run.rack, "–", `failed: ${run.error}`, "–", "–", "–"]
        : run.eta.shown
          ? [run.rack, seconds(run.firstOutput), count(run.eta.checks.length), `${run.eta.inside} of ${run.eta.checks.length}`, check(run.eta.first), check(run.eta.missed)]
          : [run.rack, seconds(run.firstOutput), "none", "–", "–", "–"],
    ),
  );
}
