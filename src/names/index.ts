/**
 * Every name and id the SPEC defines, in one place. Pure: no AWS, no I/O.
 * DNS names are returned without the trailing dot unless the function says otherwise.
 */
import { createHash } from "node:crypto";

export const RACK_TAG = "racknet:rack";
export const APP_TAG = "racknet:app";
export const KIND_TAG = "racknet:kind";
export const VERSION_TAG = "racknet:version";
/** Set on each ECS service by the app template and copied to its tasks (`PropagateTags: SERVICE`): the private network reads them. */
export const APP_ID_TAG = "racknet:app-id";
export const SERVICE_TAG = "racknet:service";

/**
 * On an ACM certificate racknet made: `rack`, `internal-apps`, `router-apps` (imported, signed
 * by the rack CA), `app` (an older racknet's per-app one); `external` (the public
 * `*.<app>.<Domain>`) and `domain` (a service's `domain:` names, with SERVICE_TAG) are ACM-issued.
 */
export const CERT_TAG = "racknet:cert";

/** On a public certificate racknet requested itself (outside any stack): `racknet`. One CloudFormation made has not this tag. */
export const REQUESTED_TAG = "racknet:requested-by";

/** The public certificates' kinds (CERT_TAG values). */
export const PUBLIC_CERT_KINDS = ["external", "domain"] as const;
export type PublicCertKind = (typeof PUBLIC_CERT_KINDS)[number];

/** Where racknet uploads templates over CloudFormation's inline limit, in the rack's bucket. */
export const TEMPLATE_PREFIX = "racknet/templates/";

/**
 * The bucket a rack template over CloudFormation's 51,200-byte inline limit goes through when
 * there is no rack bucket yet (install): one per account and region, shared by its racks,
 * removed with the last of them (docs/decisions.md, "The rack template through S3"). In the
 * account regional namespace (the `-<account>-<region>-an` suffix) no other account can create
 * it; the two regions without that namespace get the global name, and every call names the
 * expected owner (https://docs.aws.amazon.com/AmazonS3/latest/userguide/gpbucketnamespaces.html).
 */
export function stagingBucket(account: string, region: string): { name: string; namespace: "account-regional" | "global" } {
  const base = `racknet-staging-${account}-${region}`;
  return REGIONS_WITHOUT_ACCOUNT_NAMESPACE.has(region) ? { name: base, namespace: "global" } : { name: `${base}-an`, namespace: "account-regional" };
}

/** Middle East (Bahrain) and (UAE): S3 has no account regional namespace there (the page above, "Restrictions"). */
const REGIONS_WITHOUT_ACCOUNT_NAMESPACE: ReadonlySet<string> = new Set(["me-south-1", "me-central-1"]);

/** The rack bucket's prefix for build contexts; the rack's CodeBuild role may read only this. */
export const BUILD_SOURCE_PREFIX = "builds/";

/** A packed build context's key: content-addressed, so one context is one object. */
export function buildSourceKey(app: string, archiveSha256: string): string {
  return `${BUILD_SOURCE_PREFIX}${app}/${archiveSha256}.zip`;
}

/** The app's ECR repository. */
export function repositoryName(rack: string, app: string): string {
  return `${rack}/${app}`;
}

/**
 * The app's own build role (docs/build.md, "One build role per app"). IAM is global and its
 * role names are at most 64 characters (IAM quotas: "Role name"), so the name must tell
 * apart racks of the same name in two Regions: `<rack>_<app>_<8 hex of the Region's
 * digest>`, at most 24 + 1 + 30 + 1 + 8 = 64. Rack and app names have no `_`, so no two
 * (rack, app) pairs share a name. The path says whose it is, in words, and lets `rack
 * uninstall` list every app's role of the rack.
 */
export function buildRoleName(region: string, rack: string, app: string): string {
  const regionDigest = createHash("sha256").update(region).digest("hex").slice(0, 8);
  return `${rack}_${app}_${regionDigest}`;
}

export function buildRolePath(region: string, rack: string): string {
  return `/racknet/${region}/${rack}/build/`;
}

/** The rack CA's private key (SecureString) in SSM Parameter Store. */
export function caKeyParameter(rack: string): string {
  return `/racknet/${rack}/ca/key`;
}

/** The rack CA's certificate (String) in SSM Parameter Store. */
export function caCertParameter(rack: string): string {
  return `/racknet/${rack}/ca/cert`;
}

/** The KMS alias of the rack CA's own key (customer managed): how a retry or uninstall finds the key. */
export function caKeyAlias(rack: string): string {
  return `alias/racknet/${rack}/ca`;
}

