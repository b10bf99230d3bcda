/**
 * The rack's load balancers, one entry per kind of endpoint: which rack parameter provides
 * it, the rack outputs an app uses to reach it, and the service visibilities served by it.
 * The one home of these facts: the manifest rules, the rack-change rules (app-rules.ts),
 * the app template and the AWS code read them from here. Pure.
 */
import type { EndpointKind } from "../names/index.js";
import type { ParamName, RackParams } from "./params.js";
import { RackOutput, type RackOutputName } from "../names/rack-outputs.js";

export type { EndpointKind } from "../names/index.js";

/** ALB: a host-header condition value is at most 128 characters (docs/aws-limits.md, "Load balancers"). */
export const HOST_CONDITION_MAX = 128;

/**
 * How a service is exposed:
 * - `external`: the external load balancer (a port, no flag);
 * - `internal`: the internal load balancer only (`internal: true`);
 * - `internal-and-external`: both (`internalAndExternal: true`);
 * - `internal-router`: the rack-to-rack internal router (`internalRouter: true`);
 * - `private`: no port, reachable only on the private network.
 */
export type Visibility = "external" | "internal" | "internal-and-external" | "internal-router" | "private";

/** The load balancers serving each visibility, most private first. */
export const VISIBILITY_KINDS: Readonly<Record<Visibility, readonly EndpointKind[]>> = {
  "internal-router": ["router"],
  "internal-and-external": ["internal", "external"],
  internal: ["internal"],
  external: ["external"],
  private: [],
};

/** Internal, then the internal router, then external: a link gets the first its target has. */
export const MOST_PRIVATE_FIRST: readonly EndpointKind[] = ["internal", "router", "external"];

/** The most private of these kinds, or undefined for none. */
export function mostPrivate(kinds: readonly EndpointKind[]): EndpointKind | undefined {
  return MOST_PRIVATE_FIRST.find((kind) => kinds.includes(kind));
}

/** The names of the rack outputs (and app-stack parameters) that describe one load balancer. */
export interface LoadBalancerOutputs {
  listener: RackOutputName;
  securityGroup: RackOutputName;
  dns: RackOutputName;
  zoneId: RackOutputName;
  /** The private hosted zone its names live in; external names get no record (racknet owns no public zone). */
  hostedZone?: RackOutputName;
}

export interface LoadBalancerKind {
  kind: EndpointKind;
  /** "the internal load balancer" */
  title: string;
  /** The rack parameter that takes it away or gives it. */
  param: Extract<ParamName, "Internal" | "InternalOnly" | "internal_router">;
  /** True when a rack with these parameters has this load balancer. */
  provides(params: RackParams): boolean;
  /** Why it is missing, e.g. `Internal=No`. */
  absentBecause: string;
  /** The command that gives the rack this load balancer. */
  enable: string;
  outputs: LoadBalancerOutputs;
  visibilities: readonly Visibility[];
}

const visibilitiesServedBy = (kind: EndpointKind): Visibility[] =>
  (Object.keys(VISIBILITY_KINDS) as Visibility[]).filter((visibility) => VISIBILITY_KINDS[visibility].includes(kind));

export const LOAD_BALANCERS: Readonly<Record<EndpointKind, LoadBalancerKind>> = {
  external: {
    kind: "external",
    title: "the external load balancer",
    param: "InternalOnly",
    provides: (params) => params.InternalOnly !== "Yes",
    absentBecause: "InternalOnly=Yes",
    enable: "racknet rack params set InternalOnly=No",
    outputs: { listener: RackOutput.ExternalListener, securityGroup: RackOutput.ExternalLoadBalancerSecurityGroup, dns: RackOutput.ExternalLoadBalancerDns, zoneId: RackOutput.ExternalLoadBalancerZoneId },
    visibilities: visibilitiesServedBy("external"),
  },
  internal: {
    kind: "internal",
    title: "the internal load balancer",
    param: "Internal",
    provides: (params) => params.Internal === "Yes",
    absentBecause: "Internal=No",
    enable: "racknet rack params set Internal=Yes",
    outputs: {
      listener: RackOutput.InternalListener,
      securityGroup: RackOutput.InternalLoadBalancerSecurityGroup,
      dns: RackOutput.InternalLoadBalancerDns,
      zoneId: RackOutput.InternalLoadBalancerZoneId,
      hostedZone: RackOutput.RackZoneId,
    },
    visibilities: visibilitiesServedBy("internal"),
  },
  router: {
    kind: "router",
    title: "the internal router",
    param: "internal_router",
    provides: (params) => params.internal_router === "true",
    absentBecause: "internal_router=false",
    enable: "racknet rack params set internal_router=true",
    outputs: {
      listener: RackOutput.RouterListener,
      securityGroup: RackOutput.RouterLoadBalancerSecurityGroup,
      dns: RackOutput.RouterLoadBalancerDns,
      zoneId: RackOutput.RouterLoadBalancerZoneId,
      hostedZone: RackOutput.RouterZoneId,
    },
    visibilities: visibilitiesServedBy("router"),
  },
};

export const ENDPOINT_KINDS: readonly EndpointKind[] = ["external", "internal", "router"];

/** The load balancers a rack with these parameters lacks for a service of this visibility. */
export function missingLoadBalancers(visibility: Visibility, params: RackParams): LoadBalancerKind[] {
  return VISIBILITY_KINDS[visibility].map((kind) => LOAD_BALANCERS[kind]).filter((balancer) => !balancer.provides(params));
}
