/**
 * The rack template's CloudFormation parameter names, in one place: the template declares
 * them, refers to them and reads them back by these constants (CloudFormation allows only
 * letters and digits). The command line's names for the ones a person sets (`Private`,
 * `internal_router`, ...) are in src/rack/params.ts, each mapped to one of these.
 */
export const RackParameter = {
  // set by a person: `racknet rack install`, `rack params set`
  Private: "Private",
  Internal: "Internal",
  InternalOnly: "InternalOnly",
  InternalRouter: "InternalRouter",
  InternalRouterCidrs: "InternalRouterCidrs",
  InternalRouterVpcs: "InternalRouterVpcs",
  Domain: "Domain",
  HostedZoneId: "HostedZoneId",
  VPCCIDR: "VPCCIDR",
  BuildInstance: "BuildInstance",
  NatGateways: "NatGateways",
  VpcEndpoints: "VpcEndpoints",
  ExistingVpc: "ExistingVpc",
  ExistingPublicSubnets: "ExistingPublicSubnets",
  ExistingPrivateSubnets: "ExistingPrivateSubnets",
  TransitGatewayId: "TransitGatewayId",
  TransitGatewayCidrs: "TransitGatewayCidrs",
  LoadBalancerIdleTimeout: "LoadBalancerIdleTimeout",
  // derived by racknet
  AvailabilityZones: "AvailabilityZones",
  AvailabilityZoneCount: "AvailabilityZoneCount",
  SubnetBits: "SubnetBits",
  InternalRouterCidrCount: "InternalRouterCidrCount",
  InternalRouterVpcCount: "InternalRouterVpcCount",
  TransitGatewayCidrCount: "TransitGatewayCidrCount",
  RackCertificateArn: "RackCertificateArn",
  InternalAppsCertificateArn: "InternalAppsCertificateArn",
  RouterAppsCertificateArn: "RouterAppsCertificateArn",
} as const;

export type RackParameterName = (typeof RackParameter)[keyof typeof RackParameter];
