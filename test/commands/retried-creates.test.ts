import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as rackInstall } from "../../src/operations/rack-install.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, installedRack, manifestFile, withOptions } from "../support/workflows.js";

/**
 * A PutParameter without Overwrite that landed but whose answer was lost (a 500 or a timeout):
 * the SDK sends it again (src/aws/retry.ts) and the second meets ParameterAlreadyExists on what
 * this run wrote. test/commands/lock-retried-create.test.ts shows the SDK doing so with a real
 * client; here the harness plays the second attempt's answer.
 */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

type PutInput = Parameters<AwsHarness["parameters"]["putParameter"]>[0];

/** The first create of each of `names` lands and its answer is lost: racknet sees the SDK's second attempt. */
function loseFirstAnswers(...names: string[]): { lost: () => number } {
  const lost = new Set<string>();
  h.stubs.SSM!.on(PutParameterCommand).callsFake((input: PutInput) => {
    if (input.Name && names.includes(input.Name) && !input.Overwrite && !lost.has(input.Name) && !h.parameters.values.has(input.Name)) {
      h.parameters.putParameter(input);
      lost.add(input.Name);
    }
    return h.parameters.putParameter(input);
  });
  return { lost: () => lost.size };
}

describe("a release create sent twice is this run's own release", () => {
  it("deploy: one release, finished; no second number claimed", async () => {
    await installedRack(h, "prod");
    const create = loseFirstAnswers("/racknet/prod/releases/shop/000001");
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(deploy, { file: manifestFile(PUBLIC_WEB) }));
    expect(create.lost()).toBe(1);
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    const releases = [...h.parameters.values.keys()].filter((name) => name.startsWith("/racknet/prod/releases/shop/"));
    expect(releases).toEqual(["/racknet/prod/releases/shop/000001"]);
    expect(JSON.parse(h.parameters.values.get(releases[0]!)!.value)).toMatchObject({ number: 1, outcome: "succeeded" });
  });

  it("another racknet's release under the number is still another's: the next number is claimed, theirs left alone", async () => {
    await installedRack(h, "prod");
    let theirs = "";
    h.stubs.SSM!.on(PutParameterCommand).callsFake((input: PutInput) => {
      if (input.Name === "/racknet/prod/releases/shop/000001" && !input.Overwrite && !theirs) {
        theirs = JSON.stringify({ ...(JSON.parse(input.Value ?? "") as object), by: "arn:aws:iam::123456789012:user/someone-else" });
        h.parameters.putParameter({ ...input, Value: theirs });
      }
      return h.parameters.putParameter(input);
    });
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(deploy, { file: manifestFile(PUBLIC_WEB) }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(h.parameters.values.get("/racknet/prod/releases/shop/000001")?.value).toBe(theirs);
    expect(JSON.parse(h.parameters.values.get("/racknet/prod/releases/shop/000002")!.value)).toMatchObject({ number: 2, outcome: "succeeded" });
  });
});

describe("the rack CA's creates sent twice are this run's own CA", () => {
  const CA = ["/racknet/cold/ca/key", "/racknet/cold/ca/cert"];

  it("rack install: installed, the CA stored once", async () => {
    const create = loseFirstAnswers(...CA);
    const outcome = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "cold", params: [], private: false }));
    expect(create.lost()).toBe(2);
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain("rack cold installed");
    expect(h.parameters.values.get(CA[0]!)?.value).toMatch(/^-----BEGIN (EC |RSA )?PRIVATE KEY-----/);
    expect(h.parameters.values.get(CA[1]!)?.value).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("a different CA key already there is never overwritten, and neither key is shown", async () => {
    const theirs = "-----BEGIN PRIVATE KEY-----\nTHEIRS-SECRET\n-----END PRIVATE KEY-----\n";
    let ours = "";
    let overwrites = 0;
    h.stubs.SSM!.on(PutParameterCommand).callsFake((input: PutInput) => {
      if (input.Name === CA[0] && input.Overwrite) overwrites += 1;
      if (input.Name === CA[0] && !input.Overwrite && !ours) {
        ours = input.Value ?? "";
        h.parameters.putParameter({ ...input, Value: theirs });
      }
      return h.parameters.putParameter(input);
    });
    const outcome = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "cold", params: [], private: false }));
    expect(ours).not.toBe("");
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.stderr).toContain("ParameterAlreadyExists");
    // Theirs is never replaced by ours, nor removed by the failed install's clean-up.
    expect(overwrites).toBe(0);
    expect(h.parameters.values.get(CA[0]!)?.value).toBe(theirs);
    for (const secret of [theirs, ours, "THEIRS-SECRET", ours.split("\n")[1]!]) {
      expect(outcome.stderr).not.toContain(secret);
      expect(outcome.stdout).not.toContain(secret);
    }
  });
});
