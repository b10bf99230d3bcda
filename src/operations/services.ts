import type { Context } from "../core/context.js";
import { resolveApp, resolveRack } from "../aws/stacks.js";
import { readAppMetadata } from "./app-metadata.js";
import { deployedEndpointUrl } from "../templates/app-endpoints.js";
import type { EndpointKind, Visibility } from "../manifest/model.js";
import { LISTENER_PORT } from "../manifest/exposure.js";

export interface ServiceRow {
  service: string;
  visibility: Visibility;
  endpoints: { kind: EndpointKind; url: string }[];
  ports: { listener: number; container: number }[];
}

const KINDS: Record<Visibility, EndpointKind[]> = {
  "internal-router": ["router"],
  "internal-and-external": ["internal", "external"],
  internal: ["internal"],
  external: ["external"],
  private: [],
};

/**
 * `racknet services`: the services the app's stack records in its Metadata, with the
 * endpoints its parameters resolve to (the same names its listener rules match). Three AWS
 * calls however many services: DescribeStacks for the rack and the app, one GetTemplate
 * (plus a paginated DescribeStacks instead of the first when no rack is named).
 */
export async function listServices(context: Context, app: string): Promise<ServiceRow[]> {
  const rack = await resolveRack(context);
  const stack = await resolveApp(context, rack, app);
  const metadata = await readAppMetadata(context, stack);
  return metadata.services.map((service) => ({
    service: service.name,
    visibility: service.visibility,
    endpoints: KINDS[service.visibility].flatMap((kind) => {
      const url = deployedEndpointUrl(service.name, kind, app, rack.rack, stack.parameters);
      return url ? [{ kind, url }] : [];
    }),
    ports: service.port ? [{ listener: LISTENER_PORT, container: service.port }] : [],
  }));
}
