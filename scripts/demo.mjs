#!/usr/bin/env node
// The main job, end to end, against a local moto_server that this script starts and stops:
// install a private rack with an internal load balancer, deploy the example app, list its
// services and private network names. Run with `npm run demo` (it builds first).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMoto } from "./moto-server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const racknet = join(root, "bin", "racknet");

const steps = [
  ["rack", "install", "demo", "--private", "Internal=Yes", "--yes"],
  ["rack", "-r", "demo"],
  ["deploy", "-a", "shop", "-f", join("examples", "shop", "convox.yml"), "-r", "demo", "--yes"],
  ["services", "-a", "shop", "-r", "demo"],
  ["private-networks-domain-names", "-a", "shop", "-r", "demo"],
  ["apps", "-r", "demo"],
];

function run(args, env) {
  process.stdout.write(`\n$ racknet ${args.join(" ")}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [racknet, ...args], { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

const moto = await startMoto();
process.stdout.write(`moto_server (patched to behave like AWS, see scripts/moto/launch.py) on ${moto.endpoint}\n`);
let failed = 0;
try {
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "demo",
    AWS_SECRET_ACCESS_KEY: "demo",
    AWS_PROFILE: "",
  };
  delete env.AWS_PROFILE;
  for (const step of steps) {
    const code = await run(step, env);
    if (code !== 0) {
      process.stderr.write(`\nstep failed with exit code ${code}: racknet ${step.join(" ")}\n`);
      failed = code;
      break;
    }
  }
} finally {
  await moto.stop();
}
process.stdout.write(failed === 0 ? "\ndemo complete: moto stopped\n" : "\ndemo failed: moto stopped\n");
process.exitCode = failed;
