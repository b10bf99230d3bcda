import { rackZoneName, routerZoneName } from "../names/index.js";
import { blockContains, blocksOverlap, parseCidr } from "./cidr.js";
import { FARGATE_ZONE_IDS } from "./zones.js";
import { INTERFACE_ENDPOINTS } from "./vpc-endpoints.js";
import type { ParamProblem, RackParams } from "./params.js";

/**
 * A VPC the rack is installed into (ExistingVpc), checked before anything is made: every
 * problem at once, each with the command or choice that fixes it. The facts are what EC2 and
 * Route 53 describe (src/aws/vpc.ts); the rules and their sources are in docs/egress.md,
 * "Installing into your VPC". Pure.
 */

export interface SubnetFacts {
  id: string;
  vpcId: string;
  zone: string;
  zoneId: string;
  cidr: string;
  /** AvailableIpAddressCount: free addresses (AWS keeps five of every subnet). */
  free: number;
}

export type RouteTarget = "local" | "internet-gateway" | "nat-gateway" | "transit-gateway" | "instance" | "network-interface" | "vpc-peering" | "gateway-endpoint" | "other";

export interface RouteFacts {
  destination: string;
  target: RouteTarget;
  /** `active` or `blackhole` (a target that is gone). */
  state: string;
}

export interface RouteTableFacts {
  id: string;
  main: boolean;
  subnetIds: readonly string[];
  routes: readonly RouteFacts[];
}

export interface EndpointFacts {
  /** `com.amazonaws.<region>.<service>`. */
  serviceName: string;
  type: string;
  privateDns: boolean;
  routeTableIds: readonly string[];
  state: string;
}

export interface VpcFacts {
  vpcId: string;
  /** undefined: DescribeVpcs does not know it. */
  primaryCidr?: string;
  cidrs: readonly string[];
  dnsSupport: boolean;
  dnsHostnames: boolean;
  /** The subnets asked for that exist (in any VPC). */
  subnets: readonly SubnetFacts[];
  routeTables: readonly RouteTableFacts[];
  endpoints: readonly EndpointFacts[];
  /** Names of the private hosted zones associated with the VPC (without the trailing dot). */
  hostedZones: readonly string[];
}

export interface ExistingVpcContext {
  region: string;
  rack: string;
  /** Other racks of the region with their VPC and its range: a rack may peer with them (SPEC section 7, `rack peer`). */
  otherRacks: readonly { name: string; vpcId: string; cidr: string }[];
}

/** What the checks derive: the zones the rack spans (those of the subnets services run in) and the VPC's range. */
export interface ExistingVpcPlan {
  zones: string[];
  cidr: string;
}

/** Free addresses one Application Load Balancer needs in each of its subnets (ELB: "at least 8 free IP addresses"). */
export const ALB_FREE_ADDRESSES = 8;
/** ELB: a load balancer's subnet is at least a /27. */
export const ALB_SUBNET_MAX_PREFIX = 27;

const split = (value: string) => value.split(",").map((item) => item.trim()).filter((item) => item !== "");

