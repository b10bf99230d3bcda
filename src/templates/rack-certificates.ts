/**
 * The certificates of the rack's internal and router HTTPS listeners. An ALB takes 25
 * certificates besides its default one (adjustable), so one certificate per app stopped the
 * 26th app. Instead each of these listeners carries one certificate, signed by the rack CA,
 * that holds every app's wildcard name on it; racknet re-imports it under the same ARN when
 * an app comes or goes (ACM: a re-import may add or remove names). A listener serves at most
 * 100 target groups (not adjustable), and an app with an endpoint there uses at least one,
 * so at most 100 apps: one certificate of 101 names always suffices. See
 * docs/rack-template.md, "Certificates". Pure.
 */
import { rackZoneName, routerZoneName } from "../names/index.js";
import { TARGET_GROUPS_PER_BALANCER } from "./rack-quotas.js";
import { RackParameter } from "../names/rack-parameters.js";

export type AppsListener = "internal" | "router";

/** The template parameter that carries each listener's apps certificate. */
export const APPS_CERTIFICATE_PARAMETER: Record<AppsListener, string> = {
  internal: RackParameter.InternalAppsCertificateArn,
  router: RackParameter.RouterAppsCertificateArn,
};

/** At most this many app wildcards: the listener's target groups bound its apps. */
export const MAX_APPS_PER_CERTIFICATE = TARGET_GROUPS_PER_BALANCER;

function zone(listener: AppsListener, rack: string): string {
  return listener === "internal" ? rackZoneName(rack) : routerZoneName(rack);
}

/**
 * The names of a listener's apps certificate: first the zone itself (the subject's common
 * name, never removed, because a re-import may not remove every name), then
 * `*.<app>.<zone>` for each app with an endpoint on that listener, sorted, each once.
 */
export function appsCertificateNames(listener: AppsListener, rack: string, apps: readonly string[]): string[] {
  const unique = [...new Set(apps)].sort();
  if (unique.length > MAX_APPS_PER_CERTIFICATE) {
    throw new Error(`${unique.length} apps on the ${listener} listener; a load balancer serves at most ${MAX_APPS_PER_CERTIFICATE} target groups`);
  }
  const base = zone(listener, rack);
  return [base, ...unique.map((app) => `*.${app}.${base}`)];
}

/** The apps a certificate's names cover (the inverse of appsCertificateNames). */
export function appsInCertificate(listener: AppsListener, rack: string, names: readonly string[]): string[] {
  const suffix = `.${zone(listener, rack)}`;
  return names.filter((name) => name.startsWith("*.") && name.endsWith(suffix)).map((name) => name.slice(2, -suffix.length)).filter((app) => !app.includes("."));
}
