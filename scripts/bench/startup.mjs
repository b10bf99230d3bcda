// Whole-process timings that need no AWS: start-up against bare Node, and `manifest check`
// of a 500-service manifest. Each is the wall time from spawn to exit, measured in Node;
// the commands are alternated round by round so that machine noise hits both alike.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { median } from "./measure.mjs";

function timed(command, args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function alternate(variants, rounds) {
  const times = variants.map(() => []);
  for (let round = 0; round < rounds; round += 1) variants.forEach((variant, index) => times[index].push(variant()));
  return times.map(median);
}

/** A manifest of `count` services, each with health, scale and environment, each linking to the one before. */
export function bigManifest(count) {
  const service = (i) =>
    `  svc-${i}:\n    image: example/svc:${i}\n    port: ${3000 + i}\n    internal: ${i % 2 === 0}\n` +
    `    health:\n      path: /health\n      interval: 10\n      timeout: 5\n` +
    `    scale:\n      count: 1-3\n      cpu: 256\n      memory: 512\n      targets:\n        cpu: 70\n` +
    `    environment:\n      - LOG_LEVEL=info\n      - SERVICE_INDEX=${i}\n      - FEATURE\n` +
    `${i > 0 ? `    links: [svc-${i - 1}]\n` : ""}`;
  return `services:\n${Array.from({ length: count }, (_, i) => service(i)).join("")}`;
}

/**
 * @param {{ root: string, racknet: string, work: string, rounds: number }} settings
 * @returns {{ measure: string, ms: number, nodeMs: number, rounds: number }[]}
 */
export function measureStartup({ root, racknet, work, rounds }) {
  const node = () => timed(process.execPath, ["-e", "0"], root);
  const racknetRun = (...args) => () => timed(process.execPath, [racknet, ...args], root);
  const manifest = join(work, "convox.yml");
  writeFileSync(manifest, bigManifest(500));
  const check = ["manifest", "check", "-f", manifest, "--rack-params", "Internal=Yes", "-a", "big", "-r", "bench", "--json"];
  // The floor issue 27 item 3 is held to (docs/decisions.md): js-yaml alone reading the same
  // file with the schema racknet uses, nothing else, run beside racknet round by round.
  const floor = () => timed(process.execPath, ["--input-type=module", "-e", `import { readFileSync } from "node:fs"; import { load, CORE_SCHEMA } from "js-yaml"; load(readFileSync(${JSON.stringify(manifest)}, "utf8"), { schema: CORE_SCHEMA });`], root);
  const rows = [
    ["`racknet --help`", racknetRun("--help")],
    ["`racknet --version`", racknetRun("--version")],
    ["`racknet manifest check`, 500 services (offline)", racknetRun(...check), floor],
  ];
  return rows.map(([measure, run, yamlOnly]) => {
    if (!yamlOnly) {
      const [ms, nodeMs] = alternate([run, node], rounds);
      return { measure, ms, nodeMs, rounds };
    }
    const [ms, nodeMs, floorMs] = alternate([run, node, yamlOnly], rounds);
    return { measure, ms, nodeMs, floorMs, rounds };
  });
}
