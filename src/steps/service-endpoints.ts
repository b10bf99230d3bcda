import type { EndpointKind, Visibility } from "../manifest/model.js";
import { VISIBILITY_KINDS } from "../rack/load-balancers.js";
import { deployedEndpointUrl } from "../templates/app-endpoints.js";

/**
 * A deployed service's endpoints, from the app stack's parameters: the names its listener
 * rules match (the same as `racknet services` prints). An external endpoint on a rack
 * without a Domain has no URL and is left out.
 */
export function deployedEndpoints(service: string, visibility: Visibility, app: string, rack: string, parameters: Readonly<Record<string, string>>): { kind: EndpointKind; url: string }[] {
  return VISIBILITY_KINDS[visibility].flatMap((kind) => {
    const url = deployedEndpointUrl(service, kind, app, rack, parameters);
    return url ? [{ kind, url }] : [];
  });
}
