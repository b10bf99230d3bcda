import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { AuthorizeSecurityGroupIngressCommand, RevokeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { DeleteParameterCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { COMMANDS } from "../../src/commands/index.js";
import { operationJournalParameter } from "../../src/names/index.js";
import { awsClients, awsEnv, startMoto, type MotoServer } from "../support/moto.js";
import { runCli } from "../support/cli.js";
import { nonCamelKeys, schemaName, violations } from "./schemas.js";

/**
 * Every command's --json, from the built CLI against moto, checked against its schema in
 * schemas/json/ (docs/json.md): a success, a dry run for each command that changes AWS, and
 * a failure. stdout holds one JSON document (JSON lines for `logs`), camelCase throughout
 * except where the keys are data or the output mirrors another tool on purpose.
 */
type Case = "success" | "dry-run" | "error";

const example = join(__dirname, "..", "..", "examples", "shop", "convox.yml");
const RACK = "js";
let moto: MotoServer;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;

/** An app built from source (`racknet build`, deploy's `images`), with an external service: it needs the rack's Domain. */
const forgeDir = mkdtempSync(join(tmpdir(), "racknet-json-forge-"));
const forge = join(forgeDir, "convox.yml");
writeFileSync(forge, "services:\n  web:\n    build: .\n    port: 3000\n");
writeFileSync(join(forgeDir, "Dockerfile"), 'FROM busybox:1.36\nCOPY . /www\nCMD ["httpd", "-f", "-p", "3000", "-h", "/www"]\n');
const NEEDS_DOMAIN = { kind: "external", url: null, needsDomain: true, host: "web.forge.<Domain>" };
const checked = new Map<string, Set<Case>>();

/** Outputs whose keys are not racknet's: CloudFormation's template, the parameters by name, Scalingo's list. */
const NOT_CAMEL: Readonly<Record<string, "skip" | "snake">> = { "rack-template": "skip", "rack-params": "skip", "private-networks-domain-names": "snake" };

/** Commands whose result this file cannot produce honestly, and where it is checked instead (here: their refusal only). */
const ELSEWHERE: Readonly<Record<string, string>> = {
  "apps-cancel": "an update in progress: test/e2e/cancel.e2e.test.ts, on a moto whose updates take time",
  exec: "an interactive session: it has no result object (docs/json.md)",
  // Their successes need two racks with internal routers; test/e2e/peering.e2e.test.ts runs them
  // on moto but does not yet check their --json against the schemas (issue 25, left open).
  "resources-info": "an app with a database: test/e2e/resources.e2e.test.ts",
  "rack-peer": "two racks with internal routers: test/e2e/peering.e2e.test.ts",
  "rack-unpeer": "two peered racks: test/e2e/peering.e2e.test.ts",
  "rack-peers": "a peered rack: test/e2e/peering.e2e.test.ts",
};

/** Run `racknet ...args --json`, check its stdout against the command's schema, and return it parsed. */
async function check(path: readonly string[], kind: Case, args: string[], exitCode = kind === "error" ? 1 : 0, runEnv = env): Promise<Record<string, unknown>> {
  const result = await runCli([...args, "--json"], { env: runEnv });
  const label = `racknet ${args.join(" ")} --json`;
  expect(result.code, `${label}\n${result.stderr}`).toBe(exitCode);
  const name = schemaName(path);
  const documents = name === "logs" && kind === "success" ? result.stdout.trim().split("\n") : [result.stdout];
  const parsed = documents.map((text) => JSON.parse(text) as Record<string, unknown>);
  for (const value of parsed) {
    expect(violations(name, value), `${label}\n${JSON.stringify(value, null, 2)}`).toBe("");
    if (NOT_CAMEL[name] === "skip") continue;
    const keys = NOT_CAMEL[name] === "snake" && !("error" in value) ? snakeViolations(value) : nonCamelKeys(value);
    expect(keys, label).toEqual([]);
  }
  if (!checked.has(name)) checked.set(name, new Set());
  checked.get(name)?.add(kind);
  return parsed[0] ?? {};
}

function snakeViolations(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => snakeViolations(item, `${path}[${index}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => [...(/^[a-z][a-z0-9_]*$/.test(key) ? [] : [`${path}.${key}`]), ...snakeViolations(child, `${path}.${key}`)]);
}

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
});

describe("the --json contract, command by command", () => {
  it("offline: manifest check (valid, invalid with file/line/column, no file), completion, rack template", async () => {
    const valid = await check(["manifest", "check"], "success", ["manifest", "check", "-f", example, "-a", "shop"]);
    expect(valid).toMatchObject({ valid: true, problems: [], services: expect.arrayContaining([expect.objectContaining({ service: "api", visibility: "internal" })]) });

    const dir = mkdtempSync(join(tmpdir(), "racknet-json-"));
    const bad = join(dir, "convox.yml");
    writeFileSync(bad, "services:\n  web:\n    image: nginx:1.27\n    port: eighty\n");
    const invalid = await check(["manifest", "check"], "error", ["manifest", "check", "-f", bad, "-a", "shop"]);
    expect(invalid).toMatchObject({ valid: false, error: { code: "refused", exitCode: 1 } });
    const portProblem = expect.objectContaining({ file: bad, line: 4, column: 11, path: "services.web.port", message: expect.any(String), fix: expect.any(String) });
    expect(invalid.problems).toContainEqual(portProblem);
    expect((invalid.error as { problems: unknown[] }).problems).toContainEqual(portProblem);
    await check(["manifest", "check"], "error", ["manifest", "check", "-f", join(dir, "missing.yml"), "-a", "shop"]);
    const built = await check(["manifest", "check"], "success", ["manifest", "check", "-f", forge, "-a", "forge"]);
    expect(built.services).toEqual([expect.objectContaining({ service: "web", build: { path: ".", dockerfile: "Dockerfile" }, endpoints: [NEEDS_DOMAIN] })]);

    expect(await check(["completion"], "success", ["completion", "bash"])).toMatchObject({ shell: "bash", script: expect.stringContaining("racknet") });
    await check(["completion"], "error", ["completion", "tcsh"], 2);
    await check(["rack", "template"], "success", ["rack", "template", "Private=Yes"]);
    await check(["rack", "template"], "error", ["rack", "template", "Privat=Yes"]);
  });

  it("rack install: the plan on a dry run, the plan and the rack once applied; a refusal; a usage error", async () => {
    const dry = await check(["rack", "install"], "dry-run", ["rack", "install", RACK, "Internal=Yes", "--dry-run"]);
    expect(dry).toMatchObject({ rack: RACK, outcome: "dry-run", plan: { changes: expect.arrayContaining([expect.objectContaining({ action: "Add", logicalId: "Vpc" })]) } });
    const applied = await check(["rack", "install"], "success", ["rack", "install", RACK, "Internal=Yes", "--yes"]);
    expect(applied).toMatchObject({ rack: RACK, outcome: "applied", summary: { name: RACK, parameters: { Internal: "Yes" } } });
    await check(["rack", "install"], "error", ["rack", "install", RACK, "--yes"]);
    await check(["rack", "install"], "error", ["rack", "install"], 2);
  });

  it("reading the rack: rack, rack params, racks and rack give parameters one shape; rack ca", async () => {
    const rack = await check(["rack"], "success", ["rack", "-r", RACK]);
    expect(rack).toMatchObject({ drift: { status: "NOT_CHECKED", lastChecked: null, drifted: [] }, certificates: expect.arrayContaining([expect.objectContaining({ kind: "rack", renewDue: false })]), unfinished: [] });
    const params = await check(["rack", "params"], "success", ["rack", "params", "-r", RACK]);
    const racks = (await check(["racks"], "success", ["racks"])) as unknown as Array<{ name: string; parameters: unknown }>;
    expect(rack.parameters).toEqual(params);
    expect(racks.find((one) => one.name === RACK)?.parameters).toEqual(params);
    const ca = await check(["rack", "ca"], "success", ["rack", "ca", "-r", RACK]);
    expect(ca).toMatchObject({ constraints: { status: "constrained", permittedDns: expect.arrayContaining([`${RACK}.convox`]) }, expiry: expect.arrayContaining([expect.objectContaining({ kind: "ca" })]), keyEncryption: expect.any(String) });
    expect(await check(["rack", "wait"], "success", ["rack", "wait", "-r", RACK])).toMatchObject({ rack: RACK, outcome: "idle" });
    for (const path of [["rack"], ["rack", "params"], ["rack", "ca"], ["rack", "wait"]]) await check(path, "error", [...path, "-r", "nosuch"]);
    await check(["rack", "peers"], "error", ["rack", "peers", "-r", "nosuch"]);
    await check(["rack", "peer"], "error", ["rack", "peer", "nosuch", RACK, "--yes"]);
    await check(["rack", "unpeer"], "error", ["rack", "unpeer", "nosuch", RACK, "--yes"]);
    const noCredentials: NodeJS.ProcessEnv = { ...env };
    delete noCredentials.AWS_ACCESS_KEY_ID;
    delete noCredentials.AWS_SECRET_ACCESS_KEY;
    await check(["racks"], "error", ["racks"], 1, noCredentials);
  });

  it("rack: an operation a stopped run left shows under unfinished, each step with its id and state", async () => {
    const name = operationJournalParameter(RACK, "ghost");
    const steps = [{ id: "stack", what: `stack ${RACK}-ghost`, state: "done" }, { id: "repository", what: `ECR repository ${RACK}/ghost`, state: "failed", note: "AccessDenied" }];
    const journal = { v: 1, operation: "apps delete", key: "ghost", command: `racknet apps delete ghost -r ${RACK}`, startedAt: "2026-12-01T09:00:00.000Z", updatedAt: "2026-12-01T09:01:00.000Z", state: "stopped", stoppedBecause: "AccessDenied on ecr:DeleteRepository", steps };
    await aws.ssm.send(new PutParameterCommand({ Name: name, Type: "String", Value: JSON.stringify(journal) }));
    try {
      expect((await check(["rack"], "success", ["rack", "-r", RACK])).unfinished).toEqual([
        { operation: "apps delete", key: "ghost", state: "stopped", startedAt: journal.startedAt, stoppedBecause: journal.stoppedBecause, steps: steps.map(({ id, what, state }) => ({ id, what, state })), command: journal.command },
      ]);
    } finally {
      await aws.ssm.send(new DeleteParameterCommand({ Name: name }));
    }
  });

  it("build, then a deploy of what it built before the rack has a Domain: images, and an endpoint that needs the Domain", async () => {
    const built = await check(["build"], "success", ["build", "-a", "forge", "-f", forge, "-r", RACK]);
    expect(built).toMatchObject({ app: "forge", rack: RACK, images: [{ service: "web", built: true }] });
    const image = (built.images as { image: string }[])[0]?.image;
    await check(["build"], "error", ["build", "-a", "shop", "-f", example, "-r", RACK]);
    expect(await check(["deploy"], "success", ["deploy", "-a", "forge", "-f", forge, "-r", RACK, "--yes"])).toMatchObject({ outcome: "applied", images: [{ service: "web", image }] });
    expect(await check(["services"], "success", ["services", "-a", "forge", "-r", RACK])).toEqual([expect.objectContaining({ service: "web", endpoints: [NEEDS_DOMAIN] })]);
    expect(await check(["apps", "info"], "success", ["apps", "info", "forge", "-r", RACK])).toMatchObject({ drift: { status: "NOT_CHECKED" }, services: [{ service: "web", image, endpoints: [NEEDS_DOMAIN] }] });
  });

  it("rack params set: a dry run's plan, applied, no changes, a refusal", async () => {
    const dry = await check(["rack", "params", "set"], "dry-run", ["rack", "params", "set", "internal_router=true", "-r", RACK, "--dry-run"]);
    expect(dry).toMatchObject({ outcome: "dry-run", changes: [{ name: "internal_router", from: "false", to: "true" }], plan: { notes: expect.arrayContaining([expect.stringContaining(`${RACK}.router.convox`)]) } });
    // The app deployed without a Domain is moved onto it.
    expect(await check(["rack", "params", "set"], "success", ["rack", "params", "set", "Domain=example.com", "-r", RACK, "--yes"])).toMatchObject({ outcome: "applied", apps: [{ app: "forge", outcome: "updated", changed: expect.arrayContaining(["Domain"]) }] });
    expect(await check(["rack", "params", "set"], "success", ["rack", "params", "set", "domain=example.com", "-r", RACK, "--yes"])).toMatchObject({ outcome: "no-changes", changes: [] });
    await check(["rack", "params", "set"], "error", ["rack", "params", "set", "Privat=Yes", "-r", RACK, "--yes"]);
  });

  it("deploy, then what reads the app: services, apps, apps info, ps, private-networks-domain-names, logs", async () => {
    expect(await check(["deploy"], "dry-run", ["deploy", "-a", "shop", "-f", example, "-r", RACK, "--dry-run"])).toMatchObject({ outcome: "dry-run", plan: { changes: expect.any(Array) } });
    await check(["deploy"], "success", ["deploy", "-a", "shop", "-f", example, "-r", RACK, "--yes"]);
    await check(["deploy"], "error", ["deploy", "-a", "shop", "-f", example, "-r", "nosuch", "--yes"]);

    const logs = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    await logs.send(new CreateLogStreamCommand({ logGroupName: `/racknet/${RACK}`, logStreamName: "shop/web/0a1b2c3d" }));
    await logs.send(new PutLogEventsCommand({ logGroupName: `/racknet/${RACK}`, logStreamName: "shop/web/0a1b2c3d", logEvents: [{ timestamp: Date.now(), message: "GET / 200" }, { timestamp: Date.now() + 1, message: "GET /healthz 200" }] }));

    for (const path of [["services"], ["apps"], ["ps"], ["private-networks-domain-names"], ["logs"]]) {
      await check(path, "success", [...path, "-a", "shop", "-r", RACK]);
      await check(path, "error", [...path, "-a", "shop", "-r", "nosuch"]);
    }
    await check(["apps", "info"], "success", ["apps", "info", "shop", "-r", RACK]);
    await check(["apps", "info"], "error", ["apps", "info", "nosuch", "-r", RACK]);
    expect(await check(["apps", "wait"], "success", ["apps", "wait", "shop", "-r", RACK])).toMatchObject({ app: "shop", outcome: "idle" });
    await check(["apps", "wait"], "error", ["apps", "wait", "shop", "-r", "nosuch"]);
    await check(["resources"], "success", ["resources", "-a", "shop", "-r", RACK]);
    await check(["resources"], "error", ["resources", "-a", "shop", "-r", "nosuch"]);
    await check(["resources", "info"], "error", ["resources", "info", "db", "-a", "shop", "-r", RACK]);

    // The rack has a Domain and no zone: the deploy requested *.shop.example.com, pending until its records exist.
    const certs = await check(["certs"], "success", ["certs", "-r", RACK]);
    expect(certs.certificates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ issuer: "rack-ca", kind: "rack", status: "ISSUED" }),
        expect.objectContaining({ issuer: "public", app: "shop", kind: "external", names: ["*.shop.example.com"], status: "PENDING_VALIDATION", records: expect.arrayContaining([expect.objectContaining({ type: "CNAME" })]) }),
      ]),
    );
    await check(["certs"], "error", ["certs", "-r", "nosuch"]);
  });

  it("the app environment: env, env get, env set and env unset (dry runs, applied, no changes, refusals)", async () => {
    await check(["env"], "success", ["env", "-a", "shop", "-r", RACK]);
    await check(["env"], "error", ["env", "-a", "shop", "-r", "nosuch"]);
    expect(await check(["env", "set"], "dry-run", ["env", "set", "LOG_LEVEL=debug", "-a", "shop", "-r", RACK, "--dry-run"])).toMatchObject({ outcome: "dry-run", changed: ["LOG_LEVEL"] });
    expect(await check(["env", "set"], "success", ["env", "set", "LOG_LEVEL=debug", "-a", "shop", "-r", RACK, "--yes"])).toMatchObject({ outcome: "applied", changed: ["LOG_LEVEL"] });
    expect(await check(["env", "set"], "success", ["env", "set", "EXTRA=1", "-a", "shop", "-r", RACK, "--yes"])).toMatchObject({ outcome: "applied", changed: ["EXTRA"] });
    await check(["env", "set"], "error", ["env", "set", "1BAD=x", "-a", "shop", "-r", RACK, "--yes"]);
    expect(await check(["env", "get"], "success", ["env", "get", "LOG_LEVEL", "-a", "shop", "-r", RACK])).toMatchObject({ app: "shop", rack: RACK, name: "LOG_LEVEL", value: "debug" });
    await check(["env", "get"], "error", ["env", "get", "NOPE", "-a", "shop", "-r", RACK]);

    expect(await check(["env", "unset"], "dry-run", ["env", "unset", "EXTRA", "-a", "shop", "-r", RACK, "--dry-run"])).toMatchObject({ outcome: "dry-run", changed: ["EXTRA"] });
    expect(await check(["env", "unset"], "success", ["env", "unset", "EXTRA", "-a", "shop", "-r", RACK, "--yes"])).toMatchObject({ outcome: "applied", changed: ["EXTRA"] });
    expect(await check(["env", "unset"], "success", ["env", "unset", "EXTRA", "-a", "shop", "-r", RACK, "--yes"])).toMatchObject({ outcome: "no-changes", changed: [] });
    await check(["env", "unset"], "error", ["env", "unset", "LOG_LEVEL", "-a", "shop", "-r", "nosuch", "--yes"]);
  });

  it("rack drift: nothing drifted (exit 0); a port opened by hand (exit 4, still a result, and rack shows the verdict); a refusal", async () => {
    const clean = await check(["rack", "drift"], "success", ["rack", "drift", "-r", RACK]);
    expect(clean).toMatchObject({ rack: RACK, drifted: false });
    // The rack's stack first (no app), then each app's.
    const [rackStack, ...appStacks] = (clean.stacks as { app: string | null }[]).map((stack) => stack.app);
    expect([rackStack, appStacks.sort()]).toEqual([null, ["forge", "shop"]]);

    const resources = (await aws.cloudFormation.send(new ListStackResourcesCommand({ StackName: RACK }))).StackResourceSummaries ?? [];
    const group = resources.find((resource) => resource.LogicalResourceId === "ExternalBalancerSecurityGroup")?.PhysicalResourceId;
    const opened = { GroupId: group, IpPermissions: [{ IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] };
    await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand(opened));
    try {
      const drifted = await check(["rack", "drift"], "success", ["rack", "drift", "-r", RACK], 4);
      const difference = { path: expect.any(String), difference: "ADD", rule: "tcp 8080 from 0.0.0.0/0", openToTheWorld: true };
      const resource = { logicalId: "ExternalBalancerSecurityGroup", type: "AWS::EC2::SecurityGroup", status: "MODIFIED", security: true, foundBy: "cloudformation", differences: [expect.objectContaining(difference)] };
      expect(drifted).toMatchObject({ drifted: true, stacks: expect.arrayContaining([expect.objectContaining({ app: null, status: "DRIFTED", resources: [expect.objectContaining(resource)] })]) });
      expect(await check(["rack"], "success", ["rack", "-r", RACK])).toMatchObject({ drift: { status: "DRIFTED", drifted: [{ logicalId: "ExternalBalancerSecurityGroup", type: "AWS::EC2::SecurityGroup", status: "MODIFIED" }] } });
    } finally {
      await aws.ec2.send(new RevokeSecurityGroupIngressCommand(opened));
    }
    await check(["rack", "drift"], "error", ["rack", "drift", "-r", "nosuch"]);
  });

  it("day two: releases, releases info and rollback, scale, run, apps params and params set, and the refusals of apps cancel and exec", async () => {
    const listed = await check(["releases"], "success", ["releases", "-a", "shop", "-r", RACK]);
    expect(listed).toMatchObject({ app: "shop", rack: RACK, rollbackWindow: 10, releases: expect.arrayContaining([expect.objectContaining({ release: 1, kind: "deploy" })]) });
    await check(["releases"], "error", ["releases", "-a", "shop", "-r", "nosuch"]);
    expect(await check(["releases", "info"], "success", ["releases", "info", "1", "-a", "shop", "-r", RACK])).toMatchObject({ release: 1, manifest: { file: expect.any(String) } });
    await check(["releases", "info"], "error", ["releases", "info", "99", "-a", "shop", "-r", RACK]);

    expect(await check(["scale"], "dry-run", ["scale", "worker", "--count", "3", "-a", "shop", "-r", RACK, "--dry-run"])).toMatchObject({ outcome: "dry-run", service: "worker", scale: { count: "3" }, plan: expect.any(Object) });
    expect(await check(["scale"], "success", ["scale", "worker", "--count", "3", "-a", "shop", "-r", RACK, "--yes"])).toMatchObject({ outcome: "applied", release: expect.any(Number) });
    await check(["scale"], "error", ["scale", "nosuch", "--count", "3", "-a", "shop", "-r", RACK, "--yes"]);

    // A release whose manifest differs from release 1's, so that going back is a change.
    const newer = join(mkdtempSync(join(tmpdir(), "racknet-json-shop-")), "convox.yml");
    writeFileSync(newer, readFileSync(example, "utf8").replace("nginx:1.27", "nginx:1.28"));
    await check(["deploy"], "success", ["deploy", "-a", "shop", "-f", newer, "-r", RACK, "--yes"]);
    expect(await check(["releases", "rollback"], "dry-run", ["releases", "rollback", "1", "-a", "shop", "-r", RACK, "--dry-run"])).toMatchObject({ outcome: "dry-run", rollbackOf: 1 });
    expect(await check(["releases", "rollback"], "success", ["releases", "rollback", "1", "-a", "shop", "-r", RACK, "--yes"])).toMatchObject({ outcome: "applied", rollbackOf: 1 });
    await check(["releases", "rollback"], "error", ["releases", "rollback", "99", "-a", "shop", "-r", RACK, "--yes"]);

    // A detached task runs on: `apps delete` stops it before the app goes (below).
    expect(await check(["run"], "success", ["run", "web", "-a", "shop", "-r", RACK, "--detach"])).toMatchObject({ service: "web", outcome: "detached", exitCode: null });
    expect(await check(["run"], "success", ["run", "worker", "-a", "shop", "-r", RACK, "--json", "--", "echo", "hi"])).toMatchObject({ service: "worker", outcome: "exited", exitCode: 0 });
    await check(["run"], "error", ["run", "nosuch", "-a", "shop", "-r", RACK]);

    expect(await check(["apps", "params"], "success", ["apps", "params", "shop", "-r", RACK])).toEqual({ app: "shop", rack: RACK, params: { Exec: "No" } });
    await check(["apps", "params"], "error", ["apps", "params", "nosuch", "-r", RACK]);
    expect(await check(["apps", "params", "set"], "dry-run", ["apps", "params", "set", "Exec=Yes", "-a", "shop", "-r", RACK, "--dry-run"])).toMatchObject({ outcome: "dry-run", params: { Exec: "No" }, plan: { widensExposure: [expect.objectContaining({ kind: "exec" })] } });
    await check(["apps", "params", "set"], "error", ["apps", "params", "set", "Exec=Yes", "-a", "shop", "-r", RACK, "--yes"]);
    expect(await check(["apps", "params", "set"], "success", ["apps", "params", "set", "Exec=Yes", "-a", "shop", "-r", RACK, "--yes", "--require-approval", "never"])).toMatchObject({ outcome: "applied", params: { Exec: "Yes" } });

    // Success and dry run need an update in progress: test/e2e/cancel.e2e.test.ts, on a moto whose updates take time.
    await check(["apps", "cancel"], "error", ["apps", "cancel", "shop", "-r", RACK, "--yes"]);
    // Interactive: without AWS's Session Manager plugin on PATH it is refused before any AWS call.
    await check(["exec"], "error", ["exec", "web", "-a", "shop", "-r", RACK, "--json", "--", "sh"], 1, { ...env, PATH: "/usr/bin:/bin" });
  });

  it("rack update: a rack the previous release installed, a dry run's plan, applied, no changes, a refusal", async () => {
    const oldRelease = { ...env, NODE_OPTIONS: `--import=${pathToFileURL(join(__dirname, "..", "support", "old-rack-template.mjs")).href}`, RACKNET_TEST_RACK_TEMPLATE: join(__dirname, "..", "fixtures", "rack-templates", "4b80fbc.json") };
    const installed = await runCli(["rack", "install", "elder", "--yes"], { env: oldRelease });
    expect(installed.code, installed.stderr).toBe(0);
    expect(await check(["rack"], "success", ["rack", "-r", "elder"])).toMatchObject({ template: { version: null, standing: "behind" } });
    expect(await check(["rack", "update"], "dry-run", ["rack", "update", "-r", "elder", "--dry-run"])).toMatchObject({ rack: "elder", from: null, outcome: "dry-run", plan: { changes: expect.any(Array) } });
    expect(await check(["rack", "update"], "success", ["rack", "update", "-r", "elder", "--yes"])).toMatchObject({ rack: "elder", from: null, outcome: "applied", parameters: { added: expect.arrayContaining([{ name: "HostedZoneId", value: "" }]), dropped: [] }, apps: [] });
    expect(await check(["rack", "update"], "success", ["rack", "update", "-r", "elder", "--yes"])).toMatchObject({ outcome: "no-changes" });
    await check(["rack", "update"], "error", ["rack", "update", "-r", "nosuch", "--yes"]);
  });

  it("deleting: apps delete and rack uninstall, each a dry run's plan, the deletion, a refusal", async () => {
    expect(await check(["apps", "delete"], "dry-run", ["apps", "delete", "shop", "-r", RACK, "--dry-run"])).toMatchObject({ app: "shop", outcome: "dry-run", plan: expect.any(Object) });
    await check(["rack", "uninstall"], "error", ["rack", "uninstall", RACK, "--yes"]);
    expect(await check(["apps", "delete"], "success", ["apps", "delete", "shop", "-r", RACK, "--yes"])).toMatchObject({ app: "shop", outcome: "deleted" });
    await check(["apps", "delete"], "error", ["apps", "delete", "shop", "-r", RACK, "--yes"]);
    expect(await check(["apps", "delete"], "success", ["apps", "delete", "forge", "-r", RACK, "--yes"])).toMatchObject({ app: "forge", outcome: "deleted", repository: "deleted", plan: expect.any(Object) });
    expect(await check(["rack", "uninstall"], "dry-run", ["rack", "uninstall", RACK, "--dry-run"])).toMatchObject({ rack: RACK, outcome: "dry-run", plan: expect.any(Object) });
    expect(await check(["rack", "uninstall"], "success", ["rack", "uninstall", RACK, "--yes"])).toMatchObject({ rack: RACK, outcome: "deleted", plan: expect.any(Object) });
  });

  it("covered every command: a success and a failure each, and a dry run for each that changes AWS", () => {
    for (const command of COMMANDS) {
      const name = schemaName(command.path);
      if (name in ELSEWHERE) {
        expect([...(checked.get(name) ?? [])], command.path.join(" ")).toEqual(["error"]);
        continue;
      }
      const expected: Case[] = command.changesAws ? ["success", "dry-run", "error"] : ["success", "error"];
      expect([...(checked.get(schemaName(command.path)) ?? [])].sort(), command.path.join(" ")).toEqual([...expected].sort());
    }
  });
});
