/**
 * How a service is exposed, in terms of the rack's load balancers:
 * - `external`: the external load balancer (a port, no flag);
 * - `internal`: the internal load balancer only (`internal: true`);
 * - `internal-and-external`: both (`internalAndExternal: true`);
 * - `internal-router`: the rack-to-rack internal router (`internalRouter: true`);
 * - `private`: no port, reachable only on the private network.
 * The rack's rules (which parameter takes which load balancer away) speak of these.
 */
export type Visibility = "external" | "internal" | "internal-and-external" | "internal-router" | "private";