/**
 * A running racknet operation's lock in SSM Parameter Store: one for the rack's operations
 * (`params set`, `install`, `uninstall`), one per app (`deploy`, `apps delete`). Created only
 * if absent, so two racknets never hold the same one.
 */
export function operationLockParameter(rack: string, app?: string): string {
  return app ? `/racknet/${rack}/locks/apps/${app}` : `/racknet/${rack}/locks/rack`;
}

/** Where the app locks of a rack live: a rack operation checks none is held. */
export function appLocksPath(rack: string): string {
  return `/racknet/${rack}/locks/apps/`;
}

/** Where a rack's journals live (its own and its apps'), for `racknet rack`. */
export function journalsPath(rack: string): string {
  return `/racknet/${rack}/journal/`;
}

/** An operation's journal (what was planned, what is done), kept until it finishes. */
export function operationJournalParameter(rack: string, app?: string): string {
  return app ? `/racknet/${rack}/journal/apps/${app}` : `/racknet/${rack}/journal/rack`;
}

export const DNS_LABEL_MAX = 63;
export const DNS_NAME_MAX = 253;

/** The rack's stack is named after the rack, as Convox does. */
export function rackStackName(rack: string): string {
  return rack;
}

/**
 * One side of a peering between two racks: `<rack>-peering-<peer>`, in the rack's Region, holds
 * that rack's routes to the peer (and, on the side that asked, the peering connection itself).
 * Owned by its tags (KIND_TAG "peering", RACK_TAG, PEER_TAG), as every racknet stack.
 */
export function peeringStackName(rack: string, peer: string): string {
  return `${rack}-peering-${peer}`;
}

/** The tag naming the other rack of a peering stack. */
export const PEER_TAG = "racknet:peer";

export function appStackName(rack: string, app: string): string {
  return `${rack}-${app}`;
}

/** The top of the rack's private zones' names (`convox`, as Convox's racks): an app's domains stay out of it. */
export const PRIVATE_ZONE_TOP = "convox";

/** The rack's private hosted zone: `<rack>.convox`. */
export function rackZoneName(rack: string): string {
  return `${rack}.${PRIVATE_ZONE_TOP}`;
}

/** The internal router's private hosted zone: `<rack>.router.convox`. */
export function routerZoneName(rack: string): string {
  return `${rack}.router.${PRIVATE_ZONE_TOP}`;
}

export function internalHost(service: string, app: string, rack: string): string {
  return `${service}.${app}.${rackZoneName(rack)}`;
}

export function routerHost(service: string, app: string, rack: string): string {
  return `${service}.${app}.${routerZoneName(rack)}`;
}

/**
 * External host: `<service>.<app>.<Domain>`. Without a Domain the host is built on the
 * external load balancer's own DNS name, so it is still unique and routable by Host header.
 */
export function externalHost(service: string, app: string, domain: string): string {
  return `${service}.${app}.${domain}`;
}

/** The load balancer an endpoint is served by: the external one, the internal one, or the rack-to-rack internal router. */
export type EndpointKind = "external" | "internal" | "router";

/** Stands for the rack's Domain in an external name when the rack has none: such a name does not resolve. */
export const DOMAIN_PLACEHOLDER = "<Domain>";

/** Load balancers answer HTTPS on 443 whatever the container's port. */
export const LISTENER_PORT = 443;

export interface EndpointName {
  kind: EndpointKind;
  host: string;
  url: string;
  /** An external name on a rack without Domain: `host` holds DOMAIN_PLACEHOLDER and nothing answers at it. */
  needsDomain: boolean;
}

/**
 * The one place a service's endpoint is named, for every caller: `manifest check`, the
 * app template (which passes `${Domain}` to substitute), and `racknet services` (which
 * passes the deployed stack's Domain parameter). Without a domain an external endpoint is
 * `<service>.<app>.<Domain>` and `needsDomain`: never a URL that looks usable and is not.
 */
export function endpointName(kind: EndpointKind, service: string, app: string, rack: string, domain = ""): EndpointName {
  const host = kind === "internal" ? internalHost(service, app, rack) : kind === "router" ? routerHost(service, app, rack) : externalHost(service, app, domain || DOMAIN_PLACEHOLDER);
  return { kind, host, url: `https://${host}`, needsDomain: kind === "external" && !domain };
}

/** Everything the rack's apps keep in Parameter Store, `/racknet/<rack>/apps/`. */
export function appsParameterPath(rack: string): string {
  return `/racknet/${rack}/apps/`;
}

