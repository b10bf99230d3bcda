import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { certificateExpiry, certificateInfo, issueServerCertificate, isIssuedBy } from "../../src/ca/index.js";
import { run as rackShow } from "../../src/operations/rack-show.js";
import { run as rackCa } from "../../src/operations/rack-ca.js";
import { renewRackCertificates } from "../../src/rack-steps/renewal.js";
import { resolveRack } from "../../src/shared-steps/resolve.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { installedRack } from "../support/workflows.js";

/** The rack's internal certificates are renewed under 30 days by commands that change the rack; commands that read warn. */
let h: AwsHarness;
beforeEach(async () => {
  h = awsHarness();
  await installedRack(h, "prod", ["Internal=Yes"]);
  h.options.rack = "prod";
});
afterEach(() => h.restore());


/** Re-issue the certificate behind `arn` (same names, same CA) so that it expires in `days`. */
async function expiringIn(arn: string, days: number): Promise<void> {
  const stored = h.certificates.certificates.get(arn);
  if (!stored) throw new Error(`no certificate ${arn}`);
  const ca = { keyPem: h.parameters.values.get("/racknet/prod/ca/key")?.value ?? "", certPem: h.parameters.values.get("/racknet/prod/ca/cert")?.value ?? "" };
  const names = certificateInfo(stored.certPem).dnsNames;
  const issued = await issueServerCertificate(ca, { commonName: names[0] ?? "prod", dnsNames: names, days });
  h.certificates.certificates.set(arn, { ...stored, certPem: issued.certPem });
}

describe("certificate renewal", () => {
  it("a certificate under 30 days is re-issued with its names, signed by the rack CA, and re-imported under the same ARN; the others are left alone", async () => {
    const rack = await resolveRack(h.context);
    const rackArn = rack.parameters.RackCertificateArn ?? "";
    const internalArn = rack.parameters.InternalAppsCertificateArn ?? "";
    await expiringIn(rackArn, 12);
    const before = h.certificates.certificates.get(internalArn)?.certPem;
    const namesBefore = certificateInfo(h.certificates.certificates.get(rackArn)?.certPem ?? "").dnsNames;

    const report = await renewRackCertificates(h.context, rack);

    expect(report.renewed.map((entry) => [entry.kind, entry.arn])).toEqual([["rack", rackArn]]);
    const renewed = h.certificates.certificates.get(rackArn)?.certPem ?? "";
    expect(certificateExpiry(renewed).daysLeft).toBeGreaterThan(390);
    expect(certificateInfo(renewed).dnsNames).toEqual(namesBefore);
    expect(await isIssuedBy(renewed, h.parameters.values.get("/racknet/prod/ca/cert")?.value ?? "")).toBe(true);
    expect(h.certificates.certificates.get(internalArn)?.certPem).toBe(before);
  });

  it("nothing due: no write; a dry run names what a real run would renew and writes nothing", async () => {
    const rack = await resolveRack(h.context);
    expect(await renewRackCertificates(h.context, rack)).toEqual({ renewed: [], wouldRenew: [] });
    await expiringIn(rack.parameters.RouterAppsCertificateArn ?? "", 3);
    const due = h.certificates.certificates.get(rack.parameters.RouterAppsCertificateArn ?? "")?.certPem;
    h.options.dryRun = true;
    const report = await renewRackCertificates(h.context, rack);
    expect(report.wouldRenew.map((entry) => entry.kind)).toEqual(["router-apps"]);
    expect(h.certificates.certificates.get(rack.parameters.RouterAppsCertificateArn ?? "")?.certPem).toBe(due);
  });

  it("rack and rack ca show when each expires and warn under 30 days, without renewing (they only read)", async () => {
    const rack = await resolveRack(h.context);
    await expiringIn(rack.parameters.RackCertificateArn ?? "", 20);
    const shown = await h.run(rackShow, undefined);
    expect(shown.writes).toEqual([]);
    expect(shown.stdout).toMatch(/^Certificates\s+rack \d{4}-\d\d-\d\d \((19|20) days, renew due\), internal-apps \d{4}-\d\d-\d\d \(39\d days\)/m);
    expect(shown.stderr).toMatch(/warning: the rack certificate of rack prod expires in (19|20) days .*; the rack's renewal function \S+ renews it on its next daily run/);
    const ca = await h.run(rackCa, undefined);
    expect(ca.writes).toEqual([]);
    expect(ca.stderr).toMatch(/expires: ca \d{4}-\d\d-\d\d \(365\d days\), rack /);
  });

  it("rack ca says when the next renewal is due and that the rack's own daily function does it (issue 20, item 9)", async () => {
    const rack = await resolveRack(h.context);
    await expiringIn(rack.parameters.InternalAppsCertificateArn ?? "", 100);
    const ca = await h.run(rackCa, undefined);
    expect(ca.exitCode, ca.stderr).toBe(0);
    const due = new Date(Date.now() + 70 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const fn = h.cloudFormation.stack("prod")?.outputs.CaRenewalFunction ?? "";
    expect(fn).not.toBe("");
    expect(ca.stderr).toContain(`next renewal: ${due}, the internal-apps certificate, 30 days before it expires; by the rack's renewal function ${fn}, which runs rate(1 day)`);
    h.options.json = true;
    const json = JSON.parse((await h.run(rackCa, undefined)).stdout) as { renewal: unknown };
    expect(json.renewal).toEqual({ due: expect.stringMatching(new RegExp(`^${due}T`)), kind: "internal-apps", by: "function", function: fn, schedule: "rate(1 day)" });
  });

  it("on a rack an older racknet installed (no renewal function), rack ca names the commands that renew", async () => {
    const stack = h.cloudFormation.stack("prod");
    if (stack) {
      delete stack.outputs.CaRenewalFunction;
      delete stack.outputs.CaRenewalSchedule;
    }
    const ca = await h.run(rackCa, undefined);
    expect(ca.stderr).toMatch(/next renewal: \d{4}-\d\d-\d\d, the \S+ certificate, 30 days before it expires; by the next `racknet deploy` or `racknet rack params set` on this rack \(installed by an older racknet, it has no renewal function: `racknet rack update` adds it\)/);
  });
});
