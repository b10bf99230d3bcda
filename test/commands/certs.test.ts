import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as appsDelete } from "../../src/operations/apps-delete.js";
import { run as certs } from "../../src/operations/certs.js";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as rackInstall } from "../../src/operations/rack-install.js";
import { run as rackParamsSet } from "../../src/operations/rack-params-set.js";
import { run as services } from "../../src/operations/services.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { validationRecord } from "../support/memory-services.js";
import { PUBLIC_WEB, deployedApp, installedRack, manifestFile, withOptions } from "../support/workflows.js";

/** Public certificates (issue 23): what a deploy requests and prints, `racknet certs`, the zone, apps delete, and what is refused before any write. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

const SHOP = `services:
  web:
    image: nginx:1.27
    port: 80
    domain: [shop.example.com, www.shop.example.com]
  api:
    image: example/api:1.4
    port: 4000
`;

const requested = () => [...h.certificates.certificates].filter(([, certificate]) => certificate.requested);
const deployApp = (app: string, manifest: string, flags: Partial<AwsHarness["options"]> = {}) => withOptions(h, { yes: true, rack: "prod", app, ...flags }, () => h.run(deploy, { file: manifestFile(manifest) }));
const stackParameters = (name: string) => h.cloudFormation.stacks.find((stack) => stack.name === name && stack.status !== "DELETE_COMPLETE")?.parameters ?? {};

describe("a rack with a Domain and no HostedZoneId", () => {
  it("deploy requests *.<app>.<Domain> and each domain: service's certificate, prints the records to create, and does not wait", async () => {
    await installedRack(h, "prod", ["Domain=apps.example.com"]);
    const result = await deployApp("shop", SHOP);
    expect(result.exitCode).toBe(0);
    const made = requested().map(([, certificate]) => [certificate.requested?.names, certificate.tags["racknet:cert"], certificate.tags["racknet:requested-by"]]);
    expect(made).toEqual([
      [["*.shop.apps.example.com"], "external", "racknet"],
      [["shop.example.com", "www.shop.example.com"], "domain", "racknet"],
    ]);
    // Pending: the stack gets no certificate to attach yet.
    expect(stackParameters("prod-shop").ExternalCertificateArn).toBe("");
    expect(stackParameters("prod-shop").WebDomainCertificateArn).toBe("");
    expect(result.stderr).toContain("certificate *.shop.apps.example.com: pending validation");
    expect(result.stderr).toContain(validationRecord("*.shop.apps.example.com").Name);
    expect(result.stderr).toMatch(/\*\.shop\.apps\.example\.com\s+CNAME\s+\S+elb\.amazonaws\.com/);
    expect(result.stderr).toMatch(/www\.shop\.example\.com\s+CNAME\s+\S+elb\.amazonaws\.com/);
  });

  it("deploy --dry-run requests no certificate, and says the deploy would", async () => {
    await installedRack(h, "prod", ["Domain=apps.example.com"]);
    const result = await deployApp("shop", SHOP, { dryRun: true });
    expect(result.exitCode).toBe(0);
    expect(requested()).toEqual([]);
    expect(result.writes.filter((operation) => operation.startsWith("ACM."))).toEqual([]);
    expect(result.stderr).toContain("certificate *.shop.apps.example.com: a deploy requests it (DNS validation)");
  });

  it("deploy --json gives each certificate with its status and the records to create", async () => {
    await installedRack(h, "prod", ["Domain=apps.example.com"]);
    const result = await deployApp("shop", PUBLIC_WEB, { json: true });
    const { certificates } = JSON.parse(result.stdout) as { certificates: { kind: string; status: string; records: { name: string; type: string }[] }[] };
    expect(certificates).toHaveLength(1);
    expect(certificates[0]).toMatchObject({ kind: "external", status: "PENDING_VALIDATION", managedBy: "racknet", inUseBy: [] });
    expect(certificates[0]?.records.map((record) => [record.name, record.type])).toEqual([
      [validationRecord("*.shop.apps.example.com").Name, "CNAME"],
      ["*.shop.apps.example.com", "CNAME"],
    ]);
  });

  it("services shows pending until the certificate is issued and the next deploy attaches it; certs says so at each step", async () => {
    await installedRack(h, "prod", ["Domain=apps.example.com"]);
    await deployedApp(h, "prod", "shop", SHOP);
    const listed = await withOptions(h, { rack: "prod" }, () => h.run(certs, undefined));
    expect(listed.stdout).toMatch(/^\*\.shop\.apps\.example\.com\s+public \(shop\)\s+pending validation/m);
    expect(listed.stdout).toMatch(/^prod\.convox, \*\.prod\.convox, \*\.prod\.router\.convox\s+rack CA \(rack\)\s+issued/m);
    expect(listed.stderr).toContain(validationRecord("shop.example.com").Name);
    expect((await withOptions(h, { rack: "prod", app: "shop" }, () => h.run(services, undefined))).stdout).toMatch(/^web\s+external\s+web\.shop\.apps\.example\.com \(pending certificate\) shop\.example\.com \(pending certificate\)/m);

    for (const [arn] of requested()) h.certificates.issue(arn);
    const issued = await withOptions(h, { rack: "prod" }, () => h.run(certs, undefined));
    expect(issued.stdout).toMatch(/^\*\.shop\.apps\.example\.com\s+public \(shop\)\s+issued, served after the next deploy/m);
    // Issued is not enough: the listener does not serve it until the stack attaches it.
    expect((await withOptions(h, { rack: "prod", app: "shop" }, () => h.run(services, undefined))).stdout).toContain("(pending certificate)");

    await deployedApp(h, "prod", "shop", SHOP);
    const [external] = requested().find(([, certificate]) => certificate.tags["racknet:cert"] === "external") ?? [];
    expect(stackParameters("prod-shop").ExternalCertificateArn).toBe(external);
    const served = await withOptions(h, { rack: "prod", app: "shop" }, () => h.run(services, undefined));
    expect(served.stdout).toMatch(/^web\s+external\s+web\.shop\.apps\.example\.com shop\.example\.com www\.shop\.example\.com\s+443:80$/m);
    const json = JSON.parse((await withOptions(h, { rack: "prod", json: true }, () => h.run(certs, undefined))).stdout) as { certificates: { kind: string; issuer: string; status: string; inUseBy: string[]; records: unknown[] }[] };
    expect(json.certificates.filter((one) => one.issuer === "public").map((one) => [one.kind, one.status, one.inUseBy, one.records])).toEqual([
      ["external", "ISSUED", ["app shop (external listener)"], []],
      ["domain", "ISSUED", ["app shop (external listener)"], []],
    ]);
    expect(requested()).toHaveLength(2);
  });

  it("domain: gets a host rule per name on the external listener, to the service's own target group", async () => {
    await installedRack(h, "prod", ["Domain=apps.example.com"]);
    await deployedApp(h, "prod", "shop", SHOP);
    const stack = h.cloudFormation.stacks.find((one) => one.name === "prod-shop");
    const hosts = Object.entries(stack?.resources ?? {})
      .filter(([, resource]) => resource.Type === "AWS::ElasticLoadBalancingV2::ListenerRule")
      .map(([id, resource]) => [id, JSON.stringify(resource.Properties?.Conditions)]);
    expect(hosts.filter(([id]) => id?.startsWith("WebDomain")).map(([, conditions]) => conditions)).toEqual([expect.stringContaining('"shop.example.com"'), expect.stringContaining('"www.shop.example.com"')]);
  });
});

describe("a rack with a Domain and its public zone (HostedZoneId)", () => {
  beforeEach(() => {
    h.publicZones.add("Z0SHOPZONE", "example.com");
  });

  it("the stack makes *.<app>.<Domain> and the domain: certificate through the zone; racknet requests nothing", async () => {
    await installedRack(h, "prod", ["Domain=apps.example.com", "HostedZoneId=Z0SHOPZONE"]);
    await deployedApp(h, "prod", "shop", SHOP);
    expect(requested()).toEqual([]);
    const stack = h.cloudFormation.stacks.find((one) => one.name === "prod-shop");
    expect(stack?.parameters.HostedZoneId).toBe("Z0SHOPZONE");
    expect(stack?.resources.ExternalCertificate?.Properties?.DomainValidationOptions).toEqual([{ DomainName: "*.shop.apps.example.com", HostedZoneId: "Z0SHOPZONE" }]);
    expect(stack?.resources.WebDomainCertificate?.Properties?.DomainName).toBe("shop.example.com");
    expect(Object.keys(stack?.resources ?? {}).filter((id) => id.endsWith("Record")).sort()).toEqual(["ApiExternalRecord", "WebDomain1Record", "WebDomain2Record", "WebExternalRecord"]);
  });

  it("a domain: outside the zone is requested by racknet; its names in the zone get their validation records written", async () => {
    await installedRack(h, "prod", ["Domain=apps.example.com", "HostedZoneId=Z0SHOPZONE"]);
    const result = await deployApp("shop", SHOP.replace("www.shop.example.com", "shop.example.org"));
    expect(result.exitCode).toBe(0);
    expect(requested().map(([, certificate]) => certificate.requested?.names)).toEqual([["shop.example.com", "shop.example.org"]]);
    expect(h.publicZones.records("Z0SHOPZONE")?.map((record) => record.Name)).toEqual([validationRecord("shop.example.com").Name]);
    expect(result.stderr).toContain(validationRecord("shop.example.org").Name);
    expect(result.stderr).not.toMatch(new RegExp(`^\\s+${validationRecord("shop.example.com").Name.replace(/\./g, "\\.")}`, "m"));
  });

  it("apps delete removes the certificates racknet requested and the validation records CloudFormation leaves in the zone", async () => {
    await installedRack(h, "prod", ["Domain=apps.example.com", "HostedZoneId=Z0SHOPZONE"]);
    await deployedApp(h, "prod", "shop", SHOP.replace("www.shop.example.com", "shop.example.org"));
    // What CloudFormation's certificate leaves in the zone: the wildcard's validation record.
    const wildcard = validationRecord("*.shop.apps.example.com");
    h.publicZones.change("Z0SHOPZONE", [{ Action: "CREATE", ResourceRecordSet: { Name: wildcard.Name, Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: wildcard.Value }] } }]);
    h.publicZones.change("Z0SHOPZONE", [{ Action: "CREATE", ResourceRecordSet: { Name: "www.example.com.", Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: "elsewhere.example.net" }] } }]);
    const result = await withOptions(h, { yes: true, rack: "prod" }, () => h.run(appsDelete, { app: "shop" }));
    expect(result.exitCode).toBe(0);
    expect(requested()).toEqual([]);
    expect(h.publicZones.records("Z0SHOPZONE")?.map((record) => record.Name)).toEqual(["www.example.com."]);
  });

  it("HostedZoneId= is refused while an app's certificates are validated through the zone, naming them", async () => {
    await installedRack(h, "prod", ["Domain=apps.example.com", "HostedZoneId=Z0SHOPZONE"]);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const result = await withOptions(h, { yes: true, rack: "prod" }, () => h.run(rackParamsSet, { params: ["HostedZoneId="] }));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("HostedZoneId= removes the zone Z0SHOPZONE");
    expect(result.stderr).toContain("shop/web");
    expect(resourceWrites(result)).toEqual([]);
  });
});

describe("refused before any write", () => {
  it("a HostedZoneId that is private, not this account's, or does not hold the Domain, naming the zone's own name", async () => {
    h.publicZones.add("Z0PRIVATE", "apps.example.com", { private: true });
    h.publicZones.add("Z0OTHER", "example.org");
    for (const [zone, message] of [
      ["Z0PRIVATE", "is the private zone apps.example.com"],
      ["Z0OTHER", "is the zone example.org, which does not hold the Domain apps.example.com"],
      ["Z0MISSING", "is not a Route 53 hosted zone of this account"],
    ] as const) {
      const result = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: ["Domain=apps.example.com", `HostedZoneId=${zone}`], private: false }));
      expect(result.exitCode, zone).toBe(1);
      expect(result.stderr, zone).toContain(message);
      expect(resourceWrites(result), zone).toEqual([]);
    }
  });

  it("HostedZoneId without a Domain, or not a zone id", async () => {
    for (const [params, message] of [
      [["HostedZoneId=Z0SHOPZONE"], "the rack has no Domain"],
      [["Domain=apps.example.com", "HostedZoneId=zone-1"], '"zone-1" is not a Route 53 hosted zone id'],
    ] as const) {
      const result = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: [...params], private: false }));
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(message);
      expect(result.calls).toEqual([]);
    }
  });

  it("a domain another app already serves, naming that app", async () => {
    await installedRack(h, "prod", ["Domain=apps.example.com"]);
    await deployedApp(h, "prod", "shop", SHOP);
    const result = await deployApp("store", `services:\n  front:\n    image: nginx:1.27\n    port: 80\n    domain: www.shop.example.com\n`);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("www.shop.example.com (served by app shop on rack prod");
    expect(resourceWrites(result)).toEqual([]);
  });
});
