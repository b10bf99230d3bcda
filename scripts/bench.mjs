#!/usr/bin/env node
// racknet's benchmark (numbers go to BENCHMARKS.md). `npm run bench` builds first; then:
//   1. start-up against bare Node and `manifest check` of 500 services, whole process;
//   2. racknet against `aws cloudformation deploy` under AWS's timing (scripts/bench/), through
//      a proxy in front of a moto_server that this script starts and stops. Needs the AWS CLI.
// Flags: --runs N (rounds of step 2, default 3: about 8 minutes), --seed N, --latency-ms N,
// --hold-s 17-23 (stack operations), --changeset-s 2-4, --startup-rounds N, --log-dir DIR
// (keeps each lane's JSON-lines call log), --json FILE (every run's measures), --skip-startup,
// --skip-aws; --scale-apps 1,5,20 and --scale-hold-s 10 (`rack params set Private=Yes` on racks of
// that many apps), --hundred N (default 100: the commands of a rack of N apps, stack operations
// of --hundred-hold-s, default 2), --skip-scale, --skip-hundred; --eta-installs N (default 10,
// side by side, stack operations of --eta-hold-s, default --hold-s: every ETA each printed against
// the time really left); --eta-only (only those installs, on their own moto and proxy).
// --install-calls N (default 0): N installs alone, each followed by the AWS CLI deploying its
// template (--install-hold-s, default 20): calls by action, time to ExecuteChangeSet and CPU
// seconds (scripts/bench/install-calls.mjs). --racknet PATH measures another build's
// bin/racknet (a before-and-after in one run).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startMoto } from "./moto-server.mjs";
import { runAwsTiming } from "./bench/aws-timing.mjs";
import { measureStartup } from "./bench/startup.mjs";
import { callTable, etaTable, hundredTable, readCallTable, scaleTable, sequences, startupTable, timingTable, waitingTable } from "./bench/report.mjs";
import { measureAppScale, measureHundredApps } from "./bench/scale.mjs";
import { installCallsReport, measureInstallCalls } from "./bench/install-calls.mjs";
import { startAwsLikeProxy } from "./bench/awslike-proxy.mjs";
import { measureEtaInstalls } from "./bench/eta.mjs";
import { between, seededRandom } from "./bench/random.mjs";
import { awsEnv } from "./bench/tools.mjs";

// The benchmark's own SDK clients (reading moto) need not warn about the Node version.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let racknet = join(root, "bin", "racknet");
const manifest = join("examples", "shop", "convox.yml");

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    seed: { type: "string", default: "13" },
    "latency-ms": { type: "string", default: "80" },
    "hold-s": { type: "string", default: "17-23" },
    "changeset-s": { type: "string", default: "2-4" },
    "startup-rounds": { type: "string", default: "15" },
    "log-dir": { type: "string" },
    json: { type: "string" },
    "skip-startup": { type: "boolean", default: false },
    "skip-aws": { type: "boolean", default: false },
    "scale-apps": { type: "string", default: "1,5,20" },
    "scale-hold-s": { type: "string", default: "10" },
    hundred: { type: "string", default: "100" },
    "hundred-hold-s": { type: "string", default: "2" },
    "skip-scale": { type: "boolean", default: false },
    "skip-hundred": { type: "boolean", default: false },
    "eta-installs": { type: "string", default: "10" },
    "eta-hold-s": { type: "string" },
    "install-calls": { type: "string", default: "0" },
    "install-hold-s": { type: "string", default: "20" },
    racknet: { type: "string" },
    "eta-only": { type: "boolean", default: false },
  },
});

// --racknet PATH: another build's launcher (an older commit's, for a before-and-after in one run).
if (values.racknet) racknet = resolve(values.racknet);

