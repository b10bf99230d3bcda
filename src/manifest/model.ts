/**
 * The typed model of a convox.yml, with defaults applied. Produced by the parser
 * (src/manifest/parse.ts), consumed by the rules, the app template and `manifest check`.
 */

export type Scheme = "http" | "https";

export interface ServicePort {
  port: number;
  /** The protocol the container speaks on `port` (the load balancer always speaks HTTPS to clients). */
  scheme: Scheme;
}

import type { Visibility } from "../rack/visibility.js";

export type { Visibility };

export type EndpointKind = "external" | "internal" | "router";

export interface EnvironmentEntry {
  key: string;
  /** Absent for `- LOG_LEVEL` (a value the user sets later); racknet passes it as empty. */
  value?: string;
}

export interface Service {
  name: string;
  image?: string;
  build?: string;
  command?: string;
  port?: ServicePort;
  internal: boolean;
  internalAndExternal: boolean;
  internalRouter: boolean;
  links: string[];
  environment: EnvironmentEntry[];
  /** Desired task count (`scale.count`, default 1). */
  count: number;
  /** `scale.cpu` / `scale.memory` in Fargate units, defaults 256 / 512. */
  cpu: number;
  memory: number;
  /** Health-check path on the service's port (`health` or `health.path`, default `/`). */
  healthPath: string;
  /** `command:` given as a list: the exact argv (then `command` is the same words joined by spaces, for display). */
  commandArgv?: string[];
  /** `health.grace`, `health.interval`, `health.timeout` in seconds (Convox defaults: interval 5, grace = interval, timeout = interval - 1). */
  healthGraceSeconds?: number;
  healthIntervalSeconds?: number;
  healthTimeoutSeconds?: number;
}

/** Where a key sits in the file the user wrote, as the editor shows it (1-based). */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface Manifest {
  /** The file it came from, as the user named it. */
  file: string;
  services: Service[];
  /**
   * Where each key of the file starts, by key path (`services.api.port`, `services.web.links[0]`),
   * so a rule can name the line. Absent for a model built by hand (tests, templates).
   */
  positions?: ReadonlyMap<string, SourcePosition>;
}

export function visibility(service: Service): Visibility {
  if (service.internalRouter) return "internal-router";
  if (service.internalAndExternal) return "internal-and-external";
  if (service.internal) return "internal";
  if (service.port) return "external";
  return "private";
}

/** The load balancers a service is served by, most private first. */
export function endpointKinds(service: Service): EndpointKind[] {
  switch (visibility(service)) {
    case "internal-router":
      return ["router"];
    case "internal-and-external":
      return ["internal", "external"];
    case "internal":
      return ["internal"];
    case "external":
      return ["external"];
    case "private":
      return [];
  }
}

/** True when the service needs the internal ALB (`Internal=Yes`). */
export function isInternal(service: Service): boolean {
  return service.internal || service.internalAndExternal;
}

/** Every environment value the manifest sets: what output must never show (they are often secrets). */
export function environmentValues(manifest: Manifest): string[] {
  return manifest.services.flatMap((service) => service.environment.flatMap((entry) => (entry.value ? [entry.value] : [])));
}
