import type { RackParams } from "../rack/params.js";

/**
 * Who can reach what, before and after a change: the small model the broadening
 * classifier compares. The lead maps the rack parameters and the apps' services onto it.
 */

/** The same words as the manifest's `visibility(service)`. */
export type ServiceReach = "external" | "internal" | "internal-and-external" | "internal-router" | "private";

export interface ExposedService {
  name: string;
  reach: ServiceReach;
  /** Its tasks get public IPv4 addresses (a public rack). */
  publicIp: boolean;
  /** CIDRs allowed to reach its endpoints; absent: whoever its load balancers admit. */
  whitelist?: readonly string[];
}

export interface ExposedApp {
  name: string;
  services: readonly ExposedService[];
  /** ECS Exec is on (`Exec=Yes`): whoever may call ecs:ExecuteCommand gets a shell in its tasks. */
  exec?: boolean;
}

export interface ExposureModel {
  /** The rack's parameters; absent when the rack does not exist yet (install). */
  rack?: Readonly<RackParams>;
  /** The apps that exist (before) or will (after); an app missing before is being created. */
  apps: readonly ExposedApp[];
}

export type WideningKind = "service-reach" | "public-ip" | "whitelist" | "router-cidrs" | "router-vpcs" | "internal-only" | "private" | "security-group" | "exec";

/** One change that widens who can reach something that already exists. */
export interface Widening {
  kind: WideningKind;
  /** What widens: `shop/web`, `rack`, a logical id. */
  subject: string;
  sentence: string;
}
