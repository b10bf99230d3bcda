import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as envSet } from "../../src/operations/env-set.js";
import { caKeyAlias } from "../../src/names/index.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack, withOptions } from "../support/workflows.js";

/**
 * Issue 21, least privilege: "app secrets use the aws/ssm key instead of the rack's own KMS
 * key". They are stored with the rack's own key, whose policy decrypts them (and the CA key)
 * only through Parameter Store.
 */

let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod");
  await deployedApp(h, "prod", "shop", PUBLIC_WEB);
});
afterEach(() => h.restore());

const rackKey = () => [...h.keys.keys.values()].find((key) => key.arn.length > 0 && h.keys.describeKey({ KeyId: caKeyAlias("prod") }).KeyMetadata?.Arn === key.arn);

interface Deny {
  Sid: string;
  Effect: string;
  Condition: Record<string, Record<string, string | string[]>>;
}

describe("app secrets on the rack's own KMS key (issue 21)", () => {
  it("env set stores the value with the rack's key, not aws/ssm", async () => {
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(envSet, { assignments: ["API_TOKEN=s3cret"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    const stored = h.parameters.values.get("/racknet/prod/apps/shop/env/API_TOKEN");
    expect(stored?.type).toBe("SecureString");
    expect(stored?.keyId).toBe(rackKey()?.arn);
    expect(stored?.keyId).not.toBe("alias/aws/ssm");
  });

  it("the key decrypts, through Parameter Store only, the CA key and the apps' parameters, nothing else", async () => {
    await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(envSet, { assignments: ["API_TOKEN=s3cret"] }));
    const policy = JSON.parse(rackKey()?.policy ?? "{}") as { Statement: Deny[] };
    const denies = policy.Statement.filter((statement) => statement.Effect === "Deny");
    expect(denies.find((statement) => statement.Sid === "DecryptOnlyThroughParameterStore")?.Condition).toEqual({ StringNotEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com" } });
    expect(denies.find((statement) => statement.Sid === "DecryptOnlyTheRackParameters")?.Condition).toEqual({
      StringNotLike: { "kms:EncryptionContext:PARAMETER_ARN": ["arn:aws:ssm:us-east-1:123456789012:parameter/racknet/prod/ca/key", "arn:aws:ssm:us-east-1:123456789012:parameter/racknet/prod/apps/*"] },
    });
  });

  it("a key made by an earlier racknet (its policy decrypts the CA key only) gets the current policy before the first secret is written with it", async () => {
    const key = rackKey();
    if (!key) throw new Error("the rack has no key");
    const old = JSON.parse(key.policy ?? "{}") as { Statement: Deny[] };
    key.policy = JSON.stringify({ ...old, Statement: old.Statement.filter((statement) => statement.Sid !== "DecryptOnlyTheRackParameters") });
    const outcome = await withOptions(h, { rack: "prod", app: "shop", yes: true }, () => h.run(envSet, { assignments: ["API_TOKEN=s3cret"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain("may now decrypt the apps' stored environment");
    const order = outcome.calls.map((call) => call.operation);
    expect(order.indexOf("KMS.PutKeyPolicy")).toBeLessThan(order.indexOf("SSM.PutParameter"));
    expect(key.policy).toContain("/racknet/prod/apps/*");
  });
});
