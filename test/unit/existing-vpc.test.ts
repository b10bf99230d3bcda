import { describe, expect, it } from "vitest";
import { existingVpcProblems, type RouteTableFacts, type SubnetFacts, type VpcFacts } from "../../src/rack/existing-vpc.js";
import { defaultParams, type RackParams } from "../../src/rack/params.js";

/**
 * ExistingVpc (issue 26, item 4): each broken VPC is refused with its fix, every problem at
 * once; a sound one gives the zones of the subnets services run in and the VPC's range.
 */

const VPC = "vpc-0123456789abcdef0";
const PUBLIC = ["subnet-000000000000000a1", "subnet-000000000000000a2"];
const PRIVATE = ["subnet-000000000000000b1", "subnet-000000000000000b2"];

const subnet = (id: string, zone: string, cidr: string, free = 250): SubnetFacts => ({ id, vpcId: VPC, zone, zoneId: `use1-${zone.slice(-1)}z`, cidr, free });

function soundVpc(): VpcFacts {
  const publicTable: RouteTableFacts = { id: "rtb-public", main: false, subnetIds: PUBLIC, routes: [{ destination: "10.20.0.0/16", target: "local", state: "active" }, { destination: "0.0.0.0/0", target: "internet-gateway", state: "active" }] };
  const privateTable: RouteTableFacts = { id: "rtb-private", main: false, subnetIds: PRIVATE, routes: [{ destination: "10.20.0.0/16", target: "local", state: "active" }, { destination: "0.0.0.0/0", target: "nat-gateway", state: "active" }] };
  return {
    vpcId: VPC,
    primaryCidr: "10.20.0.0/16",
    cidrs: ["10.20.0.0/16"],
    dnsSupport: true,
    dnsHostnames: true,
    subnets: [subnet(PUBLIC[0] ?? "", "us-east-1a", "10.20.0.0/24"), subnet(PUBLIC[1] ?? "", "us-east-1b", "10.20.1.0/24"), subnet(PRIVATE[0] ?? "", "us-east-1a", "10.20.10.0/24"), subnet(PRIVATE[1] ?? "", "us-east-1b", "10.20.11.0/24")],
    routeTables: [{ id: "rtb-main", main: true, subnetIds: [], routes: [{ destination: "10.20.0.0/16", target: "local", state: "active" }] }, publicTable, privateTable],
    endpoints: [],
    hostedZones: [],
  };
}

const params = (changes: Partial<RackParams> = {}): RackParams => ({
  ...defaultParams(),
  ExistingVpc: VPC,
  ExistingPublicSubnets: PUBLIC.join(","),
  ExistingPrivateSubnets: PRIVATE.join(","),
  Private: "Yes",
  ...changes,
});
const context = { region: "us-east-1", rack: "prod", otherRacks: [] };

function problemsOf(facts: VpcFacts, changes: Partial<RackParams> = {}, otherRacks: { name: string; vpcId: string; cidr: string }[] = []) {
  return existingVpcProblems(params(changes), facts, { ...context, otherRacks }).problems;
}

