import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMoto, awsEnv } from "../support/moto.js";
import { runCli } from "../support/cli.js";

/**
 * Plans are honest (issue 12): what `deploy --dry-run` shows is exactly what the deploy that
 * follows changes, for every kind of app, on a first deploy and on an update.
 */
const KINDS: Record<string, string> = {
  external: "services:\n  web:\n    image: nginx:1.27\n    port: 80\n",
  internal: "services:\n  api:\n    image: example/api:1\n    port: 4000\n    internal: true\n",
  both: "services:\n  admin:\n    image: example/admin:2\n    port: 8080\n    internalAndExternal: true\n",
  router: "services:\n  peer:\n    image: example/peer:1\n    port: 9000\n    internalRouter: true\n",
  worker: "services:\n  worker:\n    image: example/worker:3\n    environment: [QUEUE=jobs]\n",
};

const dir = mkdtempSync(join(tmpdir(), "racknet-plans-"));
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(args, { env, cwd: dir });

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  const install = await cli("rack", "install", "honest", "Internal=Yes", "internal_router=true", "--yes");
  if (install.code !== 0) throw new Error(`setup rack install failed: ${install.stderr}`);
});

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface PlannedChange {
  action: string;
  logicalId: string;
  resourceType: string;
}

/** The plan a deploy printed under --json, as (action, resource, type) rows, sorted. */
async function planOf(file: string, app: string, ...flags: string[]): Promise<string[]> {
  const result = await cli("deploy", "-a", app, "-r", "honest", "-f", file, "--json", ...flags);
  expect(result.code, result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout) as { plan?: { changes: PlannedChange[] } };
  expect(parsed.plan, `${app} ${flags.join(" ")}: a plan`).toBeDefined();
  return (parsed.plan?.changes ?? []).map((change) => `${change.action} ${change.logicalId} ${change.resourceType}`).sort();
}

describe("deploy --dry-run shows exactly the changes the deploy makes", () => {
  for (const [kind, manifest] of Object.entries(KINDS)) {
    it(`${kind}: first deploy, then an update`, async () => {
      const file = join(dir, `${kind}.yml`);
      writeFileSync(file, manifest);
      const app = `plan-${kind}`;
      const dry = await planOf(file, app, "--dry-run");
      expect(dry.length).toBeGreaterThan(0);
      expect(await planOf(file, app, "--yes")).toEqual(dry);

      // An update: a new image tag and one more task.
      writeFileSync(file, `${manifest.replace(/image: (\S+)\n/, "image: $1-next\n")}    scale: 2\n`);
      const dryUpdate = await planOf(file, app, "--dry-run");
      expect(dryUpdate.length).toBeGreaterThan(0);
      expect(await planOf(file, app, "--yes")).toEqual(dryUpdate);
    });
  }
});
