import { externalHost, internalHost, linkVariable, routerHost } from "../names/index.js";
import { endpointKinds, visibility, type EndpointKind, type Manifest, type Service, type ServicePort, type Visibility } from "./model.js";

/**
 * What a deploy exposes, service by service: how it is reached, at which HTTPS names, on
 * which ports, and the `<NAME>_URL` variables its links give it. Pure: `manifest check`
 * prints it offline, `services` prints it for a deployed app.
 */

export interface ExposureContext {
  app: string;
  rack: string;
  /**
   * The rack's Domain. Without one, external names read `<service>.<app>.<Domain>` and are
   * marked `needsDomain`: the name is only known once the rack has a Domain.
   */
  domain?: string;
}

/** Stands for the rack's Domain when it has none. */
export const DOMAIN_PLACEHOLDER = "<Domain>";

/** Load balancers answer HTTPS on 443 whatever the container's port. */
export const LISTENER_PORT = 443;

export interface Endpoint {
  kind: EndpointKind;
  host: string;
  url: string;
  /** True when the host contains DOMAIN_PLACEHOLDER (an external endpoint on a rack without Domain). */
  needsDomain: boolean;
}

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
    ports: service.port ? `${LISTENER_PORT}:${service.port.port}${service.port.scheme === "https" ? " (https)" : ""}` : "",
    endpoints: serviceEndpoints(service, context),
    links: linkVariables(service, byName, context),
  }));
}

/** The service's endpoints, most private first. */
export function serviceEndpoints(service: Service, context: ExposureContext): Endpoint[] {
  return endpointKinds(service).map((kind) => endpoint(kind, service.name, context));
}

export function endpoint(kind: EndpointKind, service: string, context: ExposureContext): Endpoint {
  const domain = context.domain || DOMAIN_PLACEHOLDER;
  const host =
    kind === "internal" ? internalHost(service, context.app, context.rack) : kind === "router" ? routerHost(service, context.app, context.rack) : externalHost(service, context.app, domain);
  return { kind, host, url: `https://${host}`, needsDomain: kind === "external" && !context.domain };
}

/** The `<NAME>_URL` of each link whose target has an endpoint; links to unknown or portless services give none. */
export function linkVariables(service: Service, services: ReadonlyMap<string, Service>, context: ExposureContext): LinkVariable[] {
  return service.links.flatMap((link) => {
    const target = services.get(link);
    const [mostPrivate] = target ? serviceEndpoints(target, context) : [];
    if (!mostPrivate) return [];
    return [{ name: linkVariable(link), target: link, kind: mostPrivate.kind, value: mostPrivate.url, needsDomain: mostPrivate.needsDomain }];
  });
}
