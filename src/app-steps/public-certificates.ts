/**
 * Public ACM certificates for an app's external names (docs/decisions.md, "Public
 * certificates"): what the app needs, where each certificate comes from (its stack when the
 * rack's zone holds every name, racknet's own request otherwise), which are issued, which
 * DNS records a person still has to create, and what goes when the app does.
 */
import { UserError } from "../errors/index.js";
import { commonNameOf } from "../manifest/domains.js";
import { endpointKinds, type Manifest } from "../manifest/model.js";
import { APP_TAG, CERT_TAG, RACK_TAG, REQUESTED_TAG, SERVICE_TAG, appWildcardName, inZone, nameCovers, type PublicCertKind } from "../names/index.js";
import type { RackParams } from "../rack/params.js";
import { AppParameter, domainCertificateParameter } from "../templates/app-contract.js";
import type { DomainValidation } from "../templates/app-certificates.js";
import {
  certificateTags,
  describePublicCertificate,
  hostedZone,
  listCertificates,
  listenerCertificates,
  requestPublicCertificate,
  deleteZoneRecords,
  upsertCnames,
  zoneRecords,
  type CertificateListing,
  type DnsRecord,
  type HostedZone,
  type PublicCertificate,
} from "../aws/public-certificates.js";
import { deleteCertificate } from "../aws/acm.js";
import type { Context } from "../runtime/context.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { RackOutput } from "../names/rack-outputs.js";

/**
 * ELB: "Certificates per Application Load Balancer (excluding default certificates)", 25 by
 * default (adjustable). https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const CERTIFICATES_PER_LOAD_BALANCER = 25;

/** One public certificate an app needs, and how it gets it. */
export interface WantedCertificate {
  kind: PublicCertKind;
  /** The `domain:` service; absent for the app's `*.<app>.<Domain>`. */
  service?: string;
  /** The common name first. */
  names: string[];
  /** The app-stack parameter that carries it when racknet requests it. */
  parameter: string;
  validation: DomainValidation;
}

/** A certificate as a deploy or `racknet certs` reports it. */
export interface CertificateState extends WantedCertificate {
  arn: string | null;
  /** ACM's status; `NOT_REQUESTED` before racknet's first request (a dry run), `IN_STACK` while the stack makes it. */
  status: string;
  expires: string | null;
  /** The DNS records a person must create: validation CNAMEs racknet could not write, and the names' own records. */
  records: DnsRecord[];
}

export interface PublicCertificatePlan {
  zone?: HostedZone;
  domainValidation: Record<string, DomainValidation>;
  /** App-stack parameter values: an issued certificate's ARN, empty while pending. */
  parameters: Record<string, string>;
  certificates: CertificateState[];
  /** This app's certificates racknet requested that nothing wants any more: deleted after the deploy. */
  obsolete: string[];
}

/** What an app serves publicly, from its manifest or its stack's Metadata. */
export interface PublicNames {
  /** True when a service is served by the external load balancer. */
  external: boolean;
  services: readonly { name: string; domains: readonly string[] }[];
}

export function publicNamesOf(manifest: Manifest): PublicNames {
  return { external: manifest.services.some((service) => endpointKinds(service).includes("external")), services: manifest.services };
}

/** The certificates the app's external names need, and where each would come from with this zone. */
export function wantedCertificates(app: string, names: PublicNames, params: Readonly<RackParams>, zone: HostedZone | undefined): WantedCertificate[] {
  const wanted: WantedCertificate[] = [];
  if (names.external && params.Domain) {
    wanted.push({ kind: "external", names: [appWildcardName(app, params.Domain)], parameter: AppParameter.ExternalCertificateArn, validation: zone ? "stack" : "outside" });
  }
  for (const service of names.services) {
    if (service.domains.length === 0) continue;
    const commonName = commonNameOf(service.domains) ?? service.domains[0] ?? "";
    const names = [commonName, ...service.domains.filter((name) => name !== commonName)];
    const validation = zone && names.every((name) => inZone(name, zone.name)) ? "stack" : "outside";
    wanted.push({ kind: "domain", service: service.name, names, parameter: domainCertificateParameter(service.name), validation });
  }
  return wanted;
}

/**
 * The rack's HostedZoneId, checked: a public Route 53 zone of this account whose name is the
 * Domain or one of its parents. Refused before any write, naming the zone's own name.
 */
