import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeCertificateCommand, ListCertificatesCommand } from "@aws-sdk/client-acm";
import { DescribeListenerCertificatesCommand, DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { startMoto, awsEnv, awsClients, describeTestStack } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";

/**
 * Public certificates end to end on the patched moto (issue 23): a rack with a Domain and its
 * public zone serves every external URL `services` prints with an ACM certificate that names
 * it, the zone holds the validation and alias records, `apps delete` removes them; without a
 * zone the records are printed and the URL is pending.
 */

let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
let zoneId = "";
const cli = (...args: string[]) => runCli(args, { env });

const SHOP = `services:
  web:
    image: nginx:1.27
    port: 80
    domain: [shop.example.com]
  api:
    image: example/api:1.4
    port: 4000
`;

function manifest(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "racknet-certs-"));
  writeFileSync(join(dir, "convox.yml"), text);
  return join(dir, "convox.yml");
}

async function zoneRecords() {
  return (await aws.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets ?? [];
}

/** Every name the listener serves with an issued ACM certificate. */
async function servedNames(listener: string): Promise<string[]> {
  const attached = (await aws.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: listener }))).Certificates ?? [];
  const names: string[] = [];
  for (const { CertificateArn, IsDefault } of attached) {
    if (IsDefault || !CertificateArn) continue;
    const { Certificate } = await aws.acm.send(new DescribeCertificateCommand({ CertificateArn }));
    if (Certificate?.Status === "ISSUED" && Certificate.Type === "AMAZON_ISSUED") names.push(...(Certificate.SubjectAlternativeNames ?? [Certificate.DomainName ?? ""]));
  }
  return names;
}

const covers = (name: string, host: string) => (name.startsWith("*.") ? host.slice(host.indexOf(".") + 1) === name.slice(2) : name === host);

beforeAll(async () => {
  moto = await startMoto();
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
  const zone = await aws.route53.send(new CreateHostedZoneCommand({ Name: "example.com", CallerReference: "racknet-certs-e2e" }));
  zoneId = (zone.HostedZone?.Id ?? "").replace("/hostedzone/", "");
});

afterAll(async () => {
  await moto?.stop();
});

