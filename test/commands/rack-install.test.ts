import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as install, type InstallArgs } from "../../src/operations/rack-install.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";

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
    expect(result.writes).toEqual(["SSM.PutParameter", "SSM.PutParameter", "ACM.ImportCertificate", "ACM.ImportCertificate", "ACM.ImportCertificate", "CloudFormation.CreateChangeSet", "CloudFormation.ExecuteChangeSet"]);
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
    expect(result.writes).toEqual(["CloudFormation.CreateChangeSet", "CloudFormation.DeleteChangeSet", "CloudFormation.DeleteStack"]);
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
    expect(h.parameters.values.size).toBe(0);
    expect(h.certificates.certificates.size).toBe(0);
  });

  it("refused at the go-ahead (no terminal, no --yes): the CA it created is removed, and no stack", async () => {
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("--yes");
    expect(h.cloudFormation.stack("prod")).toBeUndefined();
    expect(h.parameters.values.size).toBe(0);
    expect(h.certificates.certificates.size).toBe(0);
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
    expect(h.certificates.certificates.size).toBe(0);
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
    expect(result.writes).toEqual([]);
  });

  it("a region with fewer than two Availability Zones: refused, nothing written", async () => {
    h.options.yes = true;
    h.zones = ["us-east-1a"];
    const result = await h.run(install, args("prod"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("region us-east-1 offers 1 Availability Zone(s) that are available, need no opt-in and run Fargate; a rack needs at least two");
    expect(result.writes).toEqual([]);
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
