#!/usr/bin/env node
// README.md's sample session, from a real run: the built CLI against a moto_server this
// script starts and stops, each command's output condensed the way the README shows it (long
// tables and CI progress lines cut to `…`). The block sits between the markers below.
//
//   node scripts/readme-samples.mjs           print the block
//   node scripts/readme-samples.mjs --write   put it in README.md
//   node scripts/readme-samples.mjs --check   exit 1 when README.md's block differs (ids,
//                                             addresses and durations of the run aside)
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMoto } from "./moto-server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const racknet = join(root, "bin", "racknet");
export const START = "<!-- readme-samples:start (scripts/readme-samples.mjs writes this block) -->";
export const END = "<!-- readme-samples:end -->";

const SESSION = [
  ["rack", "install", "production", "--private", "Internal=Yes", "Domain=apps.example.com", "--yes"],
  ["deploy", "-a", "shop", "-f", "examples/shop/convox.yml", "-r", "production", "--yes"],
  ["services", "-a", "shop", "-r", "production"],
  ["rack", "params", "set", "InternalOnly=Yes", "-r", "production"],
];

function runRacknet(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [racknet, ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** What the README shows of a command's output: a plan's first rows, no CI progress lines, no cost table. */
export function condense(text) {
  const out = [];
  let rows = -1;
  let skipping = false;
  // A cut at the very start is the sign of life of a command that took a while: it says nothing here.
  const cut = () => {
    if (out.length > 0 && out.at(-1) !== "…") out.push("…");
  };
  for (const line of text.split("\n")) {
    if (/^ACTION +RESOURCE/.test(line)) {
      rows = 0;
      out.push(line);
      continue;
    }
    if (rows >= 0 && /^(Add|Modify|Remove|Import|Dynamic)\b/.test(line)) {
      rows += 1;
      if (rows <= 2) out.push(line);
      else cut();
      continue;
    }
    rows = -1;
    if (/^\d\d:\d\d:\d\d {2}/.test(line) || /^\s*\+ /.test(line)) {
      cut();
      continue;
    }
    if (/^Monthly cost/.test(line)) {
      out.push(line);
      skipping = true;
      continue;
    }
    if (skipping && /^ {2}\S/.test(line) && !/^ {2}(•|!)/.test(line)) {
      cut();
      continue;
    }
    skipping = false;
    if (line !== "") out.push(line);
  }
  return out.join("\n");
}

/** A run's own ids, addresses and times, so two runs compare. */
export function comparable(text) {
  return text
    .replace(/[A-Za-z0-9-]+-\d+\.[a-z0-9-]+\.elb\.amazonaws\.com/g, "<elb>")
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, "<ip>")
    .replace(/\bin \d+(m\d\ds|s)\b/g, "in <time>")
    // ACM's certificate ids and DNS-validation tokens are new on every request.
    .replace(/:certificate\/[0-9a-f-]{36}/g, ":certificate/<id>")
    .replace(/_[0-9a-f]{32}\.([a-z0-9]+\.acm-validations\.aws)?/g, "_<token>.")
    .replace(/prices read \d{4}-\d\d-\d\d/g, "prices read <date>");
}

export async function session() {
  const moto = await startMoto();
  const env = { ...process.env, AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "demo", AWS_SECRET_ACCESS_KEY: "demo", NO_COLOR: "1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  delete env.AWS_PROFILE;
  delete env.RACKNET_RACK;
  const lines = [];
  try {
    for (const args of SESSION) {
      const result = await runRacknet(args, env);
      lines.push(`$ racknet ${args.join(" ")}`, condense(`${result.stderr}${result.stdout}`));
    }
  } finally {
    await moto.stop();
  }
  return ["```console", ...lines.filter(Boolean), "```"].join("\n");
}

export function readmeBlock(readme) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no block between ${START} and ${END}`);
  return { before: readme.slice(0, start + START.length), block: readme.slice(start + START.length, end).trim(), after: readme.slice(end) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const block = await session();
  const path = join(root, "README.md");
  const current = process.argv.includes("--write") || process.argv.includes("--check") ? readmeBlock(readFileSync(path, "utf8")) : undefined;
  if (!current) {
    process.stdout.write(`${block}\n`);
  } else if (process.argv.includes("--write")) {
    writeFileSync(path, `${current.before}\n${block}\n${current.after}`);
  } else if (process.argv.includes("--check")) {
    if (comparable(current.block) !== comparable(block)) {
      process.stderr.write(`README.md's sample session differs from a run; run \`node scripts/readme-samples.mjs --write\`\n--- run ---\n${block}\n`);
      process.exitCode = 1;
    }
  }
}
