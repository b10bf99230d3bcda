import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeleteCertificateCommand } from "@aws-sdk/client-acm";
import { run as install } from "../../src/operations/rack-install.js";
import { run as uninstall } from "../../src/operations/rack-uninstall.js";
import { MAX_TEMPLATE_BODY_BYTES } from "../../src/aws/changeset/create.js";
import { fullRackTemplate } from "../../src/rack-steps/rack-template.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack } from "../support/workflows.js";

/** `racknet rack uninstall NAME` (SPEC section 1), on the in-memory AWS. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

function overInlineLimit(): boolean {
  return Buffer.byteLength(JSON.stringify(fullRackTemplate({}, { region: "us-east-1" }))) > MAX_TEMPLATE_BODY_BYTES;
}

/** A template upload a killed racknet left in the rack's bucket. */
function leftoverUpload(): { bucket: string; key: string } {
  const bucket = h.cloudFormation.stack("prod")?.outputs.TemplateBucket ?? "";
  const key = "racknet/templates/prod-shop/0123abcd.json";
  h.objects.putObject({ Bucket: bucket, Key: key, Body: "{}" });
  return { bucket, key };
}

describe("racknet rack uninstall", () => {
  it("refused while the rack has apps, naming each; nothing deleted", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    await deployedApp(h, "prod", "blog", PUBLIC_WEB);
    h.options.yes = true;
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("error: rack prod still has 2 app(s): shop, blog; nothing was deleted");
    expect(result.stderr).toContain("`racknet apps delete shop -r prod`, `racknet apps delete blog -r prod`");
    expect(result.writes).toEqual([]);
  });

  it("deletes the stack, then the rack's CA and certificates, after showing every resource as removed", async () => {
    await installedRack(h, "prod");
    h.options.yes = true;
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/Remove !\s+ExternalBalancer\s+AWS::ElasticLoadBalancingV2::LoadBalancer/);
    expect(result.stderr).toContain("✔ rack prod uninstalled");
    expect(resourceWrites(result)).toEqual([
      ...["CloudFormation.DeleteStack", "ACM.DeleteCertificate", "ACM.DeleteCertificate", "ACM.DeleteCertificate", "SSM.DeleteParameters"],
      ...["KMS.DeleteAlias", "KMS.ScheduleKeyDeletion"],
      // A rack template over the inline limit made the region's template staging bucket at install; the last rack's uninstall removes it.
      ...(overInlineLimit() ? ["S3.DeleteBucket"] : []),
    ]);
    expect(h.keys.live()).toEqual([]);
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
    expect(h.parameters.values.size).toBe(0);
    expect(h.certificates.certificates.size).toBe(0);
  });

  it("leftover template uploads are removed after the go-ahead, before the stack", async () => {
    await installedRack(h, "prod");
    const { bucket, key } = leftoverUpload();
    h.options.yes = true;
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode).toBe(0);
    expect(h.objects.read(bucket, key)).toBeUndefined();
    expect(result.stderr).toContain(`removed 1 leftover template upload(s) from ${bucket}`);
    expect(resourceWrites(result).slice(0, 2)).toEqual(["S3.DeleteObjects", "CloudFormation.DeleteStack"]);
  });

  it("without the go-ahead (no terminal, no --yes): refused naming --yes; the uploads, the stack and the CA stay", async () => {
    await installedRack(h, "prod");
    const { bucket, key } = leftoverUpload();
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("--yes");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.objects.read(bucket, key)).toBe("{}");
    expect(h.cloudFormation.stack("prod")?.status).toBe("CREATE_COMPLETE");
    expect(h.parameters.values.size).toBe(2);
  });

  it("--dry-run: the plan, nothing deleted", async () => {
    await installedRack(h, "prod");
    leftoverUpload();
    h.options.dryRun = true;
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("dry run: nothing was changed");
    expect(result.writes).toEqual([]);
  });

  it("a deletion that fails: the root cause, exit 3, and the CA kept for the retry", async () => {
    await installedRack(h, "prod");
    // Not a subnet or VPC held by interfaces (those are waited for and deleted again: uninstall-steps.test.ts).
    h.cloudFormation.failNext("prod", { logicalId: "Vpc", reason: "You are not authorized to perform this operation. (Service: Ec2, Status Code: 403)" });
    h.options.yes = true;
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/root cause: Vpc \(AWS::EC2::VPC\) DELETE_FAILED/);
    expect(h.parameters.values.size).toBe(2);
    expect(resourceWrites(result)).not.toContain("SSM.DeleteParameters");
  });

  it("a rack that does not exist: refused, naming `racknet racks`", async () => {
    h.options.yes = true;
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('rack "prod" not found in us-east-1');
    expect(result.writes).toEqual([]);
  });
});

describe("racknet rack uninstall of a rack whose stack never got created", () => {
  it("removes the KMS key, the CA and the certificates an install left before its stack, after the same go-ahead", async () => {
    h.stubs.ACM?.on(DeleteCertificateCommand).rejectsOnce(new Error("ACM is having a bad day")).callsFake(async (input: { CertificateArn?: string }) => h.certificates.deleteCertificate(input));
    const stopped = await h.run(install, { name: "prod", params: [], private: false });
    expect(stopped.exitCode).toBe(1);
    expect(h.certificates.certificates.size).toBeGreaterThan(0);

    const refused = await h.run(uninstall, { name: "prod" });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/Remove !?\s+CaKey\s+AWS::KMS::Key/);
    expect(resourceWrites(refused)).toEqual([]);

    h.options.yes = true;
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode, String((result.error as Error)?.stack)).toBe(0);
    expect(result.stderr).toContain("rack prod uninstalled (it had no stack: removed what an install left before it)");
    expect(h.certificates.certificates.size).toBe(0);
    expect(h.keys.live()).toEqual([]);
    expect([...h.parameters.values.keys()]).toEqual([]);
  });

  it("finds them without a journal too (an install killed outright)", async () => {
    h.options.yes = true;
    await installedRack(h, "prod");
    const record = h.cloudFormation.stack("prod");
    if (record) record.status = "DELETE_COMPLETE";
    const result = await h.run(uninstall, { name: "prod" });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.keys.live()).toEqual([]);
    expect(h.parameters.values.size).toBe(0);
  });
});