export function existingVpcProblems(params: Readonly<RackParams>, facts: VpcFacts, context: ExistingVpcContext): { problems: ParamProblem[]; plan?: ExistingVpcPlan } {
  const vpc = params.ExistingVpc;
  if (facts.primaryCidr === undefined) {
    return {
      problems: [{ param: "ExistingVpc", message: `VPC ${vpc} does not exist in ${context.region} (or this identity cannot see it)`, fix: `check the id and the region: aws ec2 describe-vpcs --vpc-ids ${vpc} --region ${context.region}` }],
    };
  }
  const problems: ParamProblem[] = [];
  const add = (param: string, message: string, fix: string) => problems.push({ param, message, fix });
  // Route 53 private zones and interface endpoints' private DNS answer only in a VPC with both (Route 53 Developer Guide, "Considerations when working with a private hosted zone").
  if (!facts.dnsSupport) add("ExistingVpc", `${vpc} has DNS resolution off: the rack's private zones and its endpoints' names would not resolve`, `aws ec2 modify-vpc-attribute --vpc-id ${vpc} --enable-dns-support "{\\"Value\\":true}"`);
  if (!facts.dnsHostnames) add("ExistingVpc", `${vpc} has DNS hostnames off: the rack's private zones and its endpoints' private DNS need them`, `aws ec2 modify-vpc-attribute --vpc-id ${vpc} --enable-dns-hostnames "{\\"Value\\":true}"`);

  const publicIds = split(params.ExistingPublicSubnets);
  const privateIds = split(params.ExistingPrivateSubnets);
  const byId = new Map(facts.subnets.map((subnet) => [subnet.id, subnet]));
  const listed = (name: "ExistingPublicSubnets" | "ExistingPrivateSubnets", ids: readonly string[]): SubnetFacts[] => {
    const found: SubnetFacts[] = [];
    for (const id of ids) {
      const subnet = byId.get(id);
      if (!subnet) add(name, `subnet ${id} does not exist in ${context.region}`, `aws ec2 describe-subnets --filters Name=vpc-id,Values=${vpc} lists the VPC's subnets`);
      else if (subnet.vpcId !== vpc) add(name, `subnet ${id} is in ${subnet.vpcId}, not in ${vpc}`, `name subnets of ${vpc} only`);
      else found.push(subnet);
    }
    zoneRules(name, found, context.region, add);
    return found;
  };
  const publicSubnets = listed("ExistingPublicSubnets", publicIds);
  const privateSubnets = listed("ExistingPrivateSubnets", privateIds);

  const tableOf = (subnetId: string) => facts.routeTables.find((table) => table.subnetIds.includes(subnetId)) ?? facts.routeTables.find((table) => table.main);
  const defaultRoute = (subnetId: string) => tableOf(subnetId)?.routes.find((route) => route.destination === "0.0.0.0/0" && route.state === "active");
  for (const subnet of publicSubnets) {
    if (defaultRoute(subnet.id)?.target !== "internet-gateway") {
      add(
        "ExistingPublicSubnets",
        `subnet ${subnet.id} (${subnet.zone}) has no default route to an internet gateway (route table ${tableOf(subnet.id)?.id ?? "none"}): an internet-facing load balancer there is unreachable`,
        `name public subnets, or route them: aws ec2 create-route --route-table-id ${tableOf(subnet.id)?.id ?? "<table>"} --destination-cidr-block 0.0.0.0/0 --gateway-id <igw-…>`,
      );
    }
  }

  const endpointServices = (subnet: SubnetFacts): string[] => {
    const table = tableOf(subnet.id);
    const prefix = `com.amazonaws.${context.region}.`;
    const ready = facts.endpoints.filter((endpoint) => endpoint.state.toLowerCase() === "available");
    const interfaces = ready.filter((endpoint) => endpoint.type.toLowerCase() === "interface" && endpoint.privateDns).map((endpoint) => endpoint.serviceName.slice(prefix.length));
    const gateways = ready.filter((endpoint) => endpoint.type.toLowerCase() === "gateway" && table !== undefined && endpoint.routeTableIds.includes(table.id)).map((endpoint) => endpoint.serviceName.slice(prefix.length));
    return [...interfaces, ...gateways, ...(params.VpcEndpoints === "Yes" ? INTERFACE_ENDPOINTS.map((endpoint) => endpoint.service) : [])];
  };
  const needed = ["s3", ...INTERFACE_ENDPOINTS.map((endpoint) => endpoint.service)];
  for (const subnet of privateSubnets) {
    const route = defaultRoute(subnet.id);
    const outbound = route !== undefined && ["nat-gateway", "transit-gateway", "instance", "network-interface"].includes(route.target);
    if (outbound) continue;
    const missing = needed.filter((service) => !endpointServices(subnet).includes(service));
    if (missing.length === 0) continue;
    add(
      "ExistingPrivateSubnets",
      `subnet ${subnet.id} (${subnet.zone}) has no default route to a NAT gateway, transit gateway or instance, and no endpoint for ${missing.join(", ")}: its tasks could not pull images, write logs or read their environment`,
      `route it (aws ec2 create-route --route-table-id ${tableOf(subnet.id)?.id ?? "<table>"} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-…>), or give the VPC the endpoints: VpcEndpoints=Yes for ${INTERFACE_ENDPOINTS.map((endpoint) => endpoint.service).join(", ")}${missing.includes("s3") ? `, and an S3 gateway endpoint on route table ${tableOf(subnet.id)?.id ?? "<table>"}` : ""}`,
    );
  }

  problems.push(...endpointConflicts(params, facts, context.region));

  // Addresses: each load balancer takes at least 8 in each of its subnets, each interface endpoint one, each build one.
  const internalBalancers = [params.Internal === "Yes", params.internal_router === "true"].filter(Boolean).length;
  const serviceSubnets = privateSubnets.length > 0 ? privateSubnets : publicSubnets;
  const external = params.InternalOnly !== "Yes";
  const needs = (subnet: SubnetFacts, isService: boolean, isPublic: boolean): { count: number; why: string[] } => {
    const why: string[] = [];
    let count = 0;
    const balancers = (isPublic && external ? 1 : 0) + (isService ? internalBalancers : 0);
    if (balancers > 0) (count += balancers * ALB_FREE_ADDRESSES), why.push(`${balancers * ALB_FREE_ADDRESSES} for ${balancers} load balancer(s)`);
    if (isService && params.VpcEndpoints === "Yes") (count += INTERFACE_ENDPOINTS.length), why.push(`${INTERFACE_ENDPOINTS.length} for the interface endpoints`);
    if (isService) (count += 1), why.push("1 for a build or a task");
    return { count, why };
  };
  for (const subnet of new Set([...publicSubnets, ...serviceSubnets])) {
    const isPublic = publicSubnets.includes(subnet);
    const isService = serviceSubnets.includes(subnet);
    const { count, why } = needs(subnet, isService, isPublic);
    const param = isPublic ? "ExistingPublicSubnets" : "ExistingPrivateSubnets";
    if (subnet.free < count) add(param, `subnet ${subnet.id} (${subnet.zone}) has ${subnet.free} free addresses; the rack needs ${count} there (${why.join(", ")})`, "free addresses in it, or name a larger subnet");
    const prefix = Number(subnet.cidr.split("/")[1] ?? 32);
    const balanced = (isPublic && external) || (isService && internalBalancers > 0);
    if (balanced && prefix > ALB_SUBNET_MAX_PREFIX) add(param, `subnet ${subnet.id} is a /${prefix}; a load balancer's subnet must be at least a /${ALB_SUBNET_MAX_PREFIX}`, "name a /27 or larger subnet");
  }

  if (external && privateSubnets.length > 0 && publicSubnets.length > 0) {
    const publicZones = new Set(publicSubnets.map((subnet) => subnet.zone));
    const uncovered = privateSubnets.filter((subnet) => !publicZones.has(subnet.zone));
    if (uncovered.length > 0) {
      add("ExistingPublicSubnets", `no public subnet in ${uncovered.map((subnet) => subnet.zone).join(", ")}, where ${uncovered.map((subnet) => subnet.id).join(", ")} run services: the external load balancer reaches targets only in its own zones`, "name a public subnet in every zone of ExistingPrivateSubnets");
    }
  }

  // The rack's security groups admit the VPC's primary range (VPCCIDR): a subnet in a
  // secondary range would be refused by its own rack's internal load balancers and endpoints.
  const primary = parseCidr(facts.primaryCidr);
  for (const subnet of new Set([...publicSubnets, ...privateSubnets])) {
    const block = parseCidr(subnet.cidr);
    if (!primary || !block || blockContains(primary, block)) continue;
    add(
      publicSubnets.includes(subnet) ? "ExistingPublicSubnets" : "ExistingPrivateSubnets",
      `subnet ${subnet.id} (${subnet.cidr}) is outside ${vpc}'s primary range ${facts.primaryCidr}, the range the rack's security groups admit`,
      `name subnets of the primary range ${facts.primaryCidr}`,
    );
  }

  const ranges = facts.cidrs.flatMap((text) => parseCidr(text) ?? []);
  for (const other of context.otherRacks) {
    const block = parseCidr(other.cidr);
    if (other.vpcId === vpc || !block) continue;
    if (ranges.some((range) => blocksOverlap(range, block))) {
      add("ExistingVpc", `${vpc} (${facts.cidrs.join(", ")}) overlaps rack ${other.name}'s VPC (${other.cidr}): the two racks could never be peered`, "install into a VPC whose range overlaps no other rack's, or leave the racks unpeered for good");
    }
  }
  for (const cidr of split(params.internal_router_cidrs)) {
    const block = parseCidr(cidr);
    if (block && ranges.some((range) => blocksOverlap(range, block))) add("internal_router_cidrs", `${cidr} overlaps ${vpc}'s own range (${facts.cidrs.join(", ")}): a peer there cannot be routed to`, "list the peers' ranges only");
  }

  const taken = [rackZoneName(context.rack), routerZoneName(context.rack)].filter((name) => facts.hostedZones.includes(name));
  for (const name of taken) add("ExistingVpc", `a private hosted zone ${name} is already associated with ${vpc}: the rack's own zone of that name would not be the one the VPC resolves`, `choose another rack name, or disassociate the old zone (aws route53 list-hosted-zones-by-vpc --vpc-id ${vpc} --vpc-region ${context.region})`);

  if (problems.length > 0) return { problems };
  return { problems, plan: { zones: serviceSubnets.map((subnet) => subnet.zone), cidr: facts.primaryCidr } };
}

