import { X509Certificate } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DescribeStackEventsCommand, type DescribeStackEventsCommandInput } from "@aws-sdk/client-cloudformation";
import { run as deploy } from "../../src/operations/deploy.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { INTERNAL_API, PUBLIC_WEB, deployedApp, installedRack, manifestFile } from "../support/workflows.js";

/** `racknet deploy` (SPEC sections 1, 3 and 4), on the in-memory AWS. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

function deployAs(app: string, manifest: string, flags: Partial<AwsHarness["options"]> = { yes: true }) {
  Object.assign(h.options, { rack: "prod", app, ...flags });
  return h.run(deploy, { file: manifestFile(manifest) });
}

describe("racknet deploy: refused before any AWS write", () => {
  it("a manifest with problems: every problem with its line, exit 1, no AWS call at all", async () => {
    const result = await deployAs("shop", "services:\n  web:\n    image: nginx\n    port: 80\n    links: [apii]\n  api:\n    image: example/api:1\n    internal: true\n");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("convox.yml has 2 problems");
    expect(result.stderr).toMatch(/convox\.yml:5:\d+ services\.web\.links\[0\]: services\.web links to "apii", which is not a service in this file; did you mean "api"\?/);
    expect(result.stderr).toMatch(/convox\.yml:8:\d+ services\.api\.internal: services\.api sets internal: true but has no port/);
    expect(result.calls).toEqual([]);
  });

  it("an internal service on a rack without Internal=Yes: names the fix, reads only", async () => {
    await installedRack(h, "prod");
    const result = await deployAs("shop", INTERNAL_API);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("cannot be deployed to rack prod; nothing was changed");
    expect(result.stderr).toContain("services.api is internal, and the rack has no internal load balancer (Internal=No)");
    expect(result.stderr).toContain("fix: racknet rack params set Internal=Yes");
    // The app's lock is claimed beside the rack's read (one round trip) and released: nothing else is written.
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod-shop")).toBeUndefined();
  });

  it("a stack of that name that is not a racknet app: refused, nothing written", async () => {
    await installedRack(h, "prod");
    h.cloudFormation.putStack({ name: "prod-shop", template: { AWSTemplateFormatVersion: "2010-09-09", Description: "someone else's", Parameters: {}, Conditions: {}, Resources: { Queue: { Type: "AWS::SQS::Queue" } }, Outputs: {} } });
    const result = await deployAs("shop", PUBLIC_WEB);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('error: app "shop" of rack prod would be stack prod-shop, which is not a racknet app\'s stack');
    expect(result.stderr).toContain("fix: choose another app name with -a");
    // The app's lock is claimed beside the rack's read (one round trip) and released: nothing else is written.
    expect(resourceWrites(result)).toEqual([]);
  });

  it("app x-c of rack prod and app c of rack prod-x would share stack prod-x-c: the second is refused, the first's stack untouched", async () => {
    await installedRack(h, "prod-x");
    await installedRack(h, "prod");
    await deployedApp(h, "prod-x", "c", PUBLIC_WEB);
    const result = await deployAs("x-c", PUBLIC_WEB);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('app "x-c" of rack prod would be stack prod-x-c, which is app c of rack prod-x');
    // The app's lock is claimed beside the rack's read (one round trip) and released: nothing else is written.
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod-x-c")?.tags).toMatchObject({ "racknet:rack": "prod-x", "racknet:app": "c" });
  });
});

/** The DNS names a certificate covers, in its order. */
function sanNames(pem: string): string[] {
  return (new X509Certificate(pem).subjectAltName ?? "").split(", ").map((entry) => entry.replace(/^DNS:/, ""));
}

