import { cents } from "../cost/lines.js";
import { noPricesMessage, pricesFor } from "../cost/prices.js";
import { INTERFACE_ENDPOINTS } from "../rack/vpc-endpoints.js";
import { natGatewayCount } from "../rack/egress.js";
import type { ParamChange, RackParams } from "../rack/params.js";
import type { DestroyItem } from "./model.js";
import { AzResource, type AzIndex } from "../names/rack-zone-ids.js";

/**
 * What NatGateways and VpcEndpoints changes mean, in words and in dollars (docs/egress.md):
 * the saving and the availability given up, what stops working without a NAT gateway, and
 * at what traffic the endpoints pay for themselves. Pure.
 */

export interface EgressFacts {
  /** The rack's parameters after the change. */
  params?: Readonly<RackParams>;
  /** Before it; absent at install, where nothing exists yet. */
  before?: Readonly<RackParams>;
  /** The zones, in order: the first one keeps the NAT gateway under NatGateways=One. */
  zones?: readonly string[];
}

/** USD a month for one NAT gateway and its Elastic IP (a public IPv4 address), or undefined without prices. */
function natAndAddressMonthly(region: string): number | undefined {
  const prices = pricesFor(region);
  return prices ? (prices.regional.natGatewayHour + prices.global.publicIpv4Hour) * prices.hoursPerMonth : undefined;
}

function dollars(amount: number): string {
  return `$${cents(amount).toFixed(2)}`;
}

function firstZone(facts: EgressFacts): string {
  return facts.zones?.[0] ?? "the first zone";
}

export function natGatewaysNotes(change: ParamChange, azCount: number, region: string, facts: EgressFacts): string[] {
  const after = facts.params ? natGatewayCount(facts.params, azCount) : 0;
  const before = facts.before ? natGatewayCount(facts.before, azCount) : after;
  const each = natAndAddressMonthly(region);
  const money = (count: number) => (each === undefined ? noPricesMessage(region) : `about ${dollars(count * each)}/month`);
  const prices = pricesFor(region);
  const notes: string[] = [];
  if (after < before) notes.push(`${before - after} NAT gateway(s) and their Elastic IPs will be released, last, once every private route has moved: saving ${money(before - after)}`);
  if (after > before) notes.push(`${after - before} NAT gateway(s) with an Elastic IP each will be created first, then the private routes move to them: ${money(after - before)} more`);
  switch (change.to) {
    case "One":
      notes.push(
        `the private subnets of every zone go out through one NAT gateway, in ${firstZone(facts)}: an outage of ${firstZone(facts)} stops the outbound traffic of every zone (a narrowing of availability, approved like a destroy)`,
        `traffic from the other zones crosses to it${prices ? ` at $${prices.regional.interAzGb}/GB each way` : ""}, on top of the NAT gateway's $${prices?.regional.natGatewayGb ?? "?"}/GB`,
      );
      break;
    case "None":
      notes.push(
        `the private subnets will have no way to the internet: any call outside AWS stops working (package registries, Docker Hub, third-party APIs, webhooks, builds that download anything); only S3 and the endpoints' services (${INTERFACE_ENDPOINTS.map((endpoint) => endpoint.service).join(", ")}) answer`,
      );
      break;
    case "PerZone":
      notes.push("each zone's private subnets go out through their own zone's NAT gateway again");
      break;
  }
  if (facts.before?.Private === "Yes") notes.push("no subnet is replaced and no task moves: only the private routes' target changes, in place");
  return notes;
}

/**
 * The traffic, in GB a month, above which the endpoints cost less than sending that
 * traffic through NAT gateways: their hourly cost over what each GB saves.
 */
export function endpointsBreakEvenGb(azCount: number, region: string): number | undefined {
  const prices = pricesFor(region);
  if (!prices) return undefined;
  const { vpcEndpointHour, vpcEndpointGb, natGatewayGb } = prices.regional;
  const saved = natGatewayGb - vpcEndpointGb;
  const monthly = INTERFACE_ENDPOINTS.length * azCount * vpcEndpointHour * prices.hoursPerMonth;
  return saved > 0 ? Math.ceil(monthly / saved) : undefined;
}

export function vpcEndpointsNotes(change: ParamChange, azCount: number, region: string, facts: EgressFacts): string[] {
  const services = INTERFACE_ENDPOINTS.map((endpoint) => endpoint.service).join(", ");
  if (change.to !== "Yes") {
    const stillNone = facts.params?.NatGateways === "None";
    return [`the ${INTERFACE_ENDPOINTS.length} interface endpoints (${services}) will be deleted: that traffic goes through the NAT gateways again${stillNone ? "" : ", at their per-GB price"}`];
  }
  const prices = pricesFor(region);
  if (!prices) return [`${INTERFACE_ENDPOINTS.length} interface endpoints (${services}) in every private subnet, private DNS on, HTTPS from the VPC only: ${noPricesMessage(region)}`];
  const { vpcEndpointHour, vpcEndpointGb, natGatewayGb } = prices.regional;
  const monthly = INTERFACE_ENDPOINTS.length * azCount * vpcEndpointHour * prices.hoursPerMonth;
  const notes = [
    `${INTERFACE_ENDPOINTS.length} interface endpoints (${services}) in every private subnet (${azCount} zones), private DNS on, HTTPS from the VPC only: about ${dollars(monthly)}/month ($${vpcEndpointHour} per endpoint per zone-hour) plus $${vpcEndpointGb}/GB processed`,
  ];
  const breakEven = endpointsBreakEvenGb(azCount, region);
  const hasNat = facts.params ? natGatewayCount(facts.params, azCount) > 0 : true;
  if (hasNat && breakEven !== undefined) {
    notes.push(`traffic to those services then skips the NAT gateways ($${natGatewayGb}/GB): the endpoints pay for themselves above about ${breakEven.toLocaleString("en-US")} GB a month of it`);
  }
  return notes;
}

/**
 * The NAT gateways a NatGateways change removes, as the plan's "destroys or replaces" items:
 * One narrows every zone's way out to the first zone's, None removes it. Known from the
 * parameters, so the approval does not depend on how the change set lists them.
 */
export function natRemovals(changes: readonly ParamChange[], azCount: number, facts: EgressFacts): DestroyItem[] {
  const { params, before: was } = facts;
  if (!changes.some((change) => change.name === "NatGateways") || !params || !was || params.Private !== "Yes") return [];
  const before = natGatewayCount(was, azCount);
  const after = natGatewayCount(params, azCount);
  const zone = firstZone(facts);
  const items: DestroyItem[] = [];
  for (let index = after; index < before; index += 1) {
    const zoneName = facts.zones?.[index] ?? `zone ${index + 1}`;
    const consequence =
      after === 0
        ? "the private subnets lose their way to the internet: any call outside AWS's endpoint services stops working"
        : `the private subnets of ${zoneName} go out through the NAT gateway in ${zone}, and an outage of ${zone} stops the outbound traffic of every zone`;
    items.push({
      logicalId: AzResource.natGateway(index as AzIndex),
      resourceType: "AWS::EC2::NatGateway",
      noun: "NAT gateway",
      holds: "running work",
      action: "delete",
      sentence: `NAT gateway ${AzResource.natGateway(index as AzIndex)} will be deleted: ${consequence}`,
    });
  }
  return items;
}