/** `rack install` alone, N rounds, each against the AWS CLI on the same template (scripts/bench/install-calls.mjs). */
async function installCalls() {
  const latencyMs = Number(values["latency-ms"]);
  const holdMs = Number(values["install-hold-s"]) * 1000;
  const moto = await startMoto({ accountQuotas: { "ec2/L-0263D0A3": 100, "vpc/L-F678F1CE": 50, "vpc/L-A4707A72": 50, "vpc/L-FE5A380F": 50 } });
  try {
    const runs = Number(values["install-calls"]);
    record.installCalls = await measureInstallCalls({ root, racknet, motoEndpoint: moto.endpoint, work, runs, latencyMs, holdMs, changeSetMs: 3_000, progress });
    out();
    out(`\`rack install\` alone, ${runs} rounds (medians; the first round also makes the Region's staging bucket): ${latencyMs} ms a call, stack operations of ${holdMs / 1000} s, change sets 3 s; load average ${load()}:`);
    out();
    installCallsReport(record.installCalls).forEach((line) => out(line));
  } finally {
    await moto.stop();
  }
}

/** "17-23" -> [17, 23]; "20" -> [20, 20]. */
function range(text, flag) {
  const [low, high = low] = text.split("-").map(Number);
  if (!(low > 0 && high >= low)) throw new Error(`${flag}: expected seconds like 20 or 17-23, got ${text}`);
  return [low, high];
}

const out = (line = "") => process.stdout.write(`${line}\n`);
// Other work on the machine slows every process alike; the load says how busy it was.
const load = () => loadavg().map((value) => value.toFixed(1)).join(" ");
const progress = (line) => process.stderr.write(`${line}\n`);
/** Issue 22: an install holds when every ETA it printed held the time really left then (right for 8 of 10). */
function etaReport(installs) {
  const held = installs.filter((run) => run.eta?.contains).length;
  const holds = installs.map((run) => run.holdMs / 1000);
  out();
  out(
    `${installs.length} installs side by side, each its own stack operation of ${Math.min(...holds).toFixed(1)}–${Math.max(...holds).toFixed(1)} s: every ETA each printed ` +
      `against the time really left when it was printed (issue 22: all of an install's ETAs right for 8 of 10); held: ${held} of ${installs.length}.`,
  );
  out();
  etaTable(installs).forEach((line) => out(line));
}