describe("racknet deploy: while a rack operation holds the rack", () => {
  it("refused, and the change set that operation is reviewing on the app's stack is left alone", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    // `rack params set` moves the app: it holds the rack's lock and has a change set on the app's stack.
    const now = new Date().toISOString();
    h.parameters.putParameter({
      Name: "/racknet/prod/locks/rack",
      Value: JSON.stringify({ v: 1, operation: "rack params set", key: "prod", command: "racknet rack params set Private=Yes -r prod", owner: { user: "ci", host: "runner-7", pid: 4242 }, token: "t", startedAt: now, heartbeatAt: now }),
    });
    const shop = h.cloudFormation.stack("prod-shop");
    const parameters = Object.entries(shop?.parameters ?? {}).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
    h.cloudFormation.createChangeSet({ StackName: "prod-shop", ChangeSetName: "racknet-20261201T000000000Z", ChangeSetType: "UPDATE", UsePreviousTemplate: true, Capabilities: ["CAPABILITY_IAM"], Parameters: parameters });
    const result = await deployAs("shop", PUBLIC_WEB.replace("nginx:1.27", "nginx:1.28"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("racknet rack params set");
    expect(result.writes).not.toContain("CloudFormation.DeleteChangeSet");
    expect(resourceWrites(result)).toEqual([]);
  });
});

describe("racknet deploy: creates and updates the app", () => {
  it("creates the app stack; its name joins the internal listener's apps certificate, signed by the rack CA, before the stack runs", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    const appsCertificate = h.cloudFormation.stack("prod")?.parameters.InternalAppsCertificateArn ?? "";
    const result = await deployAs("shop", INTERNAL_API);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("app shop deployed to rack prod; see `racknet services -a shop`");
    const certificate = h.certificates.certificates.get(appsCertificate);
    expect(certificate?.tags).toEqual({ "racknet:rack": "prod", "racknet:cert": "internal-apps" });
    const names = sanNames(certificate?.certPem ?? "");
    expect(names).toEqual(["prod.convox", "*.shop.prod.convox"]);
    const caPem = h.parameters.values.get("/racknet/prod/ca/cert")?.value ?? "";
    expect(new X509Certificate(certificate?.certPem ?? "").verify(new X509Certificate(caPem).publicKey)).toBe(true);
    // Re-imported in place after the go-ahead, before the change set runs; no certificate of the app's own.
    const operations = result.calls.map((call) => call.operation);
    expect(operations.indexOf("ACM.ImportCertificate")).toBeGreaterThan(operations.indexOf("CloudFormation.CreateChangeSet"));
    expect(operations.indexOf("ACM.ImportCertificate")).toBeLessThan(operations.indexOf("CloudFormation.ExecuteChangeSet"));
    expect(result.calls.find((call) => call.operation === "ACM.ImportCertificate")?.input).toMatchObject({ CertificateArn: appsCertificate });
    const stack = h.cloudFormation.stack("prod-shop");
    expect(stack?.status).toBe("CREATE_COMPLETE");
    expect(stack?.tags).toMatchObject({ "racknet:kind": "app", "racknet:rack": "prod", "racknet:app": "shop" });
    expect(stack?.parameters.AppCertificateArn).toBeUndefined();
    expect(stack?.parameters.RackCaCert).toBe(caPem);
  });

  it("a second app joins the same certificate: the listener still carries one for every app", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployAs("shop", INTERNAL_API);
    const result = await deployAs("blog", INTERNAL_API);
    expect(result.exitCode).toBe(0);
    const certificate = h.certificates.certificates.get(h.cloudFormation.stack("prod")?.parameters.InternalAppsCertificateArn ?? "");
    const names = sanNames(certificate?.certPem ?? "");
    expect(names).toEqual(["prod.convox", "*.blog.prod.convox", "*.shop.prod.convox"]);
  });

  it("26 apps with internal endpoints, one more than an ALB takes certificates (25): all deploy, on the one apps certificate", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    const certificatesBefore = h.certificates.certificates.size;
    const apps = Array.from({ length: 26 }, (_, index) => `app${String(index).padStart(2, "0")}`);
    for (const app of apps) {
      const result = await deployAs(app, INTERNAL_API);
      expect(result.exitCode, `${app}: ${result.stderr}`).toBe(0);
    }
    for (const app of apps) expect(h.cloudFormation.stack(`prod-${app}`)?.status).toBe("CREATE_COMPLETE");
    // No certificate per app: the listener carries its default and the one apps certificate.
    expect(h.certificates.certificates.size).toBe(certificatesBefore);
    const certificate = h.certificates.certificates.get(h.cloudFormation.stack("prod")?.parameters.InternalAppsCertificateArn ?? "");
    expect(sanNames(certificate?.certPem ?? "")).toEqual(["prod.convox", ...apps.map((app) => `*.${app}.prod.convox`)]);
    for (const app of apps) {
      const template = h.cloudFormation.stack(`prod-${app}`)?.templateBody ?? "";
      expect(template).toContain("AWS::ElasticLoadBalancingV2::ListenerRule");
      expect(template).not.toContain("AWS::ElasticLoadBalancingV2::ListenerCertificate");
    }
  }, 60_000);

  it("a public app needs no app certificate", async () => {
    await installedRack(h, "prod");
    const result = await deployAs("shop", PUBLIC_WEB);
    expect(result.exitCode).toBe(0);
    expect(result.writes).not.toContain("ACM.ImportCertificate");
    expect(h.cloudFormation.stack("prod-shop")?.status).toBe("CREATE_COMPLETE");
  });

  it("deployed again unchanged: no changes, exit 0, the change set deleted and nothing executed", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "shop", INTERNAL_API);
    const result = await deployAs("shop", INTERNAL_API);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("no changes: app shop on rack prod is already up to date");
    expect(result.writes).not.toContain("CloudFormation.ExecuteChangeSet");
    expect(result.writes).not.toContain("ACM.ImportCertificate");
    expect(result.writes).toContain("CloudFormation.DeleteChangeSet");
  });

  it("--dry-run shows the plan and leaves no app stack and no certificate", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    const certificates = h.certificates.certificates.size;
    const result = await deployAs("shop", INTERNAL_API, { dryRun: true });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/Plan to create app shop on rack prod \(stack prod-shop\)/);
    expect(result.stderr).toMatch(/Add\s+ApiService\s+AWS::ECS::Service/);
    expect(result.stderr).toContain("dry run: nothing was changed");
    expect(h.cloudFormation.stack("prod-shop")).toBeUndefined();
    expect(h.certificates.certificates.size).toBe(certificates);
  });

  it("without a terminal and without --yes: refused naming --yes, no app stack left", async () => {
    await installedRack(h, "prod");
    const result = await deployAs("shop", PUBLIC_WEB, { yes: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("--yes");
    expect(result.writes).not.toContain("CloudFormation.ExecuteChangeSet");
    expect(h.cloudFormation.stack("prod-shop")).toBeUndefined();
  });
});

