import { DOMAIN_PLACEHOLDER, LISTENER_PORT, endpointName, linkVariable, type EndpointName } from "../names/index.js";
import { mostPrivate } from "../rack/load-balancers.js";
import { endpointKinds, visibility, type EndpointKind, type Manifest, type Service, type ServicePort, type Visibility } from "./model.js";

/**
 * What a deploy exposes, service by service: how it is reached, at which HTTPS names, on
 * which ports, and the `<NAME>_URL` variables its links give it. Pure: `manifest check`
 * prints it offline, `services` prints it for a deployed app.
 */

export { DOMAIN_PLACEHOLDER, LISTENER_PORT };

export interface ExposureContext {
  app: string;
  rack: string;
  /**
   * The rack's Domain. Without one, external names read `<service>.<app>.<Domain>` and are
   * marked `needsDomain`: the name is only known once the rack has a Domain.
   */
  domain?: string;
}

export type Endpoint = EndpointName;

export interface LinkVariable {
  /** `API_URL` */
  name: string;
  /** The linked service. */
  target: string;
  /** Which of the target's endpoints: the most private one it has (internal, then router, then external). */
  kind: EndpointKind;
  value: string;
  needsDomain: boolean;
}

export interface ServiceExposure {
  service: string;
  visibility: Visibility;
  port?: ServicePort;
  /** `443:3000`, or `443:3000 (https)` when the container speaks HTTPS; empty for a private service. */
  ports: string;
  endpoints: Endpoint[];
  links: LinkVariable[];
}

export function exposureSummary(manifest: Manifest, context: ExposureContext): ServiceExposure[] {
  const byName = new Map(manifest.services.map((service) => [service.name, service]));
  return manifest.services.map((service) => ({
    service: service.name,
    visibility: visibility(service),
    ...(service.port ? { port: service.port } : {}),
    ports: [
      ...(service.port ? [`${LISTENER_PORT}:${service.port.port}${service.port.scheme === "https" ? " (https)" : ""}`] : []),
      // Listeners of the app's network load balancers: `5432:5432 (tcp, internal nlb)`.
      ...service.nlb.map((port) => `${port.port}:${port.containerPort} (${port.protocol}, ${port.scheme} nlb)`),
    ].join(" "),
    endpoints: serviceEndpoints(service, context),
    links: linkVariables(service, byName, context),
  }));
}

/** The service's endpoints, most private first. */
export function serviceEndpoints(service: Service, context: ExposureContext): Endpoint[] {
  return endpointKinds(service).map((kind) => endpoint(kind, service.name, context));
}

export function endpoint(kind: EndpointKind, service: string, context: ExposureContext): Endpoint {
  return endpointName(kind, service, context.app, context.rack, context.domain);
}

/** The `<NAME>_URL` of each link whose target has an endpoint; links to unknown or portless services give none. */
export function linkVariables(service: Service, services: ReadonlyMap<string, Service>, context: ExposureContext): LinkVariable[] {
  return service.links.flatMap((link) => {
    const target = services.get(link);
    const kind = target ? mostPrivate(endpointKinds(target)) : undefined;
    if (!kind) return [];
    const { url, needsDomain } = endpoint(kind, link, context);
    return [{ name: linkVariable(link), target: link, kind, value: url, needsDomain }];
  });
}
