import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeTaskDefinitionCommand, paginateListTaskDefinitions } from "@aws-sdk/client-ecs";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { DescribeStacksCommand, GetTemplateCommand } from "@aws-sdk/client-cloudformation";
import { startMoto, awsEnv, awsClients } from "../support/moto.js";
import { runCli, hasStackTrace, type CliResult } from "../support/cli.js";

/**
 * Secrets stay secret (docs/decisions.md, "Input hardening"): environment values are never
 * printed by plans, services, logs or --debug (keys may be), and the AWS credentials never are.
 */

const SECRETS = {
  listed: "listed-s3cr3t-Q7v9",
  withEquals: "postgres://app:pa55=word@db.internal:5432/shop",
  mapped: "mapped-s3cr3t-Zk42",
  token: "tok_live_9f8e7d6c5b4a",
  logLevel: "debug-s3cr3t-level-77",
};
const SECRET_ACCESS_KEY = "e2e-secret-access-key-DO-NOT-PRINT-1234567890";
const SESSION_TOKEN = "e2e-session-token-DO-NOT-PRINT-abcdefghijklmnop";

const MANIFEST = `services:
  web:
    image: nginx:1.27
    port: 3000
    links: [api]
    environment:
      - API_KEY=${SECRETS.listed}
      - DATABASE_URL=${SECRETS.withEquals}
      - LOG_LEVEL
  api:
    image: example/api:1.4
    port: 4000
    environment:
      STRIPE_TOKEN: ${SECRETS.mapped}
      SESSION_SECRET: "${SECRETS.token}"
  worker:
    image: example/worker:3
    environment: [QUEUE_PASSWORD=${SECRETS.token}]
`;

/** An environment entry the schema refuses: the problem names it, never its value. */
const BAD_MANIFEST = `services:
  web:
    image: nginx:1.27
    environment:
      - 9API_KEY=${SECRETS.listed}
      - OK=1
    port: 80
`;

const dir = mkdtempSync(join(tmpdir(), "racknet-secrets-"));
const manifest = join(dir, "convox.yml");
const badManifest = join(dir, "bad.yml");

let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(args, { env, cwd: dir });

function expectNoSecrets(result: CliResult, what: string): void {
  const output = `${result.stdout}\n${result.stderr}`;
  expect(output, what).not.toSatisfy(hasStackTrace);
  for (const secret of [...Object.values(SECRETS), SECRET_ACCESS_KEY, SESSION_TOKEN]) {
    expect(output.includes(secret), `${what} printed ${secret}`).toBe(false);
  }
}

