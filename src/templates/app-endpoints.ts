/**
 * The host names and URLs of an app's services on each load balancer, as template values
 * (external ones depend on the Domain parameter). Pure.
 */
import { endpointKinds, type EndpointKind, type Service } from "../manifest/model.js";
import { externalHost, internalHost, linkVariable, routerHost } from "../names/index.js";
import { AppParameter, KindParameters } from "./app-contract.js";
import { iff, ref, sub, type Json } from "./cfn.js";

export const HAS_DOMAIN = "HasDomain";

/**
 * The Host header a listener rule matches. External: `<service>.<app>.<Domain>`, or on the
 * external load balancer's own DNS name when the rack has no Domain.
 */
export function endpointHost(service: string, kind: EndpointKind, app: string, rack: string): Json {
  switch (kind) {
    case "internal":
      return internalHost(service, app, rack);
    case "router":
      return routerHost(service, app, rack);
    case "external":
      return sub(externalHost(service, app, "${Domain}"), {
        Domain: iff(HAS_DOMAIN, ref(AppParameter.Domain), ref(KindParameters.external.dns)),
      });
  }
}

export function endpointUrl(service: string, kind: EndpointKind, app: string, rack: string): Json {
  const host = endpointHost(service, kind, app, rack);
  return typeof host === "string" ? `https://${host}` : { "Fn::Join": ["", ["https://", host]] };
}

/**
 * The URL `endpointUrl` resolves to in a deployed stack, from that stack's parameter values
 * (DescribeStacks): how `racknet services` reads endpoints without an output per endpoint.
 */
export function deployedEndpointUrl(service: string, kind: EndpointKind, app: string, rack: string, parameters: Readonly<Record<string, string>>): string | undefined {
  switch (kind) {
    case "internal":
      return `https://${internalHost(service, app, rack)}`;
    case "router":
      return `https://${routerHost(service, app, rack)}`;
    case "external": {
      const domain = parameters[AppParameter.Domain] || parameters[KindParameters.external.dns];
      return domain ? `https://${externalHost(service, app, domain)}` : undefined;
    }
  }
}

/** The most private endpoint first: internal, then the internal router, then external. */
const PRIVACY: EndpointKind[] = ["internal", "router", "external"];

/** `<NAME>_URL` for each link: the most private endpoint the linked service has. */
export function linkEnvironment(service: Service, all: Service[], app: string, rack: string): Record<string, Json> {
  const environment: Record<string, Json> = {};
  for (const name of service.links) {
    const target = all.find((candidate) => candidate.name === name);
    const kinds = target ? endpointKinds(target) : [];
    const kind = PRIVACY.find((candidate) => kinds.includes(candidate));
    // The manifest rules refuse links to missing or port-less services before a template is made.
    if (!kind) throw new Error(`link from ${service.name} to ${name}, which has no endpoint`);
    environment[linkVariable(name)] = endpointUrl(name, kind, app, rack);
  }
  return environment;
}
