import { ref, sub, tags, type Json } from "./cfn.js";
import { RACK_TAG } from "../names/index.js";
import { S3_GATEWAY_ENDPOINT_ID } from "../rack/vpc-endpoints.js";

/**
 * Logical ids and condition names of the rack template, shared by its pieces and by
 * the fragments other modules merge into it (they reference the VPC, the zones, ...).
 */

export const RackCondition = {
  Private: "IsPrivate",
  ThreeAzs: "HasThreeAzs",
  External: "HasExternalBalancer",
  Internal: "HasInternalBalancer",
  Router: "HasRouter",
  /** The listener carries the certificate of the apps' wildcard names (see balancers). */
  InternalAppsCertificate: "HasInternalAppsCertificate",
  RouterAppsCertificate: "HasRouterAppsCertificate",
  /** ExistingVpc is given: racknet makes no VPC, subnet, gateway or route (docs/egress.md). */
  ExistingVpc: "InExistingVpc",
  /** racknet makes the VPC, its subnets, gateways and routes. */
  OwnNetwork: "HasOwnNetwork",
  OwnThirdAz: "HasOwnNetworkWithThreeAzs",
  /** racknet makes private subnets, their route tables and the S3 gateway endpoint (Private=Yes in a VPC of its own). */
  OwnPrivateNetwork: "HasOwnPrivateNetwork",
  OwnPrivateThirdAz: "HasOwnPrivateNetworkWithThreeAzs",
  /** At least one NAT gateway (NatGateways PerZone or One), in the first zone. */
  Nat: "HasNatGateway",
  /** A NAT gateway in every zone (NatGateways=PerZone). */
  NatPerZone: "HasNatGatewayPerZone",
  NatPerZoneThirdAz: "HasNatGatewayPerZoneWithThreeAzs",
  NatThirdAz: "HasNatGatewayWithThreeAzs",
  /** VpcEndpoints=Yes: interface endpoints in the private subnets. */
  VpcEndpoints: "HasVpcEndpoints",
  /** TransitGatewayId is given: the attachment in the private subnets (src/templates/rack-transit-gateway.ts). */
  TransitGateway: "HasTransitGateway",
  TransitGatewayThirdAz: "HasTransitGatewayWithThreeAzs",
  /** The router admits the ranges behind the transit gateway. */
  TransitGatewayRouter: "HasTransitGatewayRouter",
} as const;

export const RackResource = {
  Vpc: "Vpc",
  InternetGateway: "InternetGateway",
  InternetGatewayAttachment: "InternetGatewayAttachment",
  PublicRouteTable: "PublicRouteTable",
  NetworkSecurityGroup: "NetworkSecurityGroup",
  Cluster: "Cluster",
  ExecutionRole: "ExecutionRole",
  LogGroup: "LogGroup",
  TemplateBucket: "TemplateBucket",
  TemplateBucketPolicy: "TemplateBucketPolicy",
  RackZone: "RackZone",
  RouterZone: "RouterZone",
  PrivateNetworkZone: "PrivateNetworkZone",
  S3Endpoint: S3_GATEWAY_ENDPOINT_ID,
  EndpointSecurityGroup: "VpcEndpointSecurityGroup",
  TransitGatewayAttachment: "TransitGatewayAttachment",
  RouterTransitGatewaySecurityGroup: "RouterTransitGatewaySecurityGroup",
  /** The template version marker (rack-version.ts). */
  TemplateVersion: "RackTemplateVersion",
} as const;


export type BalancerKind = "External" | "Internal" | "Router";

export function balancerIds(kind: BalancerKind) {
  return {
    balancer: `${kind}Balancer`,
    securityGroup: `${kind}BalancerSecurityGroup`,
    httpListener: `${kind}HttpListener`,
    httpsListener: `${kind}HttpsListener`,
    appsCertificate: `${kind}AppsCertificate`,
  };
}

/** List parameters have this many slots, each its own resource or list entry under a condition. */
export const LIST_SLOTS = [1, 2, 3, 4, 5] as const;
export type ListSlot = (typeof LIST_SLOTS)[number];
export const routerCidrCondition = (slot: ListSlot) => `HasRouterCidr${slot}`;
export const routerVpcCondition = (slot: ListSlot) => `HasRouterVpc${slot}`;
/** `HasTransitGatewayCidr<n>`: the attachment exists and TransitGatewayCidrs has at least n entries (`third`: and the third zone too). */
export const transitGatewayCidrCondition = (slot: ListSlot, zones: "any" | "third" = "any") => `HasTransitGatewayCidr${slot}${zones === "third" ? "WithThreeAzs" : ""}`;

/** `racknet:rack` plus a Name the console shows, e.g. `production-public-1`. */
export function rackTags(name?: string): Json[] {
  return tags({
    ...(name ? { Name: sub(`\${AWS::StackName}-${name}`) } : {}),
    [RACK_TAG]: ref("AWS::StackName"),
  });
}
