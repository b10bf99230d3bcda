import type { Context } from "../runtime/context.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { appName } from "../runtime/context.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { readAppMetadata } from "../shared-steps/app-metadata.js";
import { deployedEndpoints, endpointText, type DeployedEndpoint } from "../app-steps/service-endpoints.js";
import type { Visibility } from "../manifest/model.js";
import { LISTENER_PORT } from "../manifest/exposure.js";
import { publiclyServed } from "../app-steps/public-certificates.js";
import { nlbIds } from "../templates/app-nlb.js";
import { AppParameter } from "../templates/app-contract.js";

export interface ServiceRow {
  service: string;
  visibility: Visibility;
  /** An external endpoint of a rack without a Domain has no URL: `needsDomain`; nor one whose certificate is not issued and served yet: `pendingCertificate` (docs/endpoints.md). */
  endpoints: DeployedEndpoint[];
  /** The service's `domain:` names, each a URL only once its certificate is served. */
  domains?: DeployedEndpoint[];
  ports: { listener: number; container: number }[];
  /** Listeners of the app's network load balancers: the load balancer's DNS name (the app stack's output) and port. */
  nlb?: { host: string; port: number; container: number; protocol: "tcp" | "tls"; scheme: "public" | "internal" }[];
}

/**
 * `racknet services`: the services the app's stack records in its Metadata, with the
 * endpoints its parameters resolve to (the same names its listener rules match). Three AWS
 * calls however many services: DescribeStacks for the rack and the app, one GetTemplate
 * (plus a paginated DescribeStacks instead of the first when no rack is named); with public
 * names, DescribeListenerCertificates and ListCertificates (paginated) say which are served.
 */
export async function run(context: Context): Promise<Outcome> {
  const rows = await listServices(context, appName(context.options));
  return outcome(rows, (printer) =>
    printer.table(
      [
        { header: "SERVICE", key: "service" },
        { header: "VISIBILITY", key: "visibility" },
        { header: "DOMAIN", key: "domain" },
        { header: "PORTS", key: "ports" },
      ],
      rows.map((row) => ({
        service: row.service,
        visibility: row.visibility,
        domain: [...row.endpoints, ...(row.domains ?? [])].map(endpointText).join(" "),
        ports: [...row.ports.map((port) => `${port.listener}:${port.container}`), ...(row.nlb ?? []).map((port) => `${port.host}:${port.port} (${port.protocol}) → ${port.container}`)].join(" "),
      })),
    ),
  );
}

async function listServices(context: Context, app: string): Promise<ServiceRow[]> {
  const rack = await resolveRack(context);
  const stack = await resolveApp(context, rack, app);
  const metadata = await readAppMetadata(context, stack);
  // Two more calls only when there is a public name to check (an external service on a rack with a Domain, or domain:).
  const external = metadata.services.some((service) => (service.visibility === "external" || service.visibility === "internal-and-external") && (stack.parameters[AppParameter.Domain] || service.domains?.length));
  const served = external ? await publiclyServed(context, rack) : () => false;
  return metadata.services.map((service) => ({
    service: service.name,
    visibility: service.visibility,
    endpoints: deployedEndpoints(service.name, service.visibility, app, rack.rack, stack.parameters, served),
    ...(service.domains && service.domains.length > 0 ? { domains: service.domains.map((host) => domainEndpoint(host, served)) } : {}),
    ports: service.port ? [{ listener: LISTENER_PORT, container: service.port }] : [],
    ...(service.nlb && service.nlb.length > 0
      ? { nlb: service.nlb.map((port) => ({ host: stack.outputs[nlbIds(port.scheme).dnsOutput] ?? "", port: port.port, container: port.containerPort, protocol: port.protocol, scheme: port.scheme })) }
      : {}),
  }));
}

function domainEndpoint(host: string, served: (host: string) => boolean): DeployedEndpoint {
  return served(host) ? { kind: "external", url: `https://${host}` } : { kind: "external", url: null, pendingCertificate: true, host };
}
