/**
 * The host names and URLs of an app's services on each load balancer, as template values
 * (external ones depend on the Domain parameter), and as a deployed stack's parameters
 * resolve them. Every name comes from `endpointName` (src/names). Pure.
 */
import { endpointKinds, type EndpointKind, type Service } from "../manifest/model.js";
import { endpointName, linkVariable, type EndpointName } from "../names/index.js";
import { mostPrivate } from "../rack/load-balancers.js";
import { AppParameter, KindParameters } from "./app-contract.js";
import { iff, ref, sub, type Json } from "./cfn.js";

export const HAS_DOMAIN = "HasDomain";

/** What `Fn::Sub` replaces with the Domain (or, on a rack without one, the external load balancer's DNS name). */
const DOMAIN_VARIABLE = "${Domain}";

/**
 * The Host header a listener rule matches. External: `<service>.<app>.<Domain>`, or on the
 * external load balancer's own DNS name when the rack has no Domain: a name that routes but
 * does not resolve, which racknet never shows as a URL (`needsDomain`).
 */
export function endpointHost(service: string, kind: EndpointKind, app: string, rack: string): Json {
  const { host } = endpointName(kind, service, app, rack, DOMAIN_VARIABLE);
  if (kind !== "external") return host;
  return sub(host, { Domain: iff(HAS_DOMAIN, ref(AppParameter.Domain), ref(KindParameters.external.dns)) });
}

export function endpointUrl(service: string, kind: EndpointKind, app: string, rack: string): Json {
  const host = endpointHost(service, kind, app, rack);
  return typeof host === "string" ? `https://${host}` : { "Fn::Join": ["", ["https://", host]] };
}

/** A deployed service's endpoint from its stack's parameter values (DescribeStacks): `needsDomain` when the rack has no Domain. */
export function deployedEndpoint(service: string, kind: EndpointKind, app: string, rack: string, parameters: Readonly<Record<string, string>>): EndpointName {
  return endpointName(kind, service, app, rack, parameters[AppParameter.Domain] ?? "");
}

/** `<NAME>_URL` for each link: the most private endpoint the linked service has. */
export function linkEnvironment(service: Service, all: Service[], app: string, rack: string): Record<string, Json> {
  const environment: Record<string, Json> = {};
  for (const name of service.links) {
    const target = all.find((candidate) => candidate.name === name);
    const kind = target ? mostPrivate(endpointKinds(target)) : undefined;
    // The manifest rules refuse links to missing or port-less services before a template is made.
    if (!kind) throw new Error(`link from ${service.name} to ${name}, which has no endpoint`);
    environment[linkVariable(name)] = endpointUrl(name, kind, app, rack);
  }
  return environment;
}