describe("a rack with Domain and HostedZoneId", () => {
  it("refuses a HostedZoneId that does not hold the Domain, naming the zone, before any write", async () => {
    const result = await cli("rack", "install", "wrong", "Domain=apps.example.org", `HostedZoneId=${zoneId}`, "--yes");
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`is the zone example.com, which does not hold the Domain apps.example.org`);
    expect(result.stderr).not.toSatisfy(hasStackTrace);
  });

  it("serves every external URL services prints with an ACM certificate naming it; the zone holds the validation and alias records", async () => {
    const install = await cli("rack", "install", "prod", "Domain=apps.example.com", `HostedZoneId=${zoneId}`, "--yes");
    expect(install.code, install.stderr).toBe(0);
    const deploy = await cli("deploy", "-a", "shop", "-f", manifest(SHOP), "-r", "prod", "--yes");
    expect(deploy.stderr).not.toSatisfy(hasStackTrace);
    expect(deploy.code, deploy.stderr).toBe(0);

    const listed = await cli("services", "-a", "shop", "-r", "prod", "--json");
    const rows = JSON.parse(listed.stdout) as { service: string; endpoints: { url: string | null }[]; domains?: { url: string | null }[] }[];
    const urls = rows.flatMap((row) => [...row.endpoints, ...(row.domains ?? [])]).map((endpoint) => endpoint.url);
    expect(urls.sort()).toEqual(["https://api.shop.apps.example.com", "https://shop.example.com", "https://web.shop.apps.example.com"]);

    const rack = (await describeTestStack(aws.cloudFormation, "prod")).outputs;
    const served = await servedNames(rack.ExternalListener ?? "");
    for (const url of urls) expect(served.some((name) => covers(name, new URL(url ?? "").hostname)), `${url} is served by ${served.join(", ")}`).toBe(true);

    const rules = (await aws.elbv2.send(new DescribeRulesCommand({ ListenerArn: rack.ExternalListener }))).Rules ?? [];
    expect(rules.flatMap((rule) => rule.Conditions ?? []).flatMap((condition) => condition.HostHeaderConfig?.Values ?? condition.Values ?? [])).toContain("shop.example.com");

    const records = await zoneRecords();
    const alias = (name: string) => records.find((record) => record.Name === `${name}.` && record.Type === "A");
    for (const name of ["web.shop.apps.example.com", "api.shop.apps.example.com", "shop.example.com"]) {
      expect(alias(name)?.AliasTarget?.DNSName?.replace(/\.$/, "").toLowerCase(), name).toBe(rack.ExternalLoadBalancerDns?.toLowerCase());
    }
    const validation = records.filter((record) => record.Type === "CNAME" && /\.acm-validations\.aws\.?$/.test(record.ResourceRecords?.[0]?.Value ?? ""));
    expect(validation.map((record) => record.Name?.split(".").slice(1).join(".")).sort()).toEqual(["shop.apps.example.com.", "shop.example.com."]);

    const certs = JSON.parse((await cli("certs", "-r", "prod", "--json")).stdout) as { certificates: { kind: string; issuer: string; status: string; managedBy: string; records: unknown[] }[] };
    expect(certs.certificates.filter((one) => one.issuer === "public").map((one) => [one.kind, one.status, one.managedBy, one.records.length])).toEqual([
      ["external", "ISSUED", "stack", 0],
      ["domain", "ISSUED", "stack", 0],
    ]);
  });

  it("apps delete removes the certificates, the alias records and the validation records", async () => {
    const before = ((await aws.acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? []).length;
    const result = await cli("apps", "delete", "shop", "-r", "prod", "--yes");
    expect(result.code, result.stderr).toBe(0);
    const names = (await zoneRecords()).filter((record) => record.Type !== "NS" && record.Type !== "SOA").map((record) => record.Name);
    expect(names).toEqual([]);
    const after = ((await aws.acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? []).length;
    expect(before - after).toBe(2);
  });
});

describe("a rack with a Domain and no HostedZoneId", () => {
  it("deploy prints the records to create and does not wait; services shows the host pending, never a URL", async () => {
    const install = await cli("rack", "install", "edge", "Domain=edge.example.net", "--yes");
    expect(install.code, install.stderr).toBe(0);
    const deploy = await cli("deploy", "-a", "blog", "-f", manifest(SHOP.replace("shop.example.com", "blog.example.net")), "-r", "edge", "--yes");
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toContain("certificate *.blog.edge.example.net: pending validation");
    expect(deploy.stderr).toMatch(/_\w+\.blog\.edge\.example\.net\.\s+CNAME\s+\S+\.acm-validations\.aws\./);
    expect(deploy.stderr).toMatch(/blog\.example\.net\s+CNAME\s+\S+elb\.amazonaws\.com/);
    const services = await cli("services", "-a", "blog", "-r", "edge");
    expect(services.stdout).toMatch(/^web\s+external\s+web\.blog\.edge\.example\.net \(pending certificate\) blog\.example\.net \(pending certificate\)/m);
    expect(services.stdout).not.toContain("https://");

    // The user creates the records (here in a zone of the account, which ACM reads); the next deploy serves the names.
    const zone = await aws.route53.send(new CreateHostedZoneCommand({ Name: "example.net", CallerReference: "racknet-certs-e2e-net" }));
    const certs = JSON.parse((await cli("certs", "-r", "edge", "--json")).stdout) as { certificates: { issuer: string; records: { name: string; type: string; value: string }[] }[] };
    const validation = certs.certificates.filter((one) => one.issuer === "public").flatMap((one) => one.records).filter((record) => record.value.endsWith("acm-validations.aws."));
    expect(validation).toHaveLength(2);
    await aws.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.HostedZone?.Id,
        ChangeBatch: { Changes: validation.map((record) => ({ Action: "UPSERT", ResourceRecordSet: { Name: record.name, Type: "CNAME", TTL: 300, ResourceRecords: [{ Value: record.value }] } })) },
      }),
    );
    const again = await cli("deploy", "-a", "blog", "-f", manifest(SHOP.replace("shop.example.com", "blog.example.net")), "-r", "edge", "--yes");
    expect(again.code, again.stderr).toBe(0);
    const served = await cli("services", "-a", "blog", "-r", "edge");
    expect(served.stdout).toMatch(/^web\s+external\s+web\.blog\.edge\.example\.net blog\.example\.net\s/m);
  });
});
