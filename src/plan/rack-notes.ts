import { blocksOverlap, isPublicRange, parseCidr } from "../rack/cidr.js";
import type { ParamChange, ParamName, RackParams } from "../rack/params.js";
import { natGatewayCount } from "../rack/egress.js";
import { natGatewaysNotes, vpcEndpointsNotes, type EgressFacts } from "./egress-notes.js";
import { rackZoneName, routerZoneName } from "../names/index.js";
import { natCostPhrase, natCreatedSentence, natNoun } from "./nat-cost.js";

/**
 * What a change of rack parameters means, in words. The caller adds these to the
 * plan: a change set on the rack's own template (UsePreviousTemplate) often lists
 * its resource changes poorly (moto lists none), and these sentences say the
 * same thing from the parameters alone.
 */
export function rackParameterNotes(changes: readonly ParamChange[], azCount: number, region: string, rack = "RACK", facts: EgressFacts = {}): string[] {
  return changes.flatMap((change) => DESCRIBE[change.name](change, azCount, region, rack, facts));
}

/** `rack` is the rack's name: the notes name its zones as they will be, not a placeholder. */
type Describe = (change: ParamChange, azCount: number, region: string, rack: string, facts: EgressFacts) => string[];

const ON = new Set(["Yes", "true"]);

const DESCRIBE: Readonly<Record<ParamName, Describe>> = {
  Private: (change, azCount, region, _rack, facts) => {
    if (facts.params && facts.params.ExistingVpc !== "") return [];
    const nats = natGatewayCount(facts.params ? { ...facts.params, Private: "Yes" } : ({ Private: "Yes", ExistingVpc: "", NatGateways: "PerZone" } as RackParams), azCount);
    return ON.has(change.to)
      ? [
          ...(nats > 0 ? [natCreatedSentence(nats, region)] : []),
          nats > 0
            ? "services run in the private subnets, without public IPs; their outbound traffic leaves through the NAT gateways' Elastic IPs"
            : "services run in the private subnets, without public IPs and without a way to the internet (NatGateways=None)",
        ]
      : [
          "services move back to the public subnets, with public IPs",
          ...(nats > 0 ? [`then the ${natNoun(nats)} and their Elastic IPs are released, last (saving ${natCostPhrase(nats, region)})`] : []),
          "the S3 gateway endpoint goes with the private route tables",
        ];
  },
  NatGateways: (change, azCount, region, _rack, facts) => (facts.params && facts.params.Private !== "Yes" ? [] : natGatewaysNotes(change, azCount, region, facts)),
  VpcEndpoints: (change, azCount, region, _rack, facts) => vpcEndpointsNotes(change, azCount, region, facts),
  ExistingVpc: (change) =>
    change.to === ""
      ? []
      : [`the rack goes into ${change.to}: racknet creates no VPC, subnet, internet or NAT gateway, route or S3 gateway endpoint there, and uninstall leaves them as they were`],
  ExistingPublicSubnets: (change) => (change.to === "" ? [] : [`the external load balancer uses ${listOr(change.to, "")}`]),
  ExistingPrivateSubnets: (change) =>
    change.to === "" ? [] : [`services, internal load balancers and builds run in ${listOr(change.to, "")}, without public IPs; their way out is the VPC's own (NAT, transit gateway or endpoints)`],
  Internal: (change, _azCount, _region, rack) =>
    ON.has(change.to)
      ? ["an internal load balancer will be created, reachable only from inside the VPC on 80 and 443 (80 redirects to 443)"]
      : [`the internal load balancer will be deleted: internal services lose their <service>.<app>.${rackZoneName(rack)} names`],
  InternalOnly: (change) =>
    ON.has(change.to)
      ? ["the external load balancer will be deleted: nothing on the rack is reachable from the internet"]
      : ["an external load balancer will be created: external services become reachable from the internet"],
  internal_router: (change, _azCount, _region, rack) =>
    ON.has(change.to)
      ? [`an internal router load balancer will be created for rack-to-rack traffic over VPC peering, with a private zone ${routerZoneName(rack)}`]
      : ["the internal router load balancer and its private zone will be deleted: peered racks lose the router names"],
  internal_router_cidrs: (change) => [
    `the internal router will accept traffic from ${listOr(change.to, "the VPC CIDR")} (was ${listOr(change.from, "the VPC CIDR")})`,
    ...publicPeers(change.to),
  ],
  internal_router_vpcs: (change) => [
    `the router names will resolve in ${listOr(change.to, "the rack's VPC only")} (was ${listOr(change.from, "the rack's VPC only")})`,
  ],
  Domain: (change) =>
    change.to === ""
      ? [`external services stop answering at <service>.<app>.${change.from}`]
      : [`external services will answer at <service>.<app>.${change.to}`],
  HostedZoneId: (change) =>
    change.to === ""
      ? [`racknet stops writing records in zone ${change.from}: the certificates and service names of new apps are printed for you to create`]
      : [`racknet will write the certificate validation and service records of external services in zone ${change.to}`],
  VPCCIDR: (change, _azCount, _region, _rack, facts) => (facts.params && facts.params.ExistingVpc !== "" ? [] : [`the VPC will use ${change.to}`, ...vpcCidrWarnings(change.to)]),
  TransitGatewayId: (change) =>
    change.to === ""
      ? [`the rack's attachment to transit gateway ${change.from} is deleted, with its routes: the ranges behind it are no longer reachable from the rack`]
      : [
          `the rack's private subnets are attached to transit gateway ${change.to} (racknet creates no transit gateway); the gateway's owner may have to accept the attachment, and its route tables decide what the rack reaches`,
          "a transit gateway attachment is charged per hour to the VPC's account (about $0.05 an hour in us-east-1), and every GB it carries is charged for data processing (https://aws.amazon.com/transit-gateway/pricing/)",
        ],
  TransitGatewayCidrs: (change) =>
    change.to === ""
      ? []
      : [`traffic to ${listOr(change.to, "")} goes through the transit gateway from every route table of the rack, and the internal router admits those ranges (was ${listOr(change.from, "none")})`, ...publicPeers(change.to)],
  BuildInstance: (change) => [`builds of \`build:\` services will run on ${change.to} (was ${change.from}); a build already running keeps its machine`],
  LoadBalancerIdleTimeout: (change) => [
    `the rack's HTTPS load balancers will close a connection idle for ${change.to} s (was ${change.from} s); a \`port:\` service's \`timeout\` may be up to ${change.to}`,
  ],
};

