import type { EndpointKind, Visibility } from "../manifest/model.js";
import { deployedEndpointUrl } from "../templates/app-endpoints.js";

/** The load balancers a visibility puts a service behind, most private first. */
export const ENDPOINT_KINDS: Readonly<Record<Visibility, readonly EndpointKind[]>> = {
  "internal-router": ["router"],
  "internal-and-external": ["internal", "external"],
  internal: ["internal"],
  external: ["external"],
  private: [],
};

/**
 * A deployed service's endpoints, from the app stack's parameters: the names its listener
 * rules match (the same as `racknet services` prints). An external endpoint on a rack
 * without a Domain has no URL and is left out.
 */
export function deployedEndpoints(service: string, visibility: Visibility, app: string, rack: string, parameters: Readonly<Record<string, string>>): { kind: EndpointKind; url: string }[] {
  return ENDPOINT_KINDS[visibility].flatMap((kind) => {
    const url = deployedEndpointUrl(service, kind, app, rack, parameters);
    return url ? [{ kind, url }] : [];
  });
}
