/**
 * Set-ups the command tests share, made the way a user makes them: a rack installed by
 * `rack install`, an app deployed by `deploy`, each with --yes on the in-memory AWS.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as rackInstall } from "../../src/operations/rack-install.js";
import type { AwsHarness, Outcome } from "./aws-harness.js";

const manifests = mkdtempSync(join(tmpdir(), "racknet-commands-"));

/** A convox.yml with this text, in a directory of its own. */
export function manifestFile(text: string, name = "convox.yml"): string {
  const dir = mkdtempSync(join(manifests, "app-"));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Run with these global flags for once, then put them back. */
export async function withOptions(h: AwsHarness, options: Partial<AwsHarness["options"]>, step: () => Promise<Outcome>): Promise<Outcome> {
  const saved = { ...h.options };
  Object.assign(h.options, options);
  try {
    return await step();
  } finally {
    Object.assign(h.options, saved);
    for (const key of Object.keys(options) as (keyof AwsHarness["options"])[]) if (!(key in saved)) delete h.options[key];
  }
}

/** `racknet rack install NAME PARAMS... --yes`; the set-up must succeed. */
export async function installedRack(h: AwsHarness, name: string, params: string[] = []): Promise<void> {
  const outcome = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name, params, private: false }));
  expect(outcome.stderr, `rack install ${name} in the set-up`).toContain(`rack ${name} installed`);
}

/** `racknet deploy -a APP -r RACK -f <manifest> --yes`; the set-up must succeed. */
export async function deployedApp(h: AwsHarness, rack: string, app: string, manifest: string): Promise<void> {
  const outcome = await withOptions(h, { yes: true, rack, app }, () => h.run(deploy, { file: manifestFile(manifest) }));
  expect(outcome.stderr, `deploy ${app} in the set-up`).toContain(`app ${app} deployed to rack ${rack}`);
}

/**
 * An app whose external names are served with an issued public certificate, as a user gets
 * there on a rack without HostedZoneId: deploy (racknet requests the certificates), the DNS
 * records created (here: ACM issues them), deploy again (the stack attaches them).
 */
export async function servedApp(h: AwsHarness, rack: string, app: string, manifest: string): Promise<void> {
  await deployedApp(h, rack, app, manifest);
  for (const [arn, certificate] of h.certificates.certificates) if (certificate.requested && certificate.tags["racknet:app"] === app) h.certificates.issue(arn);
  await deployedApp(h, rack, app, manifest);
}

export const PUBLIC_WEB = `services:
  web:
    image: nginx:1.27
    port: 80
  worker:
    image: example/worker:3
`;

export const INTERNAL_API = `services:
  api:
    image: example/api:1.4
    port: 4000
    internal: true
`;