/**
 * The app's environment in SSM Parameter Store: everything under this path belongs to one
 * app of one rack, so the app's task execution role is granted exactly this path.
 */
export function appEnvironmentPath(rack: string, app: string): string {
  return `/racknet/${rack}/apps/${app}/`;
}

/**
 * The CloudWatch namespace an app's tasks publish their queue depths to (`autoscale.queueDepth`),
 * `racknet/<rack>/<app>`: the task role may put metrics in this namespace only (the
 * `cloudwatch:namespace` condition key).
 */
export function appMetricNamespace(rack: string, app: string): string {
  return `racknet/${rack}/${app}`;
}

/** The dimension that names the service a queue depth belongs to, in `appMetricNamespace`. */
export const QUEUE_METRIC_DIMENSION = "Service";

/** A variable set with `racknet env set`: `/racknet/<rack>/apps/<app>/env/<NAME>`. */
export function appEnvironmentParameter(rack: string, app: string, name: string): string {
  return `${appEnvironmentPath(rack, app)}env/${name}`;
}

/**
 * A default from convox.yml (`NAME=value`) for a variable the app environment does not set,
 * per service (two services may give the same name different defaults). Kept apart from
 * `env/` so that `racknet env` shows only what the user set, and a changed default applies.
 */
export function serviceDefaultParameter(rack: string, app: string, service: string, name: string): string {
  return `${appEnvironmentPath(rack, app)}defaults/${service}/${name}`;
}

/** The public certificate of an app's external names: `*.<app>.<Domain>` covers every `<service>.<app>.<Domain>`. */
export function appWildcardName(app: string, domain: string): string {
  return `*.${app}.${domain}`;
}

/** True when a certificate name (exact, or a wildcard of one label) covers `host` (RFC 6125: the wildcard stands for one whole label). */
export function nameCovers(certificateName: string, host: string): boolean {
  const name = certificateName.toLowerCase();
  const wanted = host.toLowerCase();
  if (!name.startsWith("*.")) return name === wanted;
  const dot = wanted.indexOf(".");
  return dot > 0 && wanted.slice(dot + 1) === name.slice(2);
}

/** True when `name` is the zone's apex or under it: a record for it belongs in that zone. */
export function inZone(name: string, zone: string): boolean {
  const bare = name.toLowerCase().replace(/^\*\./, "").replace(/\.$/, "");
  const apex = zone.toLowerCase().replace(/\.$/, "");
  return bare === apex || bare.endsWith(`.${apex}`);
}

/** The rack's own certificate: the default certificate of every HTTPS listener. */
export function rackCertificateNames(rack: string): string[] {
  return [rackZoneName(rack), `*.${rackZoneName(rack)}`, `*.${routerZoneName(rack)}`];
}

/** racknet gives every container RACKNET_RACK, RACKNET_APP, RACKNET_CA_CERT and the like: the prefix is racknet's. */
export const RACKNET_VARIABLE_PREFIX = "RACKNET_";

/** `API_URL` for a link to `api`; `-` becomes `_`. */
export function linkVariable(service: string): string {
  return `${service.toUpperCase().replace(/-/g, "_")}_URL`;
}

/** The UUID at the end of a CloudFormation stack id (`arn:...:stack/name/<uuid>`). */
export function stackUuid(stackId: string): string {
  const uuid = stackId.split("/").at(-1) ?? "";
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) {
    throw new Error(`not a CloudFormation stack id: ${stackId}`);
  }
  return uuid.toLowerCase();
}

/** Before the rack stack's UUID in its private network's id. */
export const PRIVATE_NETWORK_ID_PREFIX = "pn-";
/** Before the app stack's UUID in the app's id. */
export const APP_ID_PREFIX = "ap-";

/** `pn-<uuid of the rack stack>` */
export function privateNetworkId(rackStackId: string): string {
  return `${PRIVATE_NETWORK_ID_PREFIX}${stackUuid(rackStackId)}`;
}

/** `ap-<uuid of the app stack>` */
export function appId(appStackId: string): string {
  return `${APP_ID_PREFIX}${stackUuid(appStackId)}`;
}

export const PRIVATE_NETWORK_DOMAIN = "private-network.internal";

/** `<pn-id>.private-network.internal`: the zone holding every container name of the rack. */
export function privateNetworkZoneName(pnId: string): string {
  return `${pnId}.${PRIVATE_NETWORK_DOMAIN}`;
}

/** `<app-id>.<pn-id>.private-network.internal.`: the web containers. */
export function privateNetworkAppName(appIdValue: string, pnId: string): string {
  return `${appIdValue}.${privateNetworkZoneName(pnId)}.`;
}