describe("racknet deploy: a failure", () => {
  it("the failure CloudFormation lists behind events already read (recorded late, the same second): the root cause is still named", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    h.cloudFormation.failNext("prod-shop", { logicalId: "WebService", reason: "ECS Deployment Circuit Breaker was triggered" });
    // DescribeStackEvents is eventually consistent: the first read after the rollback lacks the
    // failure, which a later read lists behind the events the watch has already read.
    let late = true;
    h.stubs.CloudFormation?.on(DescribeStackEventsCommand).callsFake((input: DescribeStackEventsCommandInput) => {
      const answer = h.cloudFormation.describeStackEvents(input);
      if (!late || h.cloudFormation.stack("prod-shop")?.status !== "UPDATE_ROLLBACK_COMPLETE") return answer;
      late = false;
      return { StackEvents: answer.StackEvents.filter((event) => event.ResourceStatus !== "UPDATE_FAILED") };
    });
    const result = await deployAs("shop", PUBLIC_WEB.replace("nginx:1.27", "nginx:1.28"));
    expect(result.exitCode).toBe(3);
    expect(late).toBe(false);
    expect(result.stderr).toContain("the update of app shop on rack prod failed (UPDATE_ROLLBACK_COMPLETE): WebService: ECS Deployment Circuit Breaker was triggered");
    expect(result.stderr).toMatch(/root cause: WebService \(AWS::ECS::Service\) UPDATE_FAILED: ECS Deployment Circuit Breaker was triggered/);
  });
});
