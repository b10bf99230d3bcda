import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { createRecord } from "../../src/aws/operation-records.js";
import { RacknetRetryStrategy } from "../../src/aws/retry.js";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as rackInstall } from "../../src/operations/rack-install.js";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack, manifestFile, withOptions } from "../support/workflows.js";

/**
 * A lock's PutParameter (without Overwrite) that landed but whose answer was lost: the SDK sends
 * it again and the second one meets ParameterAlreadyExists on the run's own record. Seen against
 * a slow, freshly started moto: `rack install` refused with "rack cold is busy" naming itself.
 */

describe("the SDK sends a PutParameter again when its answer is lost, and the second meets the first", () => {
  /** One in-memory parameter behind a real SSM client and racknet's retry strategy: the first answer is lost as `lose` says. */
  function client(lose: "500" | "timeout"): { ssm: SSMClient; puts: () => number } {
    const stored = new Map<string, string>();
    let puts = 0;
    const answer = (statusCode: number, type: string, body: object = { __type: type, message: type }) => ({
      response: {
        statusCode,
        reason: "",
        headers: { "content-type": "application/x-amz-json-1.1", ...(statusCode === 200 ? {} : { "x-amzn-errortype": type }) },
        body: Readable.from([Buffer.from(JSON.stringify(body))]),
      },
    });
    const ssm = new SSMClient({
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      retryStrategy: new RacknetRetryStrategy({ maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 1 }),
      requestHandler: {
        handle: async (request: { body?: unknown; headers: Record<string, string> }) => {
          const body = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body as Uint8Array);
          const input = JSON.parse(body) as { Name: string; Value?: string };
          if (request.headers["x-amz-target"] === "AmazonSSM.GetParameter") {
            const value = stored.get(input.Name);
            return value === undefined ? answer(400, "ParameterNotFound") : answer(200, "", { Parameter: { Name: input.Name, Value: value, Version: 1 } });
          }
          puts += 1;
          if (stored.has(input.Name)) return answer(400, "ParameterAlreadyExists");
          stored.set(input.Name, input.Value ?? "");
          if (lose === "timeout") throw Object.assign(new Error("Request timed out after 20000 ms"), { name: "TimeoutError" });
          return answer(500, "InternalServerError");
        },
      },
    });
    return { ssm, puts: () => puts };
  }

  it.each(["500", "timeout"] as const)("first answer lost (%s): the second attempt meets ParameterAlreadyExists though nobody else wrote it", async (lose) => {
    const { ssm, puts } = client(lose);
    await expect(ssm.send(new PutParameterCommand({ Name: "/racknet/cold/locks/rack", Value: "{}", Type: "String" }))).rejects.toMatchObject({ name: "ParameterAlreadyExists" });
    expect(puts()).toBe(2);
  });

  it.each(["500", "timeout"] as const)("first answer lost (%s): the record read back is this run's own (src/aws/ssm-create.ts)", async (lose) => {
    const { ssm, puts } = client(lose);
    expect(await createRecord(ssm, "/racknet/cold/locks/rack", "{}", {})).toEqual({ owner: "mine" });
    expect(puts()).toBe(2);
  });
});

describe("a lock whose create was sent twice is the run's own: it goes on and releases it", () => {
  let h: AwsHarness;
  beforeEach(() => {
    h = awsHarness();
  });
  afterEach(() => h.restore());

  /** The first create of `name` that lands has its answer lost: the SDK's second attempt is what racknet sees. */
  function loseFirstAnswer(name: string): { lost: () => number } {
    let lost = 0;
    h.stubs.SSM!.on(PutParameterCommand).callsFake((input: Parameters<AwsHarness["parameters"]["putParameter"]>[0]) => {
      if (input.Name === name && !input.Overwrite && lost === 0 && !h.parameters.values.has(name)) {
        h.parameters.putParameter(input);
        lost += 1;
      }
      return h.parameters.putParameter(input);
    });
    return { lost: () => lost };
  }

  it("rack install: the rack's lock", async () => {
    const lock = loseFirstAnswer("/racknet/cold/locks/rack");
    const outcome = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "cold", params: [], private: false }));
    expect(lock.lost()).toBe(1);
    expect(outcome.stderr).not.toContain("is busy");
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain("rack cold installed");
    expect(h.parameters.values.has("/racknet/cold/locks/rack")).toBe(false);
  });

  it("rack params set: the rack's lock (an operation with a journal)", async () => {
    await installedRack(h, "prod");
    const lock = loseFirstAnswer("/racknet/prod/locks/rack");
    const outcome = await withOptions(h, { rack: "prod", yes: true }, () => h.run(paramsSet, { params: ["Internal=Yes"] }));
    expect(lock.lost()).toBe(1);
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);
    expect(h.parameters.values.has("/racknet/prod/journal/rack")).toBe(false);
  });

  it("rack params set taking over a stale lock: the create after the takeover", async () => {
    await installedRack(h, "prod");
    const stale = new Date(Date.now() - 6 * 60_000).toISOString();
    h.parameters.putParameter({ Name: "/racknet/prod/locks/rack", Value: JSON.stringify({ v: 1, operation: "rack params set", key: "Private=Yes", command: "racknet rack params set Private=Yes", owner: { user: "ci", host: "runner-7", pid: 4242 }, token: "t", startedAt: stale, heartbeatAt: stale }) });
    const lock = loseFirstAnswer("/racknet/prod/locks/rack");
    const outcome = await withOptions(h, { rack: "prod", yes: true }, () => h.run(paramsSet, { params: ["Internal=Yes"] }));
    expect(lock.lost()).toBe(1);
    expect(outcome.stderr).toContain("taking over the lock of rack prod left by racknet rack params set (pid 4242 on runner-7");
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);
  });

  it("deploy: the app's lock", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const lock = loseFirstAnswer("/racknet/prod/locks/apps/shop");
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(deploy, { file: manifestFile(PUBLIC_WEB.replace("nginx:1.27", "nginx:1.28")) }));
    expect(lock.lost()).toBe(1);
    expect(outcome.stderr).not.toContain("is busy");
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain("app shop deployed to rack prod");
    expect(h.parameters.values.has("/racknet/prod/locks/apps/shop")).toBe(false);
  });

  it("another racknet's lock with the same user, host, pid and start is still another's: refused, and left alone", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    // What a second machine's racknet could write: only its token differs from what this run would write.
    let theirs = "";
    h.stubs.SSM!.on(PutParameterCommand).callsFake((input: Parameters<AwsHarness["parameters"]["putParameter"]>[0]) => {
      if (input.Name === "/racknet/prod/locks/apps/shop" && !input.Overwrite && !theirs) {
        theirs = JSON.stringify({ ...(JSON.parse(input.Value ?? "") as object), token: "another run" });
        h.parameters.putParameter({ ...input, Value: theirs });
      }
      return h.parameters.putParameter(input);
    });
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(deploy, { file: manifestFile(PUBLIC_WEB.replace("nginx:1.27", "nginx:1.28")) }));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toMatch(/app shop on rack prod is busy: racknet deploy shop is running/);
    expect(outcome.stderr).not.toContain("another run");
    expect(h.parameters.values.get("/racknet/prod/locks/apps/shop")?.value).toBe(theirs);
  });
});
