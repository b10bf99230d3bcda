import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeleteCertificateCommand, ImportCertificateCommand } from "@aws-sdk/client-acm";
import { Interrupted } from "../../src/errors/index.js";
import { run as rackInstall } from "../../src/operations/rack-install.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack, withOptions } from "../support/workflows.js";

/** Issue 21, item 10: after Ctrl-C during install's stack creation, running the same command again finishes it, the first time. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

describe("rack install run again while its stack is still being created", () => {
  it("follows the creation an earlier run started to its end and reports the rack installed, instead of 'already exists ... pick another name'", async () => {
    await installedRack(h, "prod");
    // What Ctrl-C during the creation leaves: the stack, still CREATE_IN_PROGRESS, which CloudFormation finishes by itself.
    const stack = h.cloudFormation.stacks.find((candidate) => candidate.name === "prod" && candidate.status !== "DELETE_COMPLETE");
    expect(stack).toBeDefined();
    if (!stack) return;
    stack.status = "CREATE_IN_PROGRESS";
    setTimeout(() => {
      stack.status = "CREATE_COMPLETE";
    }, 300);
    const rerun = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: [], private: false }));
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stderr).not.toContain("pick another name");
    expect(rerun.stderr).toContain("rack prod installed");
  }, 60_000);
});

describe("rack install run again after Ctrl-C during its certificate step (issue 21, item 10)", () => {
  /**
   * Ctrl-C lands while the rack's certificates are imported, and the clean-up after it is cut
   * short too (a second Ctrl-C, a lost connection): the KMS key, the CA and a certificate are
   * left, and the journal says where the run stopped.
   */
  async function interruptedDuringCertificates() {
    h.stubs.ACM?.on(ImportCertificateCommand)
      .callsFakeOnce(async (input: Parameters<typeof h.certificates.importCertificate>[0]) => h.certificates.importCertificate(input))
      .rejectsOnce(new Interrupted("Ctrl-C: stopped while the rack's certificates were imported"))
      .callsFake(async (input: Parameters<typeof h.certificates.importCertificate>[0]) => h.certificates.importCertificate(input));
    h.stubs.ACM?.on(DeleteCertificateCommand).rejectsOnce(new Error("connection reset")).callsFake(async (input: { CertificateArn?: string }) => h.certificates.deleteCertificate(input));
    const stopped = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: [], private: false }));
    expect(stopped.exitCode).not.toBe(0);
    expect(h.certificates.certificates.size).toBeGreaterThan(0);
    return stopped;
  }

  it("the stopped run says that running the same command again finishes it", async () => {
    const stopped = await interruptedDuringCertificates();
    expect(stopped.stderr).toContain("run the same command again to finish the install (`racknet rack install prod`");
    expect(stopped.stderr).not.toContain("pick another name");
  });

  it("the same command again says what it does, adopts what the earlier run made, and installs the rack the first time", async () => {
    await interruptedDuringCertificates();
    const keysBefore = h.keys.live();
    const rerun = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: [], private: false }));
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stderr).not.toContain("already exists");
    expect(rerun.stderr).toMatch(/finishing racknet rack install prod: using what an earlier run made before it stopped \(the KMS key alias\/racknet\/prod\/ca, the CA, \d certificate\(s\)\), then creating the stack/);
    expect(rerun.stderr).toContain("rack prod installed");
    // The key the first run made is the rack's key: not a second one.
    expect(h.keys.live()).toEqual(keysBefore);
    expect(h.cloudFormation.stack("prod")?.status).toBe("CREATE_COMPLETE");
  }, 60_000);
});

describe("rack install run again after Ctrl-C during its stack creation, which then finished (issue 21, item 10)", () => {
  it("says the earlier run created it and exits 0, instead of 'already exists ... pick another name'", async () => {
    await installedRack(h, "prod");
    const rerun = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: [], private: false }));
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stderr).not.toContain("pick another name");
    expect(rerun.stderr).toContain("finishing racknet rack install prod: an earlier run created its stack (CREATE_COMPLETE) with these parameters; nothing is left to do");
    expect(rerun.stderr).toContain("rack prod installed");
    expect(rerun.writes.filter((operation) => !operation.startsWith("SSM."))).toEqual([]);
  });

  it("also when the earlier run picked the rack's VPC range (no VPCCIDR given, 10.0.0.0/16 taken by a VPC of the account)", async () => {
    h.vpcs.push({ VpcId: "vpc-0team", CidrBlock: "10.0.0.0/16", CidrBlockAssociationSet: [{ CidrBlock: "10.0.0.0/16", CidrBlockState: { State: "associated" } }] });
    await installedRack(h, "prod");
    expect(h.cloudFormation.stack("prod")?.parameters.VPCCIDR).not.toBe("10.0.0.0/16");
    const rerun = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: [], private: false }));
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain("an earlier run created its stack (CREATE_COMPLETE) with these parameters; nothing is left to do");
  });

  it("an install with other parameters than the rack's is still refused, naming params set", async () => {
    await installedRack(h, "prod");
    const other = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: [], private: true }));
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain("rack prod already exists (CREATE_COMPLETE)");
    expect(other.stderr).toContain("racknet rack params set");
  });
});
