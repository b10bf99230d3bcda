import type { EndpointKind, Visibility } from "../manifest/model.js";
import { VISIBILITY_KINDS } from "../rack/load-balancers.js";
import { deployedEndpoint } from "../templates/app-endpoints.js";

/**
 * A deployed endpoint as `services` and `apps info` show it: its URL, or, for an external
 * endpoint of a rack without a Domain, no URL and `needsDomain` (the listener rule matches
 * `<service>.<app>.<load balancer DNS name>`, a name nobody can resolve: docs/endpoints.md).
 */

export type DeployedEndpoint =
  | { kind: EndpointKind; url: string }
  | { kind: EndpointKind; url: null; needsDomain: true; host: string }
  | { kind: EndpointKind; url: null; pendingCertificate: true; host: string };

/**
 * A deployed service's endpoints, from the app stack's parameters: the names its listener rules
 * match. An external one is a URL only while the external listener serves an issued public
 * certificate for it (`served`, src/app-steps/public-certificates.ts); else `pendingCertificate`.
 */
export function deployedEndpoints(
  service: string,
  visibility: Visibility,
  app: string,
  rack: string,
  parameters: Readonly<Record<string, string>>,
  served: (host: string) => boolean = () => true,
): DeployedEndpoint[] {
  return VISIBILITY_KINDS[visibility].map((kind) => {
    const name = deployedEndpoint(service, kind, app, rack, parameters);
    if (name.needsDomain) return { kind, url: null, needsDomain: true, host: name.host };
    if (kind === "external" && !served(name.host)) return { kind, url: null, pendingCertificate: true, host: name.host };
    return { kind, url: name.url };
  });
}

/** The endpoint in a table: its host, or `web.shop.<Domain> (needs Domain)`, or `web.shop.example.com (pending certificate)`. */
export function endpointText(endpoint: DeployedEndpoint): string {
  if (endpoint.url !== null) return endpoint.url.replace(/^https:\/\//, "");
  return "needsDomain" in endpoint ? `${endpoint.host} (needs Domain)` : `${endpoint.host} (pending certificate)`;
}