const work = mkdtempSync(join(tmpdir(), "racknet-bench-"));
const began = Date.now();
const record = {};
try {
  out(`racknet benchmark, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${load()}`);
  if (!values["skip-startup"]) {
    record.startup = measureStartup({ root, racknet, work, rounds: Number(values["startup-rounds"]) });
    out();
    startupTable(record.startup).forEach((line) => out(line));
  }
  if (Number(values["install-calls"]) > 0) await installCalls();
  if (values["eta-only"]) {
    // Issue 22's ETA measure alone (BENCHMARKS.md, "The ETA under the AWS-timing proxy").
    const moto = await startMoto({ accountQuotas: { "ec2/L-0263D0A3": 100, "vpc/L-F678F1CE": 50, "vpc/L-A4707A72": 50, "vpc/L-FE5A380F": 50 } });
    const perStackHold = new Map();
    const random = seededRandom(Number(values.seed));
    const changeSet = range(values["changeset-s"], "--changeset-s");
    const lane = await startAwsLikeProxy({
      upstream: moto.endpoint,
      latencyMs: Number(values["latency-ms"]),
      holdMs: (stack) => perStackHold.get(stack) ?? 20_000,
      changeSetMs: () => Math.round(between(random, ...changeSet) * 1000),
      log: values["log-dir"] ? join(resolve(values["log-dir"]), "eta.jsonl") : undefined,
    });
    try {
      const holdSeconds = range(values["eta-hold-s"] ?? values["hold-s"], "--eta-hold-s");
      const holds = Array.from({ length: Number(values["eta-installs"]) }, () => Math.round(between(random, ...holdSeconds) * 1000));
      record.etaInstalls = await measureEtaInstalls({ racknet, root, env: awsEnv(lane.endpoint), lane, perStackHold, holds, progress });
    } finally {
      await lane.stop();
      await moto.stop();
    }
    etaReport(record.etaInstalls);
  }
  if (!values["skip-aws"] && !values["eta-only"]) {
    const runs = Number(values.runs);
    const latencyMs = Number(values["latency-ms"]);
    const holdSeconds = range(values["hold-s"], "--hold-s");
    const changeSetSeconds = range(values["changeset-s"], "--changeset-s");
    const logDir = values["log-dir"] ? resolve(values["log-dir"]) : undefined;
    if (logDir) mkdirSync(logDir, { recursive: true });
    // Each round installs a rack for racknet and its twin for the AWS CLI, all in one emulated
    // account: more VPCs, internet gateways and Elastic IPs than AWS's defaults (5 a region),
    // so the account is given raised quotas, as the e2e tests' account is (test/support/moto.ts).
    const moto = await startMoto({ accountQuotas: { "ec2/L-0263D0A3": 100, "vpc/L-F678F1CE": 50, "vpc/L-A4707A72": 50, "vpc/L-FE5A380F": 50 } });
    try {
      const etaInstalls = Number(values["eta-installs"]);
      const etaHoldSeconds = values["eta-hold-s"] ? range(values["eta-hold-s"], "--eta-hold-s") : holdSeconds;
      Object.assign(record, await runAwsTiming({ root, racknet, manifest, motoEndpoint: moto.endpoint, work, runs, seed: Number(values.seed), latencyMs, holdSeconds, changeSetSeconds, logDir, progress, etaInstalls, etaHoldSeconds }));
    } finally {
      await moto.stop();
    }
    out();
    out(`Under AWS's timing: ${latencyMs} ms a call, stack operations ${holdSeconds.join("–")} s and change sets ${changeSetSeconds.join("–")} s (seeded draws, the same for both tools in a round); medians of ${runs}.`);
    out();
    timingTable(record.results).forEach((line) => out(line));
    out();
    callTable(record.results).forEach((line) => out(line));
    out();
    out("Calls of the first round (‖ overlapping, → one after another):");
    sequences(record.results).forEach((line) => out(line));
    out();
    readCallTable(record.readCalls).forEach((line) => out(line));
    out();
    out("The waiting commands the rounds do not run, once each on the last round's racks (issue 22: output within a second):");
    out();
    waitingTable(record.waiting).forEach((line) => out(line));
    if (record.etaInstalls.length > 0) etaReport(record.etaInstalls);
  }
  if (!values["eta-only"] && (!values["skip-scale"] || !values["skip-hundred"])) {
    const latencyMs = Number(values["latency-ms"]);
    const moto = await startMoto({ accountQuotas: { "ec2/L-0263D0A3": 200, "vpc/L-F678F1CE": 50, "vpc/L-A4707A72": 50, "vpc/L-FE5A380F": 50 } });
    try {
      if (!values["skip-scale"]) {
        const holdMs = Number(values["scale-hold-s"]) * 1000;
        const counts = values["scale-apps"].split(",").map(Number);
        record.scale = await measureAppScale({ root, racknet, motoEndpoint: moto.endpoint, work, counts, holdMs, latencyMs, progress });
        out();
        out(`\`rack params set Private=Yes\` by the number of apps on the rack, under AWS's timing: ${latencyMs} ms a call, stack operations of ${holdMs / 1000} s, change sets 2 s (one run each, the same moto):`);
        out();
        scaleTable(record.scale).forEach((line) => out(line));
      }
      if (!values["skip-hundred"]) {
        const holdMs = Number(values["hundred-hold-s"]) * 1000;
        const count = Number(values.hundred);
        record.hundred = await measureHundredApps({ root, racknet, motoEndpoint: moto.endpoint, work, count, holdMs, latencyMs, progress });
        out();
        out(`A rack of ${count} apps, under AWS's timing: ${latencyMs} ms a call, stack operations of ${holdMs / 1000} s (one run each):`);
        out();
        hundredTable(record.hundred).forEach((line) => out(line));
      }
    } finally {
      await moto.stop();
    }
  }
  out();
  out(`benchmark took ${((Date.now() - began) / 60_000).toFixed(1)} min; load average at the end ${load()}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(record, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