beforeAll(async () => {
  writeFileSync(manifest, MANIFEST);
  writeFileSync(badManifest, BAD_MANIFEST);
  moto = await startMoto();
  env = awsEnv(moto.endpoint, { AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: SESSION_TOKEN });
  const install = await runCli(["rack", "install", "vault", "--yes", "--debug"], { env });
  expectNoSecrets(install, "rack install --debug");
  if (install.code !== 0) throw new Error(`setup rack install failed: ${install.stderr}`);
  // LOG_LEVEL is required (no default in the manifest): the app environment holds it.
  const set = await runCli(["env", "set", `LOG_LEVEL=${SECRETS.logLevel}`, "-a", "vault-app", "-r", "vault", "--yes"], { env });
  expectNoSecrets(set, "env set");
  if (set.code !== 0) throw new Error(`setup env set failed: ${set.stderr}`);
});

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("environment values and credentials are never printed", () => {
  it("deploy --dry-run shows the plan without the values", async () => {
    const result = await cli("deploy", "-a", "vault-app", "-f", manifest, "-r", "vault", "--dry-run", "--debug");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Plan to create");
    expectNoSecrets(result, "deploy --dry-run --debug");
  });

  it("deploy --debug logs every AWS call without the values, and the values did reach the task definitions", async () => {
    const result = await cli("deploy", "-a", "vault-app", "-f", manifest, "-r", "vault", "--yes", "--debug");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("debug: aws CloudFormation.");
    expectNoSecrets(result, "deploy --yes --debug");

    // The task definitions name SSM parameters (Secrets); the values are there, encrypted, and nowhere else.
    const { ecs, ssm, cloudFormation } = awsClients(moto.endpoint);
    // This app's task definitions (families `<rack>-<app>-<service>`): the account holds other files' apps too.
    const arns: string[] = [];
    for await (const page of paginateListTaskDefinitions({ client: ecs }, {})) arns.push(...(page.taskDefinitionArns ?? []).filter((arn) => arn.includes(":task-definition/vault-vault-app-")));
    const containers = await Promise.all(arns.map(async (arn) => (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition?.containerDefinitions?.[0]));
    const secrets = containers.flatMap((container) => container?.secrets ?? []);
    const valueOf = async (name: string) => {
      const from = secrets.find((secret) => secret.name === name)?.valueFrom ?? "";
      const parameter = await ssm.send(new GetParameterCommand({ Name: from.slice(from.indexOf(":parameter") + ":parameter".length), WithDecryption: true }));
      return { type: parameter.Parameter?.Type, value: parameter.Parameter?.Value };
    };
    expect(await valueOf("API_KEY")).toEqual({ type: "SecureString", value: SECRETS.listed });
    expect(await valueOf("STRIPE_TOKEN")).toEqual({ type: "SecureString", value: SECRETS.mapped });
    expect(await valueOf("LOG_LEVEL")).toEqual({ type: "SecureString", value: SECRETS.logLevel });
    const environments = containers.flatMap((container) => container?.environment ?? []).map((variable) => variable.value ?? "");
    const template = (await cloudFormation.send(new GetTemplateCommand({ StackName: "vault-vault-app" }))).TemplateBody ?? "";
    const parameters = JSON.stringify((await cloudFormation.send(new DescribeStacksCommand({ StackName: "vault-vault-app" }))).Stacks?.[0]?.Parameters ?? []);
    for (const secret of Object.values(SECRETS)) {
      expect(environments.join("\n").includes(secret), `a task definition's environment holds ${secret}`).toBe(false);
      expect(template.includes(secret), `the template holds ${secret}`).toBe(false);
      expect(parameters.includes(secret), `a stack parameter holds ${secret}`).toBe(false);
    }
  });

  it("a deploy with no changes, without --debug, prints none either", async () => {
    const result = await cli("deploy", "-a", "vault-app", "-f", manifest, "-r", "vault", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expectNoSecrets(result, "deploy --yes");
  });

  it("services, services --json, private-networks-domain-names and rack print none", async () => {
    for (const args of [
      ["services", "-a", "vault-app", "-r", "vault"],
      ["services", "-a", "vault-app", "-r", "vault", "--json", "--debug"],
      ["private-networks-domain-names", "-a", "vault-app", "-r", "vault", "--debug"],
      ["rack", "-r", "vault", "--debug"],
      ["rack", "params", "-r", "vault"],
    ]) {
      const result = await cli(...args);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      expectNoSecrets(result, args.join(" "));
    }
  });

  it("manifest check prints none, valid or not; a problem names the variable", async () => {
    for (const args of [["manifest", "check", "-f", manifest, "-a", "vault-app"], ["manifest", "check", "-f", manifest, "-a", "vault-app", "--json", "--debug"]]) {
      const result = await cli(...args);
      expect(result.code, result.stderr).toBe(0);
      expectNoSecrets(result, args.join(" "));
    }
    const bad = await cli("manifest", "check", "-f", badManifest, "-a", "vault-app");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('(got "9API_KEY=****")');
    expectNoSecrets(bad, "manifest check of a bad environment");
  });
});

describe("values equal to names hide no name (nothing is masked after the fact)", () => {
  it("with values equal to the rack, the app, a service and a common word stored, every command shows the names whole", async () => {
    const set = await cli("env", "set", "RACK_NAME=vault", "APP_NAME=vault-app", "SERVICE=worker", "WORD=internal", "-a", "vault-app", "-r", "vault", "--yes");
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toContain("app vault-app");
    expect(set.stderr).not.toContain("****");
    for (const args of [
      ["services", "-a", "vault-app", "-r", "vault"],
      ["services", "-a", "vault-app", "-r", "vault", "--json"],
      ["apps", "info", "vault-app", "-r", "vault"],
      ["apps", "info", "vault-app", "-r", "vault", "--json"],
      ["env", "-a", "vault-app", "-r", "vault"],
      ["env", "-a", "vault-app", "-r", "vault", "--json"],
      ["deploy", "-a", "vault-app", "-f", manifest, "-r", "vault", "--dry-run"],
    ]) {
      const result = await cli(...args);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      const output = `${result.stdout}\n${result.stderr}`;
      // `env` shows its placeholders; nothing else has a reason to print one.
      if (args[0] !== "env") expect(output, args.join(" ")).not.toContain("****");
      expectNoSecrets(result, args.join(" "));
      if (args[0] === "services") for (const service of ["web", "api", "worker"]) expect(output).toMatch(new RegExp(`"?${service}"?`));
      if (args[0] === "apps") expect(output).toContain("vault-app");
    }
    const env = await cli("env", "-a", "vault-app", "-r", "vault");
    expect(env.stdout).toContain("SERVICE=****");
    const services = await cli("services", "-a", "vault-app", "-r", "vault");
    expect(services.stdout).toMatch(/^worker +private/m);
  });
});
