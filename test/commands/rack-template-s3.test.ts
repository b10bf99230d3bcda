import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Template } from "../../src/templates/cfn.js";
import { run as install } from "../../src/operations/rack-install.js";
import { run as uninstall } from "../../src/operations/rack-uninstall.js";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { run as rackTemplateWorkflow } from "../../src/operations/rack-template.js";
import { MAX_TEMPLATE_BODY_BYTES } from "../../src/aws/changeset/create.js";
import { awsHarness, memoryContext, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { ACCOUNT } from "../support/physical-ids.js";
import { printing } from "../support/printing.js";
const rackTemplate = printing(rackTemplateWorkflow);

/**
 * A rack template over CloudFormation's 51,200-byte inline limit (docs/decisions.md, "The rack
 * template through S3"): the real template, padded here, goes through the same code path as
 * the real one will once it grows past the limit.
 */
const PAD = 12_000;
vi.mock("../../src/rack-steps/rack-template.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/rack-steps/rack-template.js")>();
  const padded = (template: Template): Template => ({ ...template, Metadata: { ...template.Metadata, Padding: "x".repeat(PAD) } });
  return { ...original, fullRackTemplate: (defaults?: Readonly<Record<string, string>>) => padded(original.fullRackTemplate(defaults)) };
});

const STAGING = `racknet-staging-${ACCOUNT}-us-east-1-an`;

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

function installRack(name: string, options: { dryRun?: boolean } = {}) {
  Object.assign(h.options, { yes: !options.dryRun, dryRun: Boolean(options.dryRun) });
  return h.run(install, { name, params: [], private: false });
}

function uninstallRack(name: string) {
  Object.assign(h.options, { yes: true, dryRun: false });
  return h.run(uninstall, { name });
}

const callsOf = (result: { calls: { operation: string; input: Record<string, unknown> }[] }, operation: string) => result.calls.filter((call) => call.operation === operation).map((call) => call.input);

describe("rack install of a template over 51,200 bytes", () => {
  it("makes the staging bucket with every setting stated, uploads the template there, passes its URL, and leaves the bucket empty", async () => {
    const result = await installRack("prod");
    expect(result.exitCode).toBe(0);

    const deployed = h.cloudFormation.stack("prod");
    expect(deployed?.status).toBe("CREATE_COMPLETE");
    expect(Buffer.byteLength(deployed?.templateBody ?? "")).toBeGreaterThan(MAX_TEMPLATE_BODY_BYTES);
    const [created] = callsOf(result, "CloudFormation.CreateChangeSet");
    expect(created?.TemplateBody).toBeUndefined();
    const key = `racknet/templates/prod/${createHash("sha256").update(deployed?.templateBody ?? "").digest("hex")}.json`;
    expect(created?.TemplateURL).toBe(`https://${STAGING}.s3.us-east-1.amazonaws.com/${key}`);
    expect(callsOf(result, "S3.PutObject")).toEqual([expect.objectContaining({ Bucket: STAGING, Key: key, ExpectedBucketOwner: ACCOUNT })]);
    expect(callsOf(result, "S3.DeleteObject")).toEqual([expect.objectContaining({ Bucket: STAGING, Key: key, ExpectedBucketOwner: ACCOUNT })]);

    const bucket = h.objects.made.get(STAGING);
    expect(bucket?.created).toMatchObject({ Bucket: STAGING, BucketNamespace: "account-regional", ObjectOwnership: "BucketOwnerEnforced" });
    expect(bucket?.created).not.toHaveProperty("CreateBucketConfiguration");
    expect(bucket?.settings.PublicAccessBlock).toMatchObject({ ExpectedBucketOwner: ACCOUNT, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
    expect(bucket?.settings.Encryption).toMatchObject({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] } });
    expect(JSON.parse(String(bucket?.settings.Policy?.Policy))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${STAGING}`, `arn:aws:s3:::${STAGING}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
    });
    expect(bucket?.settings.Lifecycle).toMatchObject({ LifecycleConfiguration: { Rules: [{ Status: "Enabled", Filter: { Prefix: "racknet/templates/" }, Expiration: { Days: 1 } }] } });
    expect(h.objects.buckets.get(STAGING)?.size ?? 0).toBe(0);

    // The whole plan and its cost, and a word on the bucket made for it.
    expect(result.stderr).toMatch(/Add\s+Vpc\s+AWS::EC2::VPC/);
    expect(result.stderr).toMatch(/Monthly cost: \$[\d.]+ -> \$[\d.]+/);
    expect(result.stderr).toContain(`the template staging bucket ${STAGING} was made for it`);
  });

  it("a second rack uses the bucket that is there: its tag marks it configured, so one read and the upload, no word on it in the plan", async () => {
    await installRack("prod");
    const result = await installRack("stage");
    expect(result.exitCode).toBe(0);
    expect(callsOf(result, "S3.CreateBucket")).toEqual([]);
    expect(callsOf(result, "S3.PutBucketPolicy")).toEqual([]);
    expect(resourceWrites(result).filter((call) => call.startsWith("S3.")).sort()).toEqual(["S3.DeleteObject", "S3.PutObject"]);
    expect(callsOf(result, "S3.GetBucketTagging")).toHaveLength(1);
    expect(result.stderr).not.toContain("was made for it");
  });

  it("a bucket left without its settings (a run stopped after CreateBucket) gets every setting, the tag last", async () => {
    h.objects.made.set(STAGING, { owner: ACCOUNT, created: {}, settings: {} });
    const result = await installRack("prod");
    expect(result.exitCode, result.stderr).toBe(0);
    expect(callsOf(result, "S3.CreateBucket")).toEqual([]);
    const settings = h.objects.made.get(STAGING)?.settings ?? {};
    expect(Object.keys(settings).sort()).toEqual(["Encryption", "Lifecycle", "Policy", "PublicAccessBlock", "Tagging"]);
    const writes = resourceWrites(result).filter((call) => call.startsWith("S3.PutBucket") || call === "S3.PutPublicAccessBlock");
    expect(writes.at(-1)).toBe("S3.PutBucketTagging");
  });

  it("--dry-run: the whole plan with its cost, then neither a stack nor the staging bucket it needed", async () => {
    const result = await installRack("prod", { dryRun: true });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/Add\s+Vpc\s+AWS::EC2::VPC/);
    expect(result.stderr).toMatch(/\$[\d.]+\/month/);
    expect(result.stderr).toContain("dry run: nothing was changed");
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
    expect(h.objects.made.has(STAGING)).toBe(false);
    expect(resourceWrites(result)).toContain("S3.DeleteBucket");
  });

  it("a staging bucket name held by another account is refused before any upload; what the install made is removed", async () => {
    h.objects.made.set(STAGING, { owner: "999999999999", created: {}, settings: {} });
    const result = await installRack("prod");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`the template staging bucket ${STAGING} exists but is not this account's (${ACCOUNT})`);
    expect(callsOf(result, "S3.PutObject")).toEqual([]);
    expect(callsOf(result, "CloudFormation.CreateChangeSet")).toEqual([]);
    expect(h.certificates.certificates.size).toBe(0);
  });
});