/** Said wherever a rack gets private subnets of its own. */
export const S3_ENDPOINT_NOTE = "a free S3 gateway endpoint on every private route table: image layers, build sources and templates reach S3 without crossing a NAT gateway (no charge per hour or per GB)";

/** Entries outside the private ranges: accepted, but never silently (they are also listed under "widens exposure"). */
function publicPeers(list: string): string[] {
  const outside = list.split(",").map((item) => item.trim()).filter((item) => item !== "" && isPublicRange(item));
  return outside.length === 0 ? [] : [`${outside.join(", ")} ${outside.length === 1 ? "is" : "are"} outside the private ranges: anything routed to the VPC from there reaches the internal router`];
}

const DOCKER_BRIDGE = parseCidr("172.17.0.0/16");

/**
 * What AWS allows in a VPC but advises against (VPC User Guide, "VPC CIDR blocks"): a
 * publicly routable range, and 172.17.0.0/16, which some AWS services use.
 */
export function vpcCidrWarnings(cidr: string): string[] {
  const block = parseCidr(cidr);
  if (!block) return [];
  const warnings: string[] = [];
  if (isPublicRange(cidr)) warnings.push(`${cidr} is publicly routable (outside RFC 1918): hosts on the internet with those addresses cannot be reached from the rack; AWS recommends a private range`);
  if (DOCKER_BRIDGE && blocksOverlap(block, DOCKER_BRIDGE)) warnings.push(`${cidr} overlaps 172.17.0.0/16, which some AWS services use (AWS Cloud9, SageMaker AI): AWS advises against it`);
  return warnings;
}

function listOr(value: string, empty: string): string {
  return value.trim() === "" ? empty : value.split(",").join(", ");
}