/** One subnet per zone, two or three zones, each one where Fargate runs. */
function zoneRules(name: string, subnets: readonly SubnetFacts[], region: string, add: (param: string, message: string, fix: string) => void): void {
  if (subnets.length === 0) return;
  const seen = new Map<string, string>();
  for (const subnet of subnets) {
    const other = seen.get(subnet.zone);
    if (other) add(name, `${other} and ${subnet.id} are both in ${subnet.zone}`, `name one subnet per zone in ${name}`);
    seen.set(subnet.zone, subnet.id);
  }
  if (seen.size < 2) add(name, `the subnets of ${name} are all in ${[...seen.keys()].join(", ")}; load balancers and Fargate services need two zones at least`, `name subnets in two or three zones`);
  const fargate = FARGATE_ZONE_IDS[region];
  for (const subnet of subnets) {
    if (fargate && !fargate.includes(subnet.zoneId)) add(name, `subnet ${subnet.id} is in ${subnet.zone} (${subnet.zoneId}), where Fargate does not run`, `name subnets in the zones Fargate runs in: ${fargate.join(", ")} (zone ids)`);
  }
}

/**
 * VpcEndpoints=Yes in a VPC that already has one of those interface endpoints with private
 * DNS: AWS refuses a second private DNS name for the service in the VPC, and the VPC's own
 * endpoint serves the rack. Checked at install and when params set turns VpcEndpoints on.
 */
export function endpointConflicts(params: Readonly<RackParams>, facts: Pick<VpcFacts, "vpcId" | "endpoints">, region: string): ParamProblem[] {
  if (params.VpcEndpoints !== "Yes") return [];
  const prefix = `com.amazonaws.${region}.`;
  const live = facts.endpoints.filter((endpoint) => !["deleted", "deleting", "rejected", "failed"].includes(endpoint.state.toLowerCase()));
  const taken = live.filter((endpoint) => endpoint.privateDns && INTERFACE_ENDPOINTS.some((ours) => `${prefix}${ours.service}` === endpoint.serviceName));
  if (taken.length === 0) return [];
  return [
    {
      param: "VpcEndpoints",
      message: `${facts.vpcId} already has interface endpoints with private DNS for ${taken.map((endpoint) => endpoint.serviceName.slice(prefix.length)).join(", ")}: a second one with private DNS is refused by AWS, and the rack's tasks use the VPC's anyway`,
      fix: "leave VpcEndpoints out (the VPC's own endpoints serve the rack), or remove those endpoints first",
    },
  ];
}