/** `<service>.<app-id>.<pn-id>.private-network.internal.`: every container of the service. */
export function privateNetworkServiceName(service: string, appIdValue: string, pnId: string): string {
  return `${service}.${privateNetworkAppName(appIdValue, pnId)}`;
}

/** `<N>.<service>.<app-id>.<pn-id>.private-network.internal.`: the Nth container, N from 1. */
export function privateNetworkContainerName(index: number, service: string, appIdValue: string, pnId: string): string {
  return `${index}.${privateNetworkServiceName(service, appIdValue, pnId)}`;
}

/** The longest name a service of this app produces, for the DNS-limit check before deploy. */
export function longestDerivedNames(service: string, app: string, rack: string): string[] {
  const exampleUuid = "00000000-0000-0000-0000-000000000000";
  const pn = `pn-${exampleUuid}`;
  const ap = `ap-${exampleUuid}`;
  return [
    internalHost(service, app, rack),
    routerHost(service, app, rack),
    privateNetworkContainerName(9999, service, ap, pn).replace(/\.$/, ""),
  ];
}

/** Problems with a DNS name: labels over 63 characters, names over 253. */
export function dnsNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length > DNS_NAME_MAX) problems.push(`${name} is ${name.length} characters long; DNS names are limited to ${DNS_NAME_MAX}`);
  for (const label of name.split(".")) {
    if (label.length > DNS_LABEL_MAX) problems.push(`the label "${label}" is ${label.length} characters long; DNS labels are limited to ${DNS_LABEL_MAX}`);
  }
  return problems;
}

/** Rack, app and service names: lowercase letters, digits and dashes, starting with a letter. */
export const RESOURCE_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

export function nameProblem(kind: "rack" | "app" | "service", name: string, maxLength: number): string | undefined {
  if (!RESOURCE_NAME_PATTERN.test(name)) {
    return `${kind} name "${name}" must be lowercase letters, digits and dashes, starting with a letter`;
  }
  if (name.endsWith("-") || name.includes("--")) return `${kind} name "${name}" must not end with a dash or contain two dashes in a row`;
  if (name.length > maxLength) return `${kind} name "${name}" is ${name.length} characters long; the limit is ${maxLength}`;
  return undefined;
}

export const RACK_NAME_MAX = 24;
export const APP_NAME_MAX = 30;

/**
 * The app's releases in SSM Parameter Store, one SecureString each (a manifest may hold
 * environment defaults): `/racknet/<rack>/releases/<app>/<number>`. Outside the app's
 * environment path, so the task execution role, granted that path, cannot read them.
 */
export function releasesPath(rack: string, app: string): string {
  return `/racknet/${rack}/releases/${app}/`;
}

/** Release numbers are zero-padded so that names sort as numbers do. */
export function releaseParameter(rack: string, app: string, release: number): string {
  return `${releasesPath(rack, app)}${String(release).padStart(6, "0")}`;
}

/**
 * The ECR tag that keeps a release's image from expiring (the lifecycle policy never expires
 * an image with a tag of this prefix): `keep-r<number>`.
 */
export const KEEP_TAG_PREFIX = "keep-r";

export function keepTag(release: number): string {
  return `${KEEP_TAG_PREFIX}${release}`;
}

/**
 * `racknet run` tasks: started by this, in the ECS task group `racknet-run:<app>`, so that
 * they can be found (and stopped) before their app or cluster goes.
 */
export const RUN_STARTED_BY = "racknet-run";

export function runTaskGroup(app: string): string {
  return `racknet-run:${app}`;
}

/** The app's AWS Budgets budget (issue 28): unique in the account, as a budget's name must be (no `:` or `\`). */
export function appBudgetName(rack: string, app: string): string {
  return `racknet-${rack}-${app}`;
}

/**
 * The one-time EventBridge Scheduler schedule the app's budget function makes when the cap is
 * reached, to stop the services `notifyBeforeMinutes` later: at most 64 of [0-9A-Za-z-_.].
 */
export function appBudgetShutdownSchedule(rack: string, app: string): string {
  return `racknet-budget-${createHash("sha256").update(`${rack}/${app}`).digest("hex").slice(0, 24)}`;
}

/** On an ECS service auto-shutdown stopped: the desired count it had, which recovery gives back. */
export const BUDGET_STOPPED_TAG = "racknet:budget-stopped-count";
/** On each eligible ECS service while auto-shutdown is armed: when the services will be stopped (ISO 8601). */
export const BUDGET_ARMED_TAG = "racknet:budget-shutdown-at";