export async function checkedHostedZone(context: Context, params: Readonly<RackParams>): Promise<HostedZone | undefined> {
  if (!params.HostedZoneId) return undefined;
  const zone = await hostedZone(await context.aws.route53(), params.HostedZoneId);
  const fix = `give the id of the public zone of ${params.Domain || "the Domain"} (aws route53 list-hosted-zones-by-name --dns-name ${params.Domain || "<Domain>"}), or leave HostedZoneId empty and create the records racknet prints`;
  if (!zone) throw new UserError(`HostedZoneId ${params.HostedZoneId} is not a Route 53 hosted zone of this account; nothing was changed`, { fix });
  if (zone.private) {
    throw new UserError(`HostedZoneId ${params.HostedZoneId} is the private zone ${zone.name}: certificate validation and browsers need a public zone; nothing was changed`, { fix });
  }
  if (!params.Domain || !inZone(params.Domain, zone.name)) {
    throw new UserError(`HostedZoneId ${params.HostedZoneId} is the zone ${zone.name}, which does not hold the Domain ${params.Domain || "(none)"}; nothing was changed`, { fix });
  }
  return zone;
}

function ownedBy(tags: Readonly<Record<string, string>>, rack: string, app: string): boolean {
  return tags[RACK_TAG] === rack && tags[APP_TAG] === app;
}

function matches(tags: Readonly<Record<string, string>>, rack: string, app: string, wanted: WantedCertificate): boolean {
  return ownedBy(tags, rack, app) && tags[CERT_TAG] === wanted.kind && (wanted.service === undefined || tags[SERVICE_TAG] === wanted.service);
}

const sameNames = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((name) => b.includes(name));

/**
 * Before anything is written: who else serves these names (refused), what the listener can
 * still take, and the state of each certificate racknet requested earlier.
 */
export async function planPublicCertificates(context: Context, rack: RackInfo, app: string, manifest: Manifest): Promise<PublicCertificatePlan> {
  const zone = await checkedHostedZone(context, rack.params);
  const wanted = wantedCertificates(app, publicNamesOf(manifest), rack.params, zone);
  const domainValidation = Object.fromEntries(wanted.filter((one) => one.service).map((one) => [one.service ?? "", one.validation]));
  const acm = await context.aws.acm();
  // Listed even when the app wants none now: a certificate it had is then obsolete.
  const listings = await listCertificates(acm);
  const tagsOf = memoizedTags(context);

  await refuseNamesServedElsewhere(rack, app, wanted, listings, tagsOf);

  // This app's own certificates racknet requested (any names: obsolete ones too).
  const candidates = listings.filter((listing) => listing.names.some((name) => wanted.some((one) => one.names.includes(name))) || listing.names.some((name) => name.startsWith(`*.${app}.`)));
  const own: { listing: CertificateListing; tags: Record<string, string> }[] = [];
  for (const listing of candidates) {
    const tags = await tagsOf(listing.arn);
    if (ownedBy(tags, rack.rack, app) && tags[REQUESTED_TAG] === "racknet") own.push({ listing, tags });
  }

  const certificates: CertificateState[] = [];
  const parameters: Record<string, string> = {};
  const kept = new Set<string>();
  for (const one of wanted) {
    if (one.validation === "stack") {
      certificates.push({ ...one, arn: null, status: "IN_STACK", expires: null, records: [] });
      continue;
    }
    const found = own.find(({ listing, tags }) => matches(tags, rack.rack, app, one) && sameNames(listing.names, one.names) && usable(listing.status));
    if (!found) {
      certificates.push({ ...one, arn: null, status: "NOT_REQUESTED", expires: null, records: routeRecords(one, rack) });
      parameters[one.parameter] = "";
      continue;
    }
    kept.add(found.listing.arn);
    const detail = await describePublicCertificate(acm, found.listing.arn);
    const status = detail?.status ?? found.listing.status;
    parameters[one.parameter] = status === "ISSUED" ? found.listing.arn : "";
    certificates.push(stateOf(one, found.listing.arn, detail, rack, zone));
  }
  const obsolete = own.filter(({ listing }) => !kept.has(listing.arn)).map(({ listing }) => listing.arn);

  await refuseOverListenerCapacity(context, rack, app, wanted, listings);
  return { ...(zone ? { zone } : {}), domainValidation, parameters, certificates, obsolete };
}

/** A certificate that failed or timed out is requested anew. */
function usable(status: string): boolean {
  return status === "ISSUED" || status === "PENDING_VALIDATION";
}

export function memoizedTags(context: Context): (arn: string) => Promise<Record<string, string>> {
  const known = new Map<string, Promise<Record<string, string>>>();
  return (arn) => {
    let tags = known.get(arn);
    if (!tags) {
      tags = context.aws.acm().then((acm) => certificateTags(acm, arn));
      known.set(arn, tags);
    }
    return tags;
  };
}