describe("rack uninstall and the staging bucket", () => {
  it("the last rack of the region takes it with it; a leftover upload older than ten minutes goes first", async () => {
    await installRack("prod");
    await h.objects.putObject({ Bucket: STAGING, Key: "racknet/templates/prod/leftover.json", Body: "{}" });
    h.objects.modified.set(`${STAGING}/racknet/templates/prod/leftover.json`, new Date(Date.now() - 11 * 60 * 1000));
    const result = await uninstallRack("prod");
    expect(result.exitCode).toBe(0);
    expect(h.objects.made.has(STAGING)).toBe(false);
    expect(result.stderr).toContain(`removed the template staging bucket ${STAGING} (no rack is left in us-east-1)`);
  });

  it("with another rack left, it stays, and the user is told which rack uses it", async () => {
    await installRack("prod");
    await installRack("stage");
    const result = await uninstallRack("prod");
    expect(result.exitCode).toBe(0);
    expect(h.objects.made.has(STAGING)).toBe(true);
    expect(result.stderr).toContain(`the template staging bucket ${STAGING} stays: 1 other rack(s) in us-east-1 use it (stage)`);
    await uninstallRack("stage");
    expect(h.objects.made.has(STAGING)).toBe(false);
  });

  it("an upload of the last minutes (another install between its upload and its change set) keeps it, with a warning naming the command", async () => {
    await installRack("prod");
    await h.objects.putObject({ Bucket: STAGING, Key: "racknet/templates/other/in-flight.json", Body: "{}" });
    const result = await uninstallRack("prod");
    expect(result.exitCode).toBe(0);
    expect(h.objects.read(STAGING, "racknet/templates/other/in-flight.json")).toBe("{}");
    expect(result.stderr).toContain(`kept the template staging bucket ${STAGING}`);
    expect(result.stderr).toContain(`aws s3 rb s3://${STAGING} --force`);
  });

  it("an account that never needed it: nothing said, nothing written for it", async () => {
    await installRack("prod");
    h.objects.made.delete(STAGING);
    const result = await uninstallRack("prod");
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain("staging bucket");
    expect(resourceWrites(result).filter((write) => write.startsWith("S3.") && write !== "S3.DeleteObjects")).toEqual([]);
  });
});

describe("rack params set on a rack whose template is over 51,200 bytes", () => {
  it("reuses the deployed template (UsePreviousTemplate, whatever its size): nothing is uploaded", async () => {
    await installRack("prod");
    Object.assign(h.options, { rack: "prod", yes: true });
    const result = await h.run(paramsSet, { params: ["Internal=Yes"] });
    expect(result.exitCode).toBe(0);
    const [update] = callsOf(result, "CloudFormation.CreateChangeSet");
    expect(update).toMatchObject({ UsePreviousTemplate: true });
    expect(update?.TemplateBody).toBeUndefined();
    expect(callsOf(result, "S3.PutObject")).toEqual([]);
    expect(h.cloudFormation.stack("prod")?.parameters.Internal).toBe("Yes");
    expect(result.stderr).toMatch(/Monthly cost: \$[\d.]+ -> \$[\d.]+/);
  });
});

describe("racknet rack template over 51,200 bytes even minified", () => {
  it("prints the whole template, and says it deploys through S3 (--s3-bucket)", async () => {
    const { context, stdout, stderr } = memoryContext();
    await rackTemplate(context, { params: [], minify: true });
    const body = stdout.text.trimEnd();
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_TEMPLATE_BODY_BYTES);
    expect((JSON.parse(body) as { Resources: Record<string, unknown> }).Resources.Vpc).toBeDefined();
    expect(stderr.text).toContain("even minified; deploy it with --s3-bucket BUCKET");
  });
});
