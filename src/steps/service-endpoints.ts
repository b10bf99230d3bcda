import type { EndpointKind, Visibility } from "../manifest/model.js";
import { VISIBILITY_KINDS } from "../rack/load-balancers.js";
import { deployedEndpoint } from "../templates/app-endpoints.js";

/**
 * A deployed endpoint as `services` and `apps info` show it: its URL, or, for an external
 * endpoint of a rack without a Domain, no URL and `needsDomain` (the listener rule matches
 * `<service>.<app>.<load balancer DNS name>`, a name nobody can resolve: docs/endpoints.md).
 */

export type DeployedEndpoint = { kind: EndpointKind; url: string } | { kind: EndpointKind; url: null; needsDomain: true; host: string };

/** A deployed service's endpoints, from the app stack's parameters: the names its listener rules match. */
export function deployedEndpoints(service: string, visibility: Visibility, app: string, rack: string, parameters: Readonly<Record<string, string>>): DeployedEndpoint[] {
  return VISIBILITY_KINDS[visibility].map((kind) => {
    const name = deployedEndpoint(service, kind, app, rack, parameters);
    return name.needsDomain ? { kind, url: null, needsDomain: true, host: name.host } : { kind, url: name.url };
  });
}

/** The endpoint in a table: its host, or `web.shop.<Domain> (needs Domain)`. */
export function endpointText(endpoint: DeployedEndpoint): string {
  return endpoint.url === null ? `${endpoint.host} (needs Domain)` : endpoint.url.replace(/^https:\/\//, "");
}
