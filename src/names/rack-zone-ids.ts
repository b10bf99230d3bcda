/**
 * The rack template's logical ids of each availability zone's resources, in one place: the
 * template (src/templates/) builds them and the plan's words (src/plan/egress-notes.ts) name
 * the NAT gateways a change removes by them. Pure.
 */

/** Availability zones by index: the first two always exist, the third under HasThreeAzs. */
export const AZ_INDEXES = [0, 1, 2] as const;
export type AzIndex = (typeof AZ_INDEXES)[number];

/** Ids per AZ are numbered from 1, as people count zones. */
export const AzResource = {
  publicSubnet: (az: AzIndex) => `PublicSubnet${az + 1}`,
  publicSubnetRoutes: (az: AzIndex) => `PublicSubnet${az + 1}Routes`,
  privateSubnet: (az: AzIndex) => `PrivateSubnet${az + 1}`,
  privateSubnetRoutes: (az: AzIndex) => `PrivateSubnet${az + 1}Routes`,
  privateRouteTable: (az: AzIndex) => `PrivateRouteTable${az + 1}`,
  privateDefaultRoute: (az: AzIndex) => `PrivateDefaultRoute${az + 1}`,
  natAddress: (az: AzIndex) => `NatAddress${az + 1}`,
  natGateway: (az: AzIndex) => `NatGateway${az + 1}`,
} as const;
