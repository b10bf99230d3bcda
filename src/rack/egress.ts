import { INTERFACE_ENDPOINTS } from "./vpc-endpoints.js";
import type { NatGatewaysValue, RackParams } from "./params.js";

/**
 * How a rack's private subnets reach out, from its parameters alone (the template's
 * conditions say the same: src/templates/rack-parameters.ts). Pure.
 */

/** racknet makes the VPC, subnets, gateways and routes (no ExistingVpc). */
export function ownsNetwork(params: Readonly<RackParams>): boolean {
  return params.ExistingVpc === "";
}

/** Private subnets racknet made: they get route tables, NAT gateways by NatGateways, and the S3 gateway endpoint. */
export function ownsPrivateNetwork(params: Readonly<RackParams>): boolean {
  return params.Private === "Yes" && ownsNetwork(params);
}

export function natGatewaysValue(params: Readonly<RackParams>): NatGatewaysValue {
  return params.NatGateways === "One" || params.NatGateways === "None" ? params.NatGateways : "PerZone";
}

/** NAT gateways the rack has across `azCount` zones: one per zone, one, or none. */
export function natGatewayCount(params: Readonly<RackParams>, azCount: number): number {
  if (!ownsPrivateNetwork(params)) return 0;
  return { PerZone: azCount, One: 1, None: 0 }[natGatewaysValue(params)];
}

/** The zones that get a NAT gateway: every zone, the first, or none. */
export function natZones(params: Readonly<RackParams>, zones: readonly string[]): string[] {
  return zones.slice(0, natGatewayCount(params, zones.length));
}

/** Interface endpoints (VpcEndpoints=Yes on a rack with private subnets), each with an interface in every zone. */
export function interfaceEndpointCount(params: Readonly<RackParams>): number {
  return params.VpcEndpoints === "Yes" && params.Private === "Yes" ? INTERFACE_ENDPOINTS.length : 0;
}

/** The S3 gateway endpoint: every private rack in a VPC racknet made. */
export function hasS3GatewayEndpoint(params: Readonly<RackParams>): boolean {
  return ownsPrivateNetwork(params);
}
