import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeleteCertificateCommand } from "@aws-sdk/client-acm";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { createCa } from "../../src/ca/index.js";
import { run as install, type InstallArgs } from "../../src/operations/rack-install.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";

/** `racknet rack install NAME [--private] [K=V ...]` (SPEC sections 1, 2 and 4), on the in-memory AWS. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

const args = (name: string, params: string[] = [], isPrivate = false): InstallArgs => ({ name, params, private: isPrivate });
const CA = ["/racknet/prod/ca/key", "/racknet/prod/ca/cert"];

describe("racknet rack install", () => {
  it("creates the rack's CA and certificate, then the stack through a change set, and shows the rack", async () => {
    h.options.yes = true;
    const result = await h.run(install, args("prod", ["Internal=Yes"]));

    expect(result.exitCode).toBe(0);
    // Besides the template's way through the staging bucket (it is over the inline limit: rack-template-s3.test.ts).
    expect(resourceWrites(result).filter((write) => !write.startsWith("S3."))).toEqual([
      // The key's policy goes with CreateKey (the account is known from GetCallerIdentity): no PutKeyPolicy.
      ...["KMS.CreateKey", "KMS.CreateAlias", "KMS.EnableKeyRotation"],
      ...["SSM.PutParameter", "SSM.PutParameter", "ACM.ImportCertificate", "ACM.ImportCertificate", "ACM.ImportCertificate", "CloudFormation.CreateChangeSet", "CloudFormation.ExecuteChangeSet"],
    ]);
    expect(h.parameters.values.get(CA[0] ?? "")?.type).toBe("SecureString");
    expect(h.parameters.values.get(CA[1] ?? "")?.type).toBe("String");
    // The three certificates are imported side by side: find the rack's by its tag, not by order.
    const [certificateArn, certificate] = [...h.certificates.certificates].find(([, stored]) => stored.tags["racknet:cert"] === "rack") ?? [];
    expect(certificate?.tags).toEqual({ "racknet:rack": "prod", "racknet:cert": "rack" });
    expect(h.certificates.certificates.size).toBe(3);
    const stack = h.cloudFormation.stack("prod");
    expect(stack?.status).toBe("CREATE_COMPLETE");
    expect(stack?.tags).toMatchObject({ "racknet:kind": "rack", "racknet:rack": "prod" });
    expect(stack?.parameters).toMatchObject({ Internal: "Yes", Private: "No", AvailabilityZoneCount: "3", RackCertificateArn: certificateArn });
    expect(result.stderr).toMatch(/Plan to create rack prod \(stack prod\)/);
    expect(result.stderr).toContain("✔ rack prod installed");
    expect(result.stdout).toMatch(/^Name\s+prod$/m);
    expect(result.stdout).toMatch(/^Parameters\s+Internal=Yes$/m);
  });

  it("--private is Private=Yes: the plan states the NAT gateways' monthly cost", async () => {
    h.options.yes = true;
    const result = await h.run(install, args("prod", [], true));
    expect(result.exitCode).toBe(0);
    expect(h.cloudFormation.stack("prod")?.parameters.Private).toBe("Yes");
    expect(result.stderr).toMatch(/3 NAT gateways will be created: about \$[\d.]+\/month plus \$[\d.]+\/GB processed/);
  });

  it("in a region with two zones: a rack over two zones", async () => {
    h.options.yes = true;
    h.zones = ["us-east-1a", "us-east-1b"];
    await h.run(install, args("prod"));
    expect(h.cloudFormation.stack("prod")?.parameters.AvailabilityZoneCount).toBe("2");
  });

  it("--json: the outcome and the rack, on stdout only", async () => {
    Object.assign(h.options, { yes: true, json: true });
    const result = await h.run(install, args("prod"));
    expect(JSON.parse(result.stdout)).toMatchObject({ rack: "prod", outcome: "applied", summary: { name: "prod", status: "CREATE_COMPLETE", region: "us-east-1", parameters: { Private: "No" } } });
  });

  it("--dry-run: the plan, then no stack and no CA left behind", async () => {
    h.options.dryRun = true;
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/Add\s+Vpc\s+AWS::EC2::VPC/);
    expect(result.stderr).toContain("the rack's certificate authority and certificate will be created");
    expect(result.stderr).toContain("dry run: nothing was changed");
    expect(resourceWrites(result).filter((write) => !write.startsWith("S3."))).toEqual(["CloudFormation.CreateChangeSet", "CloudFormation.DeleteChangeSet", "CloudFormation.DeleteStack"]);
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
    expect(h.parameters.values.size).toBe(0);
  });

  it("refused at the go-ahead (no terminal, no --yes): the CA it created is removed, and no stack", async () => {
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("--yes");
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
    expect(h.parameters.values.size).toBe(0);
    expect(h.keys.live()).toEqual([]);
    expect(result.writes).not.toContain("CloudFormation.ExecuteChangeSet");
  });

  it("a change set CloudFormation refuses: exit 3, the CA it created is removed, and no stack", async () => {
    h.options.yes = true;
    h.cloudFormation.refuseNextChangeSet("prod", "Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template");
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("CloudFormation could not create the change set for stack prod: Template format error");
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
    expect(h.parameters.values.size).toBe(0);
  });

  it("a creation that fails and rolls back: the root cause and the recovery, exit 3", async () => {
    h.options.yes = true;
    h.cloudFormation.failNext("prod", { logicalId: "NetworkSecurityGroup", reason: "Resource handler returned message: \"The maximum number of security groups has been reached\"" });
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/root cause: NetworkSecurityGroup \(AWS::EC2::SecurityGroup\) CREATE_FAILED/);
    expect(result.stderr).toContain("maximum number of security groups");
    expect(result.stderr).toContain("fix: remove what is left with `racknet rack uninstall prod`, fix the cause, then install again");
    expect(h.cloudFormation.stack("prod")?.status).toBe("ROLLBACK_COMPLETE");
  });

  it("an existing rack: refused, naming `rack params set`, nothing written", async () => {
    h.options.yes = true;
    await h.run(install, args("prod"));
    const result = await h.run(install, args("prod", ["Private=Yes"]));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("error: rack prod already exists (CREATE_COMPLETE)");
    expect(result.stderr).toContain("racknet rack params set K=V -r prod");
    // The rack's lock is taken beside the first reads (one round trip) and released: nothing else is written.
    expect(resourceWrites(result)).toEqual([]);
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);
  });

  it("a region with fewer than two Availability Zones: refused, nothing written", async () => {
    h.options.yes = true;
    h.zones = ["us-east-1a"];
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("region us-east-1 offers 1 Availability Zone(s) that are available, need no opt-in and run Fargate; a rack needs at least two");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);
  });

  it("invalid parameters: every problem, the closest name suggested, no AWS call", async () => {
    const result = await h.run(install, args("prod", ["Privat=Yes", "Internal=maybe", "VPCCIDR=10.0.0.0/8"]));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("3 invalid rack parameters; nothing was changed");
    expect(result.stderr).toContain('unknown parameter "Privat"; did you mean Private?');
    expect(result.stderr).toContain('Internal must be Yes or No, not "maybe"');
    expect(result.calls).toEqual([]);
  });
});

describe("racknet rack install: the CA's own KMS key, and nothing left without a stack", () => {
  it("the CA's private key is encrypted with a KMS key of the rack's own: rotation on, decrypting only that parameter through Parameter Store", async () => {
    h.options.yes = true;
    await h.run(install, args("prod"));
    const [keyId, key] = [...h.keys.keys][0] ?? [];
    expect(h.keys.aliases.get("alias/racknet/prod/ca")).toBe(keyId);
    expect(h.parameters.values.get(CA[0] ?? "")?.keyId).toBe(keyId);
    expect(key?.rotation).toBe(true);
    expect(key?.tags).toEqual({ "racknet:rack": "prod" });
    const statements = (JSON.parse(key?.policy ?? "{}") as { Statement: Array<{ Effect: string; Action: string; Condition?: unknown }> }).Statement;
    expect(statements.filter((statement) => statement.Effect === "Deny").map((statement) => statement.Condition)).toEqual([
      { StringNotEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com" } },
      { StringNotLike: { "kms:EncryptionContext:PARAMETER_ARN": ["arn:aws:ssm:us-east-1:123456789012:parameter/racknet/prod/ca/key", "arn:aws:ssm:us-east-1:123456789012:parameter/racknet/prod/apps/*"] } },
    ]);
  });

  it("a run that ends without a stack removes its key (deletion scheduled), CA and certificates, and its lock and journal", async () => {
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("removed what this install made before the stack: 3 certificate(s), the CA, and its KMS key (deletion scheduled in 7 days)");
    expect(h.keys.live()).toEqual([]);
    expect(h.keys.aliases.size).toBe(0);
    expect([...h.parameters.values.keys()]).toEqual([]);
  });

  it("when that clean-up fails too: the journal keeps what is left, a retry adopts the key and the CA, and finishes", async () => {
    h.stubs.ACM?.on(DeleteCertificateCommand).rejectsOnce(new Error("ACM is having a bad day")).callsFake(async (input: { CertificateArn?: string }) => h.certificates.deleteCertificate(input));
    const stopped = await h.run(install, args("prod"));
    expect(stopped.exitCode).toBe(1);
    expect(stopped.stderr).toContain(
      "could not remove what this install made before its stack (ACM is having a bad day): run the same command again to finish the install (`racknet rack install prod`: it uses them), or `racknet rack uninstall prod` to remove them",
    );
    expect(stopped.stderr).toMatch(/done: the CA's KMS key alias\/racknet\/prod\/ca/);
    expect(h.parameters.values.has("/racknet/prod/journal/rack")).toBe(true);
    const key = h.keys.aliases.get("alias/racknet/prod/ca");

    h.options.yes = true;
    const again = await h.run(install, args("prod"));
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain("finishing racknet rack install prod");
    expect(resourceWrites(again)).not.toContain("KMS.CreateKey");
    expect(h.keys.aliases.get("alias/racknet/prod/ca")).toBe(key);
    expect(h.parameters.values.has("/racknet/prod/journal/rack")).toBe(false);
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);
  });

  it("another racknet's CA stored while this install stores its own: the failed install leaves it, and the KMS key that encrypts it", async () => {
    const theirs = { key: "-----BEGIN PRIVATE KEY-----\nTHEIRS-SECRET\n-----END PRIVATE KEY-----\n", cert: "-----BEGIN CERTIFICATE-----\nTHEIRS\n-----END CERTIFICATE-----\n" };
    h.stubs.SSM!.on(PutParameterCommand).callsFake((input: Parameters<AwsHarness["parameters"]["putParameter"]>[0]) => {
      if (CA.includes(input.Name ?? "") && !input.Overwrite && !h.parameters.values.has(CA[0]!)) {
        h.parameters.putParameter({ Name: CA[0], Value: theirs.key, Type: "SecureString", KeyId: h.keys.aliases.get("alias/racknet/prod/ca") });
        h.parameters.putParameter({ Name: CA[1], Value: theirs.cert, Type: "String" });
      }
      return h.parameters.putParameter(input);
    });
    h.options.yes = true;
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("rack prod's certificate authority was stored by another racknet while this one ran: /racknet/prod/ca/key and /racknet/prod/ca/cert already held another value");
    expect(h.parameters.values.get(CA[0]!)?.value).toBe(theirs.key);
    expect(h.parameters.values.get(CA[1]!)?.value).toBe(theirs.cert);
    expect(h.keys.live()).toHaveLength(1);
    expect(result.stderr).toMatch(/removed what this install made before the stack: \d certificate\(s\); left rack prod's CA \(\/racknet\/prod\/ca\/key, \/racknet\/prod\/ca\/cert\), which this run did not store, and its KMS key\n/);
    expect(result.stderr).not.toContain("THEIRS-SECRET");
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);
    // The certificates' imports had all settled before the clean-up looked for them: none is imported after it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.certificates.certificates.size).toBe(0);
  });

  it("a CA that was there before the install (adopted) is left when the install ends without a stack", async () => {
    const ca = await createCa("prod");
    h.parameters.putParameter({ Name: CA[0], Value: ca.keyPem, Type: "SecureString" });
    h.parameters.putParameter({ Name: CA[1], Value: ca.certPem, Type: "String" });
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(1);
    expect(h.parameters.values.get(CA[0]!)?.value).toBe(ca.keyPem);
    expect(h.parameters.values.get(CA[1]!)?.value).toBe(ca.certPem);
    expect(result.stderr).not.toContain(ca.keyPem.split("\n")[1]!);
  });

  it("a CA half written (the run stopped between its two parameters) is made anew, not refused, while there is no stack", async () => {
    h.parameters.putParameter({ Name: CA[0], Value: "-----BEGIN PRIVATE KEY-----\nstale\n-----END PRIVATE KEY-----", Type: "SecureString" });
    h.options.yes = true;
    const result = await h.run(install, args("prod"));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.parameters.values.get(CA[1] ?? "")?.value).toMatch(/BEGIN CERTIFICATE/);
    expect(h.parameters.values.get(CA[0] ?? "")?.value).not.toContain("stale");
  });
});
