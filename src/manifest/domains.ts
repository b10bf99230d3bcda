/**
 * `domain:` (Convox: one name, names separated by commas, or a list): the service's own public
 * names. Each gets a host rule on the external load balancer and is named on the service's
 * public ACM certificate (docs/endpoints.md, "Your own domain"). What AWS or the design
 * would refuse later is refused here, with the line, before any AWS call. Pure.
 */
import { isIP } from "node:net";
import type { Problem } from "../errors/index.js";
import { DNS_LABEL_MAX, DNS_NAME_MAX, PRIVATE_ZONE_TOP, appWildcardName } from "../names/index.js";
import { HOST_CONDITION_MAX } from "./limits.js";
import { endpointKinds, visibility, type Manifest, type ManifestContext } from "./model.js";
import { problem, type Place } from "./place.js";

/**
 * ACM: "Domain names per certificate", 10 by default (adjustable up to 100); a service's names
 * share one certificate. https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html
 */
export const NAMES_PER_CERTIFICATE = 10;
/**
 * ACM: the certificate's first name (its subject's common name) is at most 64 characters
 * (RequestCertificate's DomainName; RFC 5280's ub-common-name); the others may be 253.
 * https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html
 */
export const COMMON_NAME_MAX = 64;

/** `a.example.com, b.example.com` or a list, trimmed, lower case, empty entries dropped (Convox's reading, pkg/manifest/yaml.go). */
export function readDomains(domain: unknown): string[] {
  const items = typeof domain === "string" ? domain.split(",") : Array.isArray(domain) ? domain.filter((item): item is string => typeof item === "string") : [];
  return items.map((item) => item.trim().toLowerCase().replace(/\.$/, "")).filter((item) => item !== "");
}

/** Why `name` cannot be a public name on a certificate and a host rule; undefined when it can. */
export function domainNameProblem(name: string): string | undefined {
  if (name.includes("${")) return `"${name}" uses \${...}; racknet does not put app environment values into the CloudFormation template`;
  if (name.includes("*")) return `"${name}" is a wildcard; racknet routes and certifies exact names only, so a wildcard would answer names nobody listed`;
  if (isIP(name) !== 0 || isIP(name.replace(/^\[|\]$/g, "")) !== 0) return `"${name}" is an IP address; a public certificate names host names, and a load balancer rule matches the Host header`;
  const labels = name.split(".");
  if (labels.length < 2) return `"${name}" is a single label; a public name has a domain, such as shop.example.com`;
  if (!labels.every((label) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(label))) return `"${name}" is not a host name (letters, digits and dashes between dots)`;
  if (/^\d+$/.test(labels.at(-1) ?? "")) return `"${name}" ends in a numeric label, which no public domain has`;
  const long = labels.find((label) => label.length > DNS_LABEL_MAX);
  if (long) return `"${name}" has the label "${long}" of ${long.length} characters; DNS allows ${DNS_LABEL_MAX}`;
  if (name.length > HOST_CONDITION_MAX) return `"${name}" is ${name.length} characters; a load balancer rule matches host names of at most ${HOST_CONDITION_MAX} (DNS allows ${DNS_NAME_MAX})`;
  if (name === PRIVATE_ZONE_TOP || name.endsWith(`.${PRIVATE_ZONE_TOP}`)) return `"${name}" is in the .convox names racknet keeps for the rack's private zones`;
  return undefined;
}

/** The first name the certificate can take as its common name (at most 64 characters), if any. */
export function commonNameOf(names: readonly string[]): string | undefined {
  return names.find((name) => name.length <= COMMON_NAME_MAX);
}

/** Every problem with the services' `domain:` names, all in one run. */
export function domainProblems(manifest: Manifest, place: Place): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const service of manifest.services) {
    if (service.domains.length === 0) continue;
    const path = `services.${service.name}.domain`;
    const kind = visibility(service);
    if (kind !== "external" && kind !== "internal-and-external") {
      const why = service.port ? `it is ${kind}, and a domain is served by the external load balancer only` : "it has no port, so no load balancer serves it";
      problems.push(problem(place, path, `${path}: services.${service.name} cannot answer at its own domain: ${why}`, service.port ? "remove domain:, or make the service external (or internalAndExternal: true)" : "give the service a port (port: 3000), or remove domain:"));
    }
    for (const name of service.domains) {
      const invalid = domainNameProblem(name);
      if (invalid) problems.push(problem(place, path, `${path}: ${invalid}`, "list exact host names such as shop.example.com and www.shop.example.com"));
      const other = seen.get(name);
      if (other !== undefined) problems.push(problem(place, path, `${path}: ${name} is listed ${other === service.name ? "twice" : `by services.${other}.domain too`}; a name is served by one service`, `list ${name} once`));
      seen.set(name, service.name);
    }
    if (service.domains.length > NAMES_PER_CERTIFICATE) {
      problems.push(
        problem(place, path, `${path} lists ${service.domains.length} names; a service's names share one ACM certificate, which takes ${NAMES_PER_CERTIFICATE} (ACM's default quota)`, `list at most ${NAMES_PER_CERTIFICATE}, or split the names between services`),
      );
    }
    if (!commonNameOf(service.domains) && service.domains.every((name) => !domainNameProblem(name))) {
      problems.push(problem(place, path, `${path}: every name is over ${COMMON_NAME_MAX} characters; an ACM certificate's first name (its common name) is at most ${COMMON_NAME_MAX}`, `add a name of at most ${COMMON_NAME_MAX} characters (it leads the certificate)`));
    }
  }
  return problems;
}

/**
 * The app's public certificate names `*.<app>.<Domain>` first, so that name must fit ACM's
 * 64-character common name: a long Domain with a long app name cannot have one.
 */
export function wildcardProblems(manifest: Manifest, context: ManifestContext, place: Place): Problem[] {
  const domain = context.params?.Domain ?? "";
  const external = manifest.services.find((service) => endpointKinds(service).includes("external"));
  if (!domain || !external) return [];
  const wildcard = appWildcardName(context.app, domain);
  if (wildcard.length <= COMMON_NAME_MAX) return [];
  const path = `services.${external.name}`;
  return [
    problem(
      place,
      path,
      `app ${context.app}'s external names need the certificate ${wildcard}, which is ${wildcard.length} characters; an ACM certificate's first name is at most ${COMMON_NAME_MAX}`,
      `use a shorter app name (-a), or a shorter Domain (at most ${COMMON_NAME_MAX - context.app.length - 3} characters with this app name)`,
    ),
  ];
}