/** A name another app (of this rack or another) already has a racknet certificate for is refused before any write. */
async function refuseNamesServedElsewhere(
  rack: RackInfo,
  app: string,
  wanted: readonly WantedCertificate[],
  listings: readonly CertificateListing[],
  tagsOf: (arn: string) => Promise<Record<string, string>>,
): Promise<void> {
  const clashes: string[] = [];
  for (const one of wanted) {
    for (const name of one.names) {
      for (const listing of listings) {
        const covering = listing.names.find((other) => other === name || nameCovers(other, name) || (name.startsWith("*.") && other === name));
        if (!covering) continue;
        const tags = await tagsOf(listing.arn);
        const owner = tags[RACK_TAG] && tags[APP_TAG] ? { rack: tags[RACK_TAG], app: tags[APP_TAG] } : undefined;
        if (!owner || (owner.rack === rack.rack && owner.app === app)) continue;
        clashes.push(`${name} (served by app ${owner.app} on rack ${owner.rack}, certificate ${listing.arn})`);
      }
    }
  }
  if (clashes.length === 0) return;
  throw new UserError(`these names are already served by another racknet app: ${[...new Set(clashes)].join("; ")}; nothing was changed`, {
    fix: "remove the name from this app's domain: (or from the other app first: racknet deploy without it, or racknet apps delete), or use another app name",
  });
}

/** The external listener takes 25 certificates besides its default: this app's, once attached, must fit beside the others'. */
async function refuseOverListenerCapacity(context: Context, rack: RackInfo, app: string, wanted: readonly WantedCertificate[], listings: readonly CertificateListing[]): Promise<void> {
  const listener = rack.outputs[RackOutput.ExternalListener];
  if (!listener || wanted.length === 0) return;
  const attached = await listenerCertificates(await context.aws.elbv2(), listener);
  const ours = (arn: string) => {
    const names = listings.find((listing) => listing.arn === arn)?.names ?? [];
    return names.length > 0 && names.every((name) => wanted.some((one) => one.names.includes(name)) || name.startsWith(`*.${app}.`));
  };
  const others = attached.filter((arn) => !ours(arn)).length;
  const needed = wanted.length;
  if (others + needed <= CERTIFICATES_PER_LOAD_BALANCER) return;
  throw new UserError(
    `the external load balancer's listener would carry ${others + needed} certificates; an Application Load Balancer takes ${CERTIFICATES_PER_LOAD_BALANCER} besides its default one. ${others} are other apps' and ${app} needs ${needed} (one for *.${app}.<Domain>, one per service with domain:); nothing was changed`,
    { fix: `give fewer services of ${app} a domain: (several names share one service's certificate), remove apps you no longer need, or ask AWS to raise "Certificates per Application Load Balancer"` },
  );
}

/** The names' own records, which a person creates when they are not in the rack's zone: each pointing at the external load balancer. */
export function routeRecords(one: WantedCertificate, rack: RackInfo): DnsRecord[] {
  const target = rack.outputs[RackOutput.ExternalLoadBalancerDns] ?? "";
  return one.names.map((name) => ({ name, type: "CNAME" as const, value: target }));
}

export function stateOf(one: WantedCertificate, arn: string, detail: PublicCertificate | undefined, rack: RackInfo, zone: HostedZone | undefined): CertificateState {
  const pending = (detail?.pendingRecords ?? []).filter((record) => !(zone && inZone(record.name, zone.name)));
  const status = detail?.status ?? "NOT_FOUND";
  return {
    ...one,
    arn,
    status,
    expires: detail?.notAfter ? detail.notAfter.toISOString() : null,
    records: status === "ISSUED" ? [] : [...pending, ...routeRecords(one, rack)],
  };
}

/** ACM names a new certificate's validation records within seconds of the request: wait for them (1 s, growing to 5 s, 30 s at most). */
const RECORD_WAIT_MS = [1_000, 1_000, 2_000, 3_000, 5_000, 5_000, 5_000, 8_000];

/**
 * After the go-ahead: request each certificate racknet must (tagged, DNS validation), and write
 * the validation records that belong in the rack's zone; the others are the user's to create.
 * Returns the certificates with their records.
 */
export async function requestPublicCertificates(
  context: Context,
  rack: RackInfo,
  app: string,
  plan: PublicCertificatePlan,
): Promise<CertificateState[]> {
  const { sleep } = context.clock;
  const acm = await context.aws.acm();
  const results: CertificateState[] = [];
  for (const state of plan.certificates) {
    if (state.validation === "stack" || state.status === "ISSUED") {
      results.push(state);
      continue;
    }
    let arn = state.arn;
    if (!arn) {
      const tags = { [RACK_TAG]: rack.rack, [APP_TAG]: app, [CERT_TAG]: state.kind, [REQUESTED_TAG]: "racknet", ...(state.service ? { [SERVICE_TAG]: state.service } : {}) };
      arn = await requestPublicCertificate(acm, { commonName: state.names[0] ?? "", names: state.names, tags, idempotencyToken: idempotencyToken(rack.rack, app, state) });
      context.printer.step(`requested the certificate for ${state.names.join(", ")} (${arn})`);
    }
    let detail = await describePublicCertificate(acm, arn);
    for (const delay of RECORD_WAIT_MS) {
      if (!detail || detail.status !== "PENDING_VALIDATION" || detail.pendingRecords.length >= state.names.length) break;
      await sleep(delay);
      detail = await describePublicCertificate(acm, arn);
    }
    const inRackZone = plan.zone ? (detail?.pendingRecords ?? []).filter((record) => inZone(record.name, plan.zone?.name ?? "")) : [];
    if (plan.zone && inRackZone.length > 0) {
      await upsertCnames(await context.aws.route53(), plan.zone.id, inRackZone);
      context.printer.step(`wrote ${inRackZone.length} validation record(s) in zone ${plan.zone.name}`);
    }
    results.push(stateOf(state, arn, detail, rack, plan.zone));
  }
  return results;
}

