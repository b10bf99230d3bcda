#!/usr/bin/env node
// The smoke check of .ci/run's Node 22 and 24 passes: the demo's first command, a private
// rack with an internal load balancer installed by the built CLI under this Node against a
// patched moto_server, and the rack then listed. Exits non-zero, saying why, if either fails.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMoto } from "../scripts/moto-server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const moto = await startMoto();
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_ENDPOINT_URL: moto.endpoint,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_CONFIG_FILE: "/nonexistent/racknet-smoke-aws-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/racknet-smoke-aws-credentials",
  AWS_EC2_METADATA_DISABLED: "true",
  NO_COLOR: "1",
};
const racknet = (...args) => spawnSync(process.execPath, [join(root, "bin", "racknet"), ...args], { env, encoding: "utf8", timeout: 300_000 });

let failure;
try {
  const install = racknet("rack", "install", "demo", "--private", "Internal=Yes", "--yes");
  if (install.status !== 0) failure = `rack install demo exited ${install.status ?? install.signal}:\n${install.stderr}`;
  else {
    const racks = racknet("racks", "--json");
    const names = racks.status === 0 ? JSON.parse(racks.stdout).map((rack) => rack.name) : [];
    if (!names.includes("demo")) failure = `racks --json did not list demo (exit ${racks.status}):\n${racks.stdout}${racks.stderr}`;
  }
} finally {
  await moto.stop();
}
if (failure) {
  process.stderr.write(`smoke check on Node ${process.version} failed: ${failure}\n`);
  process.exit(1);
}
process.stdout.write(`smoke check on Node ${process.version}: rack install demo --private Internal=Yes, then racks: ok\n`);
