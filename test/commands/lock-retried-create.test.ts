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
  async function create(lose: "500" | "timeout"): Promise<{ created: boolean; attempts: number }> {
    const stored = new Set<string>();
    let attempts = 0;
    const answer = (statusCode: number, type: string) => ({
      response: {
        statusCode,
        reason: "",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type },
        body: Readable.from([Buffer.from(JSON.stringify({ __type: type, message: type }))]),
      },
    });
    const ssm = new SSMClient({
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      retryStrategy: new RacknetRetryStrategy({ maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 1 }),
      requestHandler: {
        handle: async (request: { body?: unknown }) => {
          attempts += 1;
          const body = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body as Uint8Array);
          const name = (JSON.parse(body) as { Name: string }).Name;
          if (stored.has(name)) return answer(400, "ParameterAlreadyExists");
          stored.add(name);
          if (lose === "timeout") throw Object.assign(new Error("Request timed out after 20000 ms"), { name: "TimeoutError" });
          return answer(500, "InternalServerError");
        },
      },
    });
    const created = await createRecord(ssm, "/racknet/cold/locks/rack", "{}", {});
    return { created, attempts };
  }

  it.each(["500", "timeout"] as const)("first answer lost (%s): the create reads as 'someone holds it' though nobody else does", async (lose) => {
    expect(await create(lose)).toEqual({ created: false, attempts: 2 });
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
