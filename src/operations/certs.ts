import type { Context } from "../runtime/context.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { listApps } from "../aws/stacks.js";
import { rackCertificates, certificatePem } from "../aws/acm.js";
import { describePublicCertificate, listCertificates, listenerCertificates } from "../aws/public-certificates.js";
import { certificateInfo } from "../ca/index.js";
import { APP_TAG, CERT_TAG, RACK_TAG, REQUESTED_TAG, SERVICE_TAG } from "../names/index.js";
import { resolveRack, type RackInfo } from "../shared-steps/resolve.js";
import { readAppMetadata } from "../shared-steps/app-metadata.js";
import { checkedHostedZone, memoizedTags, stateOf, wantedCertificates, type CertificateState } from "../app-steps/public-certificates.js";
import { certificateJson, recordLines, statusText, type CertificateJson } from "../app-steps/certificate-report.js";
import { RackOutput } from "../names/rack-outputs.js";

/**
 * `racknet certs`: every certificate the rack serves. The rack CA's (the listeners' default
 * certificate and their apps certificates, imported) and the public ones of each app
 * (`*.<app>.<Domain>`, each service's `domain:`), with their status, expiry, what uses them,
 * and for one not yet issued the DNS records to create. Reads only.
 */
export async function run(context: Context): Promise<Outcome> {
  const rack = await resolveRack(context);
  const [rackCa, publicOnes] = await Promise.all([rackCaCertificates(context, rack), publicCertificates(context, rack)]);
  const all = [...rackCa, ...publicOnes];
  return outcome({ rack: rack.rack, certificates: all }, (printer) => {
    printer.table(
      [
        { header: "NAMES", key: "names" },
        { header: "KIND", key: "kind" },
        { header: "STATUS", key: "status" },
        { header: "EXPIRES", key: "expires" },
        { header: "IN USE BY", key: "inUseBy" },
      ],
      all.map((certificate) => ({
        names: certificate.names.join(", "),
        kind: certificate.issuer === "rack-ca" ? `rack CA (${certificate.kind})` : certificate.kind === "external" ? `public (${certificate.app})` : `public (${certificate.app}/${certificate.service ?? ""} domain)`,
        status: certificate.status === "ISSUED" && certificate.issuer === "public" && certificate.inUseBy.length === 0 ? "issued, served after the next deploy" : statusText(certificate.status),
        expires: certificate.expires?.slice(0, 10) ?? "",
        inUseBy: certificate.inUseBy.join(", "),
      })),
    );
    for (const certificate of all.filter((one) => one.records.length > 0)) {
      printer.info(`${certificate.names.join(", ")}: ${statusText(certificate.status)}; create these DNS records:`);
      for (const line of recordLines(certificate.records)) printer.info(line);
    }
  });
}

const RACK_CA_USE: Record<string, string> = {
  rack: "every HTTPS listener (default certificate)",
  "internal-apps": "internal listener",
  "router-apps": "router listener",
};

async function rackCaCertificates(context: Context, rack: RackInfo): Promise<CertificateJson[]> {
  const acm = await context.aws.acm();
  const owned = await rackCertificates(acm, rack.rack);
  const read = await Promise.all(
    owned.map(async ({ arn, tags }) => {
      const pem = await certificatePem(acm, arn).catch(() => undefined);
      const info = pem ? certificateInfo(pem) : undefined;
      const kind = tags[CERT_TAG] ?? "rack";
      const expired = info ? info.notAfter.getTime() < context.clock.now() : false;
      return {
        app: tags[APP_TAG] ?? null,
        service: null,
        kind,
        issuer: "rack-ca" as const,
        names: info?.dnsNames ?? [],
        arn,
        status: expired ? "EXPIRED" : "ISSUED",
        managedBy: "import" as const,
        expires: info ? info.notAfter.toISOString() : null,
        inUseBy: [RACK_CA_USE[kind] ?? `app ${tags[APP_TAG] ?? ""}`],
        records: [],
      };
    }),
  );
  const order = ["rack", "internal-apps", "router-apps", "app"];
  return read.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}

/** Each app's public certificates, as its stack's Metadata says what it serves; the ones it wants and has not got show as such. */
async function publicCertificates(context: Context, rack: RackInfo): Promise<CertificateJson[]> {
  const apps = await listApps(await context.aws.cloudFormation(), rack.rack);
  const [zone, listings, attached, metadata] = await Promise.all([
    checkedHostedZone(context, rack.params).catch(() => undefined),
    context.aws.acm().then(listCertificates),
    rack.outputs[RackOutput.ExternalListener] ? context.aws.elbv2().then((elbv2) => listenerCertificates(elbv2, rack.outputs[RackOutput.ExternalListener] ?? "")) : Promise.resolve([] as string[]),
    Promise.all(apps.map((app) => readAppMetadata(context, app))),
  ]);
  const acm = await context.aws.acm();
  const tagsOf = memoizedTags(context);
  const result: CertificateJson[] = [];
  for (const [index, app] of apps.entries()) {
    const services = (metadata[index]?.services ?? []).map((service) => ({ name: service.name, domains: service.domains ?? [] }));
    const external = (metadata[index]?.services ?? []).some((service) => service.visibility === "external" || service.visibility === "internal-and-external");
    for (const wanted of wantedCertificates(app.app, { external, services }, rack.params, zone)) {
      const candidates = listings.filter((listing) => listing.names.length === wanted.names.length && wanted.names.every((name) => listing.names.includes(name)));
      let found: { arn: string; tags: Record<string, string> } | undefined;
      for (const candidate of candidates) {
        const tags = await tagsOf(candidate.arn);
        const ours = tags[RACK_TAG] === rack.rack && tags[APP_TAG] === app.app && tags[CERT_TAG] === wanted.kind && (wanted.service === undefined || tags[SERVICE_TAG] === wanted.service);
        // The stack's own (no racknet:requested-by) when the stack makes it, racknet's otherwise.
        if (ours && (tags[REQUESTED_TAG] === "racknet") === (wanted.validation === "outside")) found = { arn: candidate.arn, tags };
        if (found && candidate.status !== "FAILED") break;
      }
      let state: CertificateState;
      if (found) state = stateOf(wanted, found.arn, await describePublicCertificate(acm, found.arn), rack, zone);
      else state = { ...wanted, arn: null, status: wanted.validation === "stack" ? "IN_STACK" : "NOT_REQUESTED", expires: null, records: [] };
      const inUse = state.arn && attached.includes(state.arn) ? [`app ${app.app} (external listener)`] : [];
      result.push(certificateJson(app.app, state, inUse));
    }
  }
  return result;
}