/** One token per app, certificate and names (ACM: at most 32 word characters; a retry within an hour gets the same certificate). */
function idempotencyToken(rack: string, app: string, state: WantedCertificate): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from([rack, app, state.kind, state.service ?? "", ...state.names].join("|"))) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `racknet${hash.toString(16)}`;
}

/**
 * Which hosts the external listener serves with an issued public certificate that names them:
 * the only external URLs racknet prints as working. Two calls (DescribeListenerCertificates,
 * ListCertificates), whatever the number of services.
 */
export async function publiclyServed(context: Context, rack: RackInfo): Promise<(host: string) => boolean> {
  const listener = rack.outputs[RackOutput.ExternalListener];
  if (!listener) return () => false;
  const [attached, listings] = await Promise.all([context.aws.elbv2().then((elbv2) => listenerCertificates(elbv2, listener)), context.aws.acm().then(listCertificates)]);
  const issued = listings.filter((listing) => attached.includes(listing.arn) && listing.status === "ISSUED");
  return (host) => issued.some((listing) => listing.names.some((name) => nameCovers(name, host)));
}

export interface PublicRemoval {
  /** Certificates racknet had requested for the app, deleted. */
  deleted: string[];
  /** Still in use after every retry (ELB releases a deleted listener's certificates late). */
  inUse: string[];
  /** Validation records removed from the rack's zone. */
  records: string[];
}

/** ACM refuses to delete a certificate a load balancer still uses: retried for about two minutes. */
const IN_USE_DELAYS_MS = [2_000, 4_000, 8_000, 15_000, 30_000, 30_000, 30_000];

/**
 * After the app's stack is gone (its alias records and the certificates it made went with it):
 * the certificates racknet requested for the app, and the validation CNAMEs in the rack's zone
 * for the app's names, which CloudFormation leaves behind
 * (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1603). ACM uses
 * one CNAME per name for every certificate of that name in the account, so a record another
 * certificate still names is kept.
 */
export async function removePublicCertificates(
  context: Context,
  rack: RackInfo,
  app: string,
  domains: readonly string[],
): Promise<PublicRemoval> {
  const { sleep } = context.clock;
  const acm = await context.aws.acm();
  const removal: PublicRemoval = { deleted: [], inUse: [], records: [] };
  const tagsOf = memoizedTags(context);
  for (const listing of await listCertificates(acm)) {
    const tags = await tagsOf(listing.arn);
    if (!ownedBy(tags, rack.rack, app) || tags[REQUESTED_TAG] !== "racknet") continue;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await deleteCertificate(acm, listing.arn);
        removal.deleted.push(listing.arn);
        break;
      } catch (error) {
        const name = error instanceof Error ? error.name : "";
        if (name === "ResourceNotFoundException") break;
        if (name !== "ResourceInUseException") throw error;
        const delay = IN_USE_DELAYS_MS[attempt];
        if (delay === undefined) {
          removal.inUse.push(listing.arn);
          break;
        }
        await sleep(delay);
      }
    }
  }
  const zoneId = rack.params.HostedZoneId;
  if (!zoneId) return removal;
  const names = [...(rack.params.Domain ? [appWildcardName(app, rack.params.Domain)] : []), ...domains].map((name) => name.replace(/^\*\./, ""));
  const remaining = (await listCertificates(acm)).flatMap((listing) => listing.names.map((name) => name.replace(/^\*\./, "")));
  const route53 = await context.aws.route53();
  const stale = (await zoneRecords(route53, zoneId)).filter(
    (record) =>
      record.type === "CNAME" &&
      record.values.every((value) => value.toLowerCase().replace(/\.$/, "").endsWith(".acm-validations.aws")) &&
      names.some((name) => new RegExp(`^_[a-z0-9]+\\.${escapeRegExp(name)}\\.$`).test(record.name) && !remaining.includes(name)),
  );
  await deleteZoneRecords(route53, zoneId, stale);
  removal.records = stale.map((record) => record.name);
  return removal;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
