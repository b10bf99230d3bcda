import { deployedResources, type DeployedResource } from "../app-steps/app-resources.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { appName, type Context } from "../runtime/context.js";

/**
 * `racknet resources [-a APP]`: the app's databases and caches (issue 29), each with its
 * engine, size, status and endpoint, as Convox's `resources` lists them; never the URL
 * (`racknet resources info NAME --reveal` shows it).
 */

/** `racknet resources --json`. */
export interface ResourceList {
  app: string;
  rack: string;
  resources: DeployedResource[];
}

export async function run(context: Context): Promise<Outcome> {
  const rack = await resolveRack(context);
  const app = await resolveApp(context, rack, appName(context.options));
  const { resources } = await deployedResources(context, app);
  const list: ResourceList = { app: app.app, rack: rack.rack, resources };
  return outcome(list, (printer) => {
    if (resources.length === 0) {
      printer.info(`app ${app.app} has no resources (resources: in convox.yml)`);
      return;
    }
    printer.table(
      [
        { header: "NAME", key: "name" },
        { header: "TYPE", key: "type" },
        { header: "VERSION", key: "version" },
        { header: "SIZE", key: "size" },
        { header: "STATUS", key: "status" },
        { header: "ENDPOINT", key: "endpoint" },
        { header: "SERVICES", key: "services" },
      ],
      resources.map((resource) => ({
        name: resource.name,
        type: resource.type,
        version: resource.version,
        size: sizeText(resource),
        status: resource.status,
        endpoint: resource.endpoint ? `${resource.endpoint.host}:${resource.endpoint.port}` : "-",
        services: resource.services.join(",") || "-",
      })),
    );
  });
}

/** `db.t4g.micro, 20 GiB, Multi-AZ`, `2 × cache.t4g.micro`. */
export function sizeText(resource: DeployedResource): string {
  if (resource.storage !== null) return [resource.class, `${resource.storage} GiB`, ...(resource.durable ? ["Multi-AZ"] : [])].join(", ");
  return `${resource.nodes} × ${resource.class}${resource.durable ? ", failover" : ""}`;
}