describe("existingVpcProblems", () => {
  it("a sound VPC: no problem; the zones of the private subnets and the VPC's range", () => {
    expect(existingVpcProblems(params(), soundVpc(), context)).toEqual({ problems: [], plan: { zones: ["us-east-1a", "us-east-1b"], cidr: "10.20.0.0/16" } });
  });

  it("a VPC that does not exist", () => {
    const problems = problemsOf({ ...soundVpc(), primaryCidr: undefined });
    expect(problems).toEqual([expect.objectContaining({ param: "ExistingVpc", message: expect.stringContaining("does not exist") as string, fix: expect.stringContaining("describe-vpcs") as string })]);
  });

  it("DNS support or hostnames off: each named with the command that turns it on", () => {
    const problems = problemsOf({ ...soundVpc(), dnsSupport: false, dnsHostnames: false });
    expect(problems.map((problem) => problem.fix)).toEqual([expect.stringContaining("--enable-dns-support"), expect.stringContaining("--enable-dns-hostnames")]);
  });

  it("subnets in one zone only, two in one zone, or in another VPC", () => {
    const facts = soundVpc();
    const oneZone = { ...facts, subnets: facts.subnets.map((entry) => (entry.id === PRIVATE[1] ? { ...entry, zone: "us-east-1a" } : entry)) };
    const messages = problemsOf(oneZone).map((problem) => problem.message);
    expect(messages).toContain(`${PRIVATE[0]} and ${PRIVATE[1]} are both in us-east-1a`);
    expect(messages.some((message) => message.includes("two zones at least"))).toBe(true);
    const elsewhere = { ...facts, subnets: facts.subnets.map((entry) => (entry.id === PUBLIC[0] ? { ...entry, vpcId: "vpc-0fedcba987654321f" } : entry)) };
    expect(problemsOf(elsewhere).map((problem) => problem.message)).toContain(`subnet ${PUBLIC[0]} is in vpc-0fedcba987654321f, not in ${VPC}`);
    const missing = { ...facts, subnets: facts.subnets.filter((entry) => entry.id !== PRIVATE[1]) };
    expect(problemsOf(missing)[0]).toMatchObject({ param: "ExistingPrivateSubnets", message: `subnet ${PRIVATE[1]} does not exist in us-east-1` });
  });

  it("a subnet in a zone where Fargate does not run", () => {
    const facts = soundVpc();
    const west: VpcFacts = { ...facts, subnets: facts.subnets.map((entry, index) => ({ ...entry, zone: `us-west-1${"abab"[index] ?? "a"}`, zoneId: index % 2 === 0 ? "usw1-az1" : "usw1-az2" })) };
    const problems = existingVpcProblems(params(), west, { ...context, region: "us-west-1" }).problems;
    expect(problems.filter((problem) => problem.message.includes("where Fargate does not run")).length).toBe(2);
    expect(problems[0]?.fix).toContain("usw1-az1, usw1-az3");
  });

  it("public subnets not routed to an internet gateway", () => {
    const facts = soundVpc();
    const noIgw = { ...facts, routeTables: facts.routeTables.map((table) => (table.id === "rtb-public" ? { ...table, routes: table.routes.filter((route) => route.target !== "internet-gateway") } : table)) };
    const problems = problemsOf(noIgw);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ param: "ExistingPublicSubnets", fix: expect.stringContaining("aws ec2 create-route --route-table-id rtb-public") as string });
  });

  it("private subnets without a default route (or a blackhole one) and without the endpoints", () => {
    const facts = soundVpc();
    const blackhole = { ...facts, routeTables: facts.routeTables.map((table) => (table.id === "rtb-private" ? { ...table, routes: table.routes.map((route) => (route.target === "nat-gateway" ? { ...route, state: "blackhole" } : route)) } : table)) };
    const problems = problemsOf(blackhole);
    expect(problems).toHaveLength(2);
    expect(problems[0]?.message).toContain("no endpoint for s3, ecr.api, ecr.dkr, logs, ssm, ssmmessages, sts");
    expect(problems[0]?.fix).toContain("VpcEndpoints=Yes");
    expect(problems[0]?.fix).toContain("S3 gateway endpoint on route table rtb-private");
  });

  it("private subnets with no way out are accepted when every endpoint is there: the VPC's S3 gateway endpoint and VpcEndpoints=Yes", () => {
    const facts = soundVpc();
    const closed: VpcFacts = {
      ...facts,
      routeTables: facts.routeTables.map((table) => (table.id === "rtb-private" ? { ...table, routes: table.routes.filter((route) => route.target === "local") } : table)),
      endpoints: [{ serviceName: "com.amazonaws.us-east-1.s3", type: "Gateway", privateDns: false, routeTableIds: ["rtb-private"], state: "available" }],
    };
    expect(problemsOf(closed, { VpcEndpoints: "Yes" })).toEqual([]);
    expect(problemsOf(closed)).toHaveLength(2);
  });

  it("VpcEndpoints=Yes where the VPC already has those endpoints with private DNS", () => {
    const facts = { ...soundVpc(), endpoints: [{ serviceName: "com.amazonaws.us-east-1.logs", type: "Interface", privateDns: true, routeTableIds: [], state: "available" }] };
    expect(problemsOf(facts, { VpcEndpoints: "Yes" })).toEqual([expect.objectContaining({ param: "VpcEndpoints", fix: expect.stringContaining("leave VpcEndpoints out") as string })]);
  });

  it("too few free addresses for the load balancers, the endpoints and the tasks; a load balancer's subnet smaller than a /27", () => {
    const facts = soundVpc();
    const crowded = { ...facts, subnets: facts.subnets.map((entry) => (entry.id === PRIVATE[0] ? { ...entry, free: 10 } : entry.id === PUBLIC[1] ? { ...entry, cidr: "10.20.1.0/28" } : entry)) };
    const problems = problemsOf(crowded, { Internal: "Yes", VpcEndpoints: "Yes" });
    expect(problems.map((problem) => problem.message)).toEqual([
      `subnet ${PUBLIC[1]} is a /28; a load balancer's subnet must be at least a /27`,
      `subnet ${PRIVATE[0]} (us-east-1a) has 10 free addresses; the rack needs 15 there (8 for 1 load balancer(s), 6 for the interface endpoints, 1 for a build or a task)`,
    ]);
  });

  it("a range overlapping another rack's VPC, or a router peer", () => {
    const problems = problemsOf(soundVpc(), { internal_router: "true", internal_router_cidrs: "10.20.128.0/20" }, [{ name: "staging", vpcId: "vpc-0aaaaaaaaaaaaaaaa", cidr: "10.20.0.0/20" }]);
    expect(problems.map((problem) => problem.param)).toEqual(["ExistingVpc", "internal_router_cidrs"]);
    expect(problems[0]?.message).toContain("overlaps rack staging's VPC (10.20.0.0/20)");
  });

  it("a subnet in a secondary range, which the rack's security groups would not admit", () => {
    const facts = soundVpc();
    const secondary = { ...facts, cidrs: ["10.20.0.0/16", "100.64.0.0/16"], subnets: facts.subnets.map((entry) => (entry.id === PRIVATE[1] ? { ...entry, cidr: "100.64.1.0/24" } : entry)) };
    expect(problemsOf(secondary)).toEqual([
      { param: "ExistingPrivateSubnets", message: `subnet ${PRIVATE[1]} (100.64.1.0/24) is outside ${VPC}'s primary range 10.20.0.0/16, the range the rack's security groups admit`, fix: "name subnets of the primary range 10.20.0.0/16" },
    ]);
  });

  it("a <rack>.convox zone already associated with the VPC", () => {
    const problems = problemsOf({ ...soundVpc(), hostedZones: ["prod.convox", "other.convox"] });
    expect(problems).toEqual([expect.objectContaining({ param: "ExistingVpc", message: expect.stringContaining("prod.convox is already associated") as string, fix: expect.stringContaining("list-hosted-zones-by-vpc") as string })]);
  });

  it("every problem at once", () => {
    const problems = problemsOf({ ...soundVpc(), dnsSupport: false, hostedZones: ["prod.convox"] });
    expect(problems).toHaveLength(2);
  });
});
