import { iff, ref, select, split, type Json, type Resource, type TemplateFragment } from "./cfn.js";
import { LIST_SLOTS, RackCondition, RackResource, rackTags, transitGatewayCidrCondition, type ListSlot } from "./rack-ids.js";
import { AZ_INDEXES, AzResource, type AzIndex } from "../names/rack-zone-ids.js";
import { RackParameter } from "../names/rack-parameters.js";
import { webIngress } from "./rack-balancers.js";

/**
 * TransitGatewayId (docs/peering.md, "Transit gateway"): the rack's VPC attached to a transit
 * gateway a network team already runs (racknet never creates one), in the rack's private
 * subnets, one per zone, as AWS asks ("you must specify one subnet from each Availability
 * Zone", https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html); a route to
 * each range of TransitGatewayCidrs through it in every route table of the rack, public and
 * private; and, with the internal router, a second security group on the router admitting
 * those ranges on 80 and 443 (the router's own list, internal_router_cidrs, is left as the
 * user set it).
 *
 * Each range is a list slot under a condition, as the router lists are; a range keeps its slot
 * (src/rack/params.ts refuses a change that moves one), so a route is never made again while
 * its old self still holds the range.
 */

function cidrAt(slot: ListSlot): Json {
  return select(slot - 1, split(",", ref(RackParameter.TransitGatewayCidrs)));
}

/** The route tables of the rack's own network: the public one and each zone's private one. */
function routeTables(): { logicalId: string; third: boolean }[] {
  return [{ logicalId: RackResource.PublicRouteTable, third: false }, ...AZ_INDEXES.map((az: AzIndex) => ({ logicalId: AzResource.privateRouteTable(az), third: az === 2 }))];
}

/** `TransitGatewayRoute1FromPrivateRouteTable2`: slot 1's range in the second zone's private table. */
export function transitGatewayRouteId(slot: ListSlot, routeTable: string): string {
  return `TransitGatewayRoute${slot}From${routeTable}`;
}

function routes(): Record<string, Resource> {
  const resources: Record<string, Resource> = {};
  for (const slot of LIST_SLOTS) {
    for (const table of routeTables()) {
      resources[transitGatewayRouteId(slot, table.logicalId)] = {
        Type: "AWS::EC2::Route",
        Condition: transitGatewayCidrCondition(slot, table.third ? "third" : "any"),
        // EC2 refuses a route to a transit gateway the VPC is not attached to yet.
        DependsOn: RackResource.TransitGatewayAttachment,
        Properties: { RouteTableId: ref(table.logicalId), DestinationCidrBlock: cidrAt(slot), TransitGatewayId: ref(RackParameter.TransitGatewayId) },
      };
    }
  }
  return resources;
}

/** The router's clients behind the gateway: the whole list chosen by its length, as the router's own ingress. */
function routerClients(): Json {
  const entry = (slot: ListSlot) => webIngress(cidrAt(slot), "router clients behind the transit gateway");
  let chosen: Json = [];
  for (const count of LIST_SLOTS) chosen = iff(transitGatewayCidrCondition(count), LIST_SLOTS.filter((slot) => slot <= count).flatMap(entry), chosen);
  return chosen;
}

export function transitGatewayFragment(): TemplateFragment {
  return {
    Resources: {
      [RackResource.TransitGatewayAttachment]: {
        Type: "AWS::EC2::TransitGatewayAttachment",
        Condition: RackCondition.TransitGateway,
        Properties: {
          TransitGatewayId: ref(RackParameter.TransitGatewayId),
          VpcId: ref(RackResource.Vpc),
          SubnetIds: iff(RackCondition.TransitGatewayThirdAz, [ref(AzResource.privateSubnet(0)), ref(AzResource.privateSubnet(1)), ref(AzResource.privateSubnet(2))], [ref(AzResource.privateSubnet(0)), ref(AzResource.privateSubnet(1))]),
          Tags: rackTags("transit-gateway"),
        },
      },
      [RackResource.RouterTransitGatewaySecurityGroup]: {
        Type: "AWS::EC2::SecurityGroup",
        Condition: RackCondition.TransitGatewayRouter,
        Properties: {
          GroupDescription: "racknet internal router: clients behind the transit gateway",
          VpcId: ref(RackResource.Vpc),
          SecurityGroupIngress: routerClients(),
          Tags: rackTags("router-transit-gateway"),
        },
      },
      ...routes(),
    },
    Outputs: {
      TransitGatewayAttachmentId: {
        Condition: RackCondition.TransitGateway,
        Description: "the rack's attachment to TransitGatewayId",
        Value: ref(RackResource.TransitGatewayAttachment),
      },
    },
  };
}

