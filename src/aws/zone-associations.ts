/**
 * A private hosted zone of one account and a VPC of another (Route 53 API reference,
 * AssociateVPCWithHostedZone: "the AWS account that created the private hosted zone must first
 * submit a CreateVPCAssociationAuthorization request. Then the account that created the VPC must
 * submit an AssociateVPCWithHostedZone request"). CloudFormation has no resource for either.
 * Each call takes the client of the account it must be made in.
 */
import type { Route53Client, VPCRegion } from "@aws-sdk/client-route-53";
import { sdk } from "./sdk.js";

export interface ZoneVpc {
  id: string;
  region: string;
}

const vpcOf = (vpc: ZoneVpc) => ({ VPCId: vpc.id, VPCRegion: vpc.region as VPCRegion });

/** The zone's VPCs as `<region>:vpc-…` (the zone owner's call). */
export async function zoneVpcs(route53: Route53Client, zoneId: string): Promise<string[]> {
  const { GetHostedZoneCommand } = sdk.route53();
  const zone = await route53.send(new GetHostedZoneCommand({ Id: zoneId }));
  return (zone.VPCs ?? []).map((vpc) => `${vpc.VPCRegion ?? ""}:${vpc.VPCId ?? ""}`);
}

/** The VPCs of other accounts the zone's owner has authorized and not withdrawn, as `<region>:vpc-…` (every page). */
export async function zoneAuthorizations(route53: Route53Client, zoneId: string): Promise<string[]> {
  const { ListVPCAssociationAuthorizationsCommand } = sdk.route53();
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await route53.send(new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: zoneId, ...(token ? { NextToken: token } : {}) }));
    found.push(...(page.VPCs ?? []).map((vpc) => `${vpc.VPCRegion ?? ""}:${vpc.VPCId ?? ""}`));
    token = page.NextToken;
  } while (token);
  return found;
}

/** The zone owner lets the VPC's account associate it (idempotent: AWS keeps one authorization per VPC). */
export async function authorizeAssociation(route53: Route53Client, zoneId: string, vpc: ZoneVpc): Promise<void> {
  const { CreateVPCAssociationAuthorizationCommand } = sdk.route53();
  await route53.send(new CreateVPCAssociationAuthorizationCommand({ HostedZoneId: zoneId, VPC: vpcOf(vpc) }));
}

/** The zone owner withdraws the authorization; one already gone is not an error. */
export async function withdrawAuthorization(route53: Route53Client, zoneId: string, vpc: ZoneVpc): Promise<"withdrawn" | "absent"> {
  const { DeleteVPCAssociationAuthorizationCommand } = sdk.route53();
  try {
    await route53.send(new DeleteVPCAssociationAuthorizationCommand({ HostedZoneId: zoneId, VPC: vpcOf(vpc) }));
    return "withdrawn";
  } catch (error) {
    if (error instanceof Error && error.name === "VPCAssociationAuthorizationNotFound") return "absent";
    throw error;
  }
}

/** The VPC's account associates its VPC with the other account's zone (the authorization must exist). */
export async function associateVpc(route53: Route53Client, zoneId: string, vpc: ZoneVpc, comment: string): Promise<void> {
  const { AssociateVPCWithHostedZoneCommand } = sdk.route53();
  await route53.send(new AssociateVPCWithHostedZoneCommand({ HostedZoneId: zoneId, VPC: vpcOf(vpc), Comment: comment }));
}

/** Either account takes the VPC out of the zone; a VPC not associated is not an error. */
export async function disassociateVpc(route53: Route53Client, zoneId: string, vpc: ZoneVpc): Promise<"disassociated" | "absent"> {
  const { DisassociateVPCFromHostedZoneCommand } = sdk.route53();
  try {
    await route53.send(new DisassociateVPCFromHostedZoneCommand({ HostedZoneId: zoneId, VPC: vpcOf(vpc) }));
    return "disassociated";
  } catch (error) {
    if (error instanceof Error && error.name === "VPCAssociationNotFound") return "absent";
    throw error;
  }
}
