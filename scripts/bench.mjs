#!/usr/bin/env node
// Speed and AWS-call counts, measured from one run on this machine (numbers go to BENCHMARKS.md).
// `npm run bench` builds first. Starts its own moto_server; needs the AWS CLI for the comparison.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMoto } from "./moto-server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const racknet = join(root, "bin", "racknet");
const work = mkdtempSync(join(tmpdir(), "racknet-bench-"));
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);

function timed(command, args, env = process.env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, encoding: "utf8", cwd: root, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Alternate the commands round by round so machine noise hits both alike. */
function compare(label, variants, count = rounds) {
  const times = variants.map(() => []);
  for (let round = 0; round < count; round += 1) {
    variants.forEach((variant, index) => times[index].push(variant().ms));
  }
  const medians = times.map(median);
  return { label, medians, ratio: medians[0] / medians[1] };
}

const lines = [];
const report = (line) => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

report(`racknet benchmark, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
report("");

// 1. Start-up.
const bare = () => timed(process.execPath, ["-e", ""]);
const help = compare("racknet --help vs node -e ''", [() => timed(process.execPath, [racknet, "--help"]), bare]);
const version = compare("racknet --version vs node -e ''", [() => timed(process.execPath, [racknet, "--version"]), bare]);
for (const result of [help, version]) {
  report(`${result.label}: ${result.medians[0].toFixed(0)} ms vs ${result.medians[1].toFixed(0)} ms = ${result.ratio.toFixed(2)}x (medians of ${rounds})`);
}

// 2. manifest check of a 500-service manifest (whole process, offline).
const big = join(work, "convox.yml");
writeFileSync(
  big,
  `services:\n${Array.from({ length: 500 }, (_, i) => `  svc-${i}:\n    image: example/svc:${i}\n    port: ${3000 + (i % 1000)}\n    internal: ${i % 2 === 0}\n${i > 0 ? `    links: [svc-${i - 1}]\n` : ""}`).join("")}`,
);
const check = compare("manifest check, 500 services vs node -e ''", [
  () => timed(process.execPath, [racknet, "manifest", "check", "-f", big, "--rack-params", "Internal=Yes", "-a", "big", "-r", "bench", "--json"]),
  bare,
], 7);
report(`racknet manifest check (500 services): ${check.medians[0].toFixed(0)} ms (median of 7, whole process; node alone ${check.medians[1].toFixed(0)} ms)`);

// 3. rack install vs aws cloudformation deploy of the same template, on moto.
const moto = await startMoto();
try {
  const env = { ...process.env, AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: "us-east-1", AWS_DEFAULT_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench" };
  delete env.AWS_PROFILE;
  const calls = (args) => {
    const result = timed(process.execPath, [racknet, ...args, "--debug"], env);
    return { ms: result.ms, calls: result.stderr.split("\n").filter((line) => line.includes("debug: aws ")).length };
  };
  const installs = [];
  const deploys = [];
  const installRounds = Number(process.env.BENCH_INSTALL_ROUNDS ?? 3);
  let certificateArn = "";
  for (let round = 0; round < installRounds; round += 1) {
    const install = calls(["rack", "install", `bench-rn-${round}`, "--yes"]);
    installs.push(install);
    if (!certificateArn) {
      const stack = JSON.parse(execFileSync("aws", ["cloudformation", "describe-stacks", "--stack-name", "bench-rn-0", "--endpoint-url", moto.endpoint, "--output", "json"], { env, encoding: "utf8" }));
      certificateArn = stack.Stacks[0].Parameters.find((p) => p.ParameterKey === "RackCertificateArn").ParameterValue;
    }
    const templateFile = join(work, "rack.json");
    // Minified, as racknet sends it: the pretty-printed file is over aws's 51,200-byte inline limit.
    writeFileSync(templateFile, JSON.stringify(JSON.parse(timed(process.execPath, [racknet, "rack", "template"], env).stdout)));
    deploys.push(
      timed("aws", ["cloudformation", "deploy", "--template-file", templateFile, "--stack-name", `bench-aws-${round}`, "--capabilities", "CAPABILITY_IAM", "--parameter-overrides", `RackCertificateArn=${certificateArn}`, "--endpoint-url", moto.endpoint], env),
    );
  }
  const installMs = median(installs.map((i) => i.ms));
  const deployMs = median(deploys.map((d) => d.ms));
  report(`racknet rack install vs aws cloudformation deploy (same template, moto): ${installMs.toFixed(0)} ms vs ${deployMs.toFixed(0)} ms = aws takes ${(deployMs / installMs).toFixed(1)}x as long (medians of ${installRounds})`);

  // 4. AWS calls per command.
  report("");
  report("AWS calls per command (from --debug):");
  report(`  rack install: ${installs[0].calls}`);
  const perCommand = [
    ["rack", "-r", "bench-rn-0"],
    ["rack", "params", "-r", "bench-rn-0"],
    ["rack", "params", "set", "Internal=Yes", "-r", "bench-rn-0", "--yes"],
  ];
  for (const args of perCommand) report(`  ${args.slice(0, args.indexOf("-r")).join(" ")}: ${calls(args).calls}`);
  for (const size of [3, 30]) {
    const file = join(work, `app-${size}.yml`);
    writeFileSync(file, `services:\n${Array.from({ length: size }, (_, i) => `  s${i}:\n    image: example/s:${i}\n    port: ${4000 + i}\n    internal: true\n`).join("")}`);
    const deploy = calls(["deploy", "-a", `app${size}`, "-f", file, "-r", "bench-rn-0", "--yes"]);
    const services = calls(["services", "-a", `app${size}`, "-r", "bench-rn-0"]);
    const names = calls(["private-networks-domain-names", "-a", `app${size}`, "-r", "bench-rn-0"]);
    report(`  app with ${size} services: deploy ${deploy.calls}, services ${services.calls}, private-networks-domain-names ${names.calls}`);
  }
} finally {
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
}
