import { isIP } from "node:net";
import { blocksOverlap, parseCidr, peerRangeProblem, vpcRangeProblem } from "./cidr.js";
import { closestName } from "./closest-name.js";
import { RackParameter, type RackParameterName } from "../names/rack-parameters.js";
import { Flag } from "../names/flags.js";

/**
 * The rack parameters of SPEC section 2: their names on the command line, their
 * CloudFormation parameter names, values, defaults, and how values are normalised.
 * Pure: no AWS, no printing.
 */

export type ParamName =
  | "Private"
  | "Internal"
  | "InternalOnly"
  | "internal_router"
  | "internal_router_cidrs"
  | "internal_router_vpcs"
  | "Domain"
  | "HostedZoneId"
  | "VPCCIDR"
  | "BuildInstance"
  | "NatGateways"
  | "VpcEndpoints"
  | "ExistingVpc"
  | "ExistingPublicSubnets"
  | "ExistingPrivateSubnets"
  | "TransitGatewayId"
  | "TransitGatewayCidrs"
  | "LoadBalancerIdleTimeout";

/** Parameter names as constants, so code never spells them as string literals. */
export const RackParam = {
  Private: "Private",
  Internal: "Internal",
  InternalOnly: "InternalOnly",
  InternalRouter: "internal_router",
  InternalRouterCidrs: "internal_router_cidrs",
  InternalRouterVpcs: "internal_router_vpcs",
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
} as const satisfies Record<string, ParamName>;

type ValueKind = "yes-no" | "true-false" | "cidr" | "cidr-list" | "vpc-list" | "hostname" | "hosted-zone" | "build-instance" | "nat-gateways" | "vpc-id" | "subnet-list" | "transit-gateway" | "idle-seconds";

export interface ParamSpec {
  name: ParamName;
  /** The template's parameter (CloudFormation allows only letters and digits). */
  cfnName: RackParameterName;
  kind: ValueKind;
  default: string;
  installOnly: boolean;
  description: string;
}

/** Lists (CIDRs, VPCs) are capped so the template can give each entry its own resource. */
export const LIST_MAX = 5;

/**
 * CodeBuild's Linux on-demand compute types a rack builds on (docs/build.md): 3 GB and
 * 2 vCPUs, 7 GB and 4, 15 GB and 8. `small`, `medium` and `large` name them too.
 */
export const BUILD_INSTANCES = ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"] as const;
export type BuildInstance = (typeof BUILD_INSTANCES)[number];

/**
 * How a private rack's subnets reach the internet (docs/egress.md): a NAT gateway in every
 * zone, one NAT gateway in the first zone for all of them, or none (only AWS services,
 * through the rack's VPC endpoints).
 */
export const NAT_GATEWAYS = ["PerZone", "One", "None"] as const;
export type NatGatewaysValue = (typeof NAT_GATEWAYS)[number];

/**
 * An application load balancer's `idle_timeout.timeout_seconds`: 1 to 4000, 60 by default
 * (Elastic Load Balancing, "Application Load Balancers", Connection idle timeout). Convox's rack
 * parameter of the same name defaults to 3600; racknet keeps AWS's 60 (docs/decisions.md).
 */
export const ALB_IDLE_TIMEOUT = { min: 1, max: 4000, default: 60 } as const;

/** Subnets an existing VPC lends the rack: one per zone, in two or three zones. */
export const EXISTING_SUBNETS_MAX = 3;

export const PARAMS: readonly ParamSpec[] = [
  { name: "Private", cfnName: RackParameter.Private, kind: "yes-no", default: "No", installOnly: false, description: "private subnets and one NAT gateway per AZ; services get no public IP" },
  { name: "Internal", cfnName: RackParameter.Internal, kind: "yes-no", default: "No", installOnly: false, description: "internal load balancer reachable only from the VPC, HTTPS with the rack CA" },
  { name: "InternalOnly", cfnName: RackParameter.InternalOnly, kind: "yes-no", default: "No", installOnly: false, description: "no external load balancer; every service must be internal (needs Internal=Yes)" },
  { name: "internal_router", cfnName: RackParameter.InternalRouter, kind: "true-false", default: "false", installOnly: false, description: "internal load balancer for rack-to-rack traffic over VPC peering" },
  { name: "internal_router_cidrs", cfnName: RackParameter.InternalRouterCidrs, kind: "cidr-list", default: "", installOnly: false, description: `CIDRs allowed to reach the internal router (default: the VPC CIDR; up to ${LIST_MAX})` },
  { name: "internal_router_vpcs", cfnName: RackParameter.InternalRouterVpcs, kind: "vpc-list", default: "", installOnly: false, description: `peered VPCs that resolve the router names: vpc-id, or region:vpc-id for another region (up to ${LIST_MAX})` },
  { name: "Domain", cfnName: RackParameter.Domain, kind: "hostname", default: "", installOnly: false, description: "external services answer at <service>.<app>.<Domain>" },
  {
    name: "HostedZoneId",
    cfnName: RackParameter.HostedZoneId,
    kind: "hosted-zone",
    default: "",
    installOnly: false,
    description: "a public Route 53 zone for Domain: racknet writes the certificate validation and service records there (empty: it prints them)",
  },
  { name: "VPCCIDR", cfnName: RackParameter.VPCCIDR, kind: "cidr", default: "10.0.0.0/16", installOnly: true, description: "the VPC's address range, /16 to /24 (install only)" },
  { name: "BuildInstance", cfnName: RackParameter.BuildInstance, kind: "build-instance", default: "BUILD_GENERAL1_SMALL", installOnly: false, description: "build machine: small, medium or large" },
  { name: "NatGateways", cfnName: RackParameter.NatGateways, kind: "nat-gateways", default: "PerZone", installOnly: false, description: "a private rack's NAT gateways: PerZone (one per zone), One (one for every zone), None (no internet; needs VpcEndpoints=Yes)" },
  { name: "VpcEndpoints", cfnName: RackParameter.VpcEndpoints, kind: "yes-no", default: "No", installOnly: false, description: "interface endpoints in the private subnets for the AWS services tasks and builds call (ECR, Logs, SSM, STS)" },
  { name: "ExistingVpc", cfnName: RackParameter.ExistingVpc, kind: "vpc-id", default: "", installOnly: true, description: "install into this VPC: racknet creates no VPC, subnet, gateway or route (install only)" },
  { name: "ExistingPublicSubnets", cfnName: RackParameter.ExistingPublicSubnets, kind: "subnet-list", default: "", installOnly: true, description: "with ExistingVpc: one public subnet per zone, in two or three zones (install only)" },
  { name: "ExistingPrivateSubnets", cfnName: RackParameter.ExistingPrivateSubnets, kind: "subnet-list", default: "", installOnly: true, description: "with ExistingVpc: one private subnet per zone, where services run (install only; empty: the public ones)" },
  {
    name: "TransitGatewayId",
    cfnName: RackParameter.TransitGatewayId,
    kind: "transit-gateway",
    default: "",
    installOnly: false,
    description: "attach the rack's private subnets to this existing transit gateway of the rack's Region (racknet never creates one; needs TransitGatewayCidrs)",
  },
  {
    name: "TransitGatewayCidrs",
    cfnName: RackParameter.TransitGatewayCidrs,
    kind: "cidr-list",
    default: "",
    installOnly: false,
    description: `with TransitGatewayId: the ranges routed through it from every route table, and admitted by the internal router (up to ${LIST_MAX}; add at the end, remove from the end)`,
  },
  {
    name: "LoadBalancerIdleTimeout",
    cfnName: RackParameter.LoadBalancerIdleTimeout,
    kind: "idle-seconds",
    default: String(ALB_IDLE_TIMEOUT.default),
    installOnly: false,
    description: `seconds a connection through the rack's HTTPS load balancers may idle (${ALB_IDLE_TIMEOUT.min}-${ALB_IDLE_TIMEOUT.max}); at least every port: service's timeout`,
  },
];

export type RackParams = Record<ParamName, string>;

/** The canonical "on" of a Yes/No or true/false parameter (values are stored canonical). */
const ON_VALUES: ReadonlySet<string> = new Set(["Yes", "true"]);

/** True when a Yes/No or true/false parameter is on: `isOn(params, RackParam.Private)`. */
export function isOn(params: Readonly<RackParams>, name: ParamName): boolean {
  return ON_VALUES.has(params[name]);
}

export function defaultParams(): RackParams {
  return Object.fromEntries(PARAMS.map((spec) => [spec.name, spec.default])) as RackParams;
}

export function specFor(name: ParamName): ParamSpec {
  const spec = PARAMS.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`unknown parameter ${name}`);
  return spec;
}

export interface Assignment {
  /** As typed. */
  raw: string;
  name: string;
  value: string;
}

/** A problem with one assignment; the command turns a list of them into one error. */
export interface ParamProblem {
  param: string;
  message: string;
  fix?: string;
}

export function parseAssignments(args: readonly string[]): { assignments: Assignment[]; problems: ParamProblem[] } {
  const assignments: Assignment[] = [];
  const problems: ParamProblem[] = [];
  for (const raw of args) {
    const at = raw.indexOf("=");
    if (at <= 0 || raw.slice(0, at).trim() === "") {
      problems.push({ param: raw, message: `"${raw}" is not a parameter assignment`, fix: "write NAME=VALUE, for example Private=Yes" });
      continue;
    }
    assignments.push({ raw, name: raw.slice(0, at).trim(), value: raw.slice(at + 1).trim() });
  }
  return { assignments, problems };
}

/** Case-insensitive lookup; undefined when no parameter has that name. */
export function findParam(name: string): ParamSpec | undefined {
  const wanted = canonicalKey(name);
  return PARAMS.find((spec) => canonicalKey(spec.name) === wanted || canonicalKey(spec.cfnName) === wanted);
}

function canonicalKey(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

/** The closest known name, when it is close enough to be what the user meant. */
export function suggestParam(name: string): ParamName | undefined {
  const found = closestName(name, PARAMS.map((spec) => spec.name), { fragments: true });
  return PARAMS.find((spec) => spec.name === found)?.name;
}

const YES = new Set(["yes", "true", "y", "on", "1"]);
const NO = new Set(["no", "false", "n", "off", "0"]);

/** Normalise a value to its canonical spelling, or explain why it is not valid. */
export function normaliseValue(spec: ParamSpec, raw: string): { value: string } | { problem: string; fix: string } {
  const value = raw.trim();
  switch (spec.kind) {
    case "yes-no":
    case "true-false": {
      const lower = value.toLowerCase();
      const [on, off] = spec.kind === "yes-no" ? ["Yes", "No"] : ["true", "false"];
      if (YES.has(lower)) return { value: on };
      if (NO.has(lower)) return { value: off };
      return { problem: `${spec.name} must be ${on} or ${off}, not "${raw}"`, fix: `${spec.name}=${on} or ${spec.name}=${off}` };
    }
    case "cidr": {
      const problem = cidrProblem(value, { minPrefix: 16, maxPrefix: 24 }) ?? vpcRangeProblem(value);
      return problem ? { problem: `${spec.name}: ${problem}`, fix: `${spec.name}=10.0.0.0/16 (a private range, RFC 1918)` } : { value: normaliseCidr(value) };
    }
    case "cidr-list": {
      const items = splitList(value);
      if (items.length > LIST_MAX) return { problem: `${spec.name} takes at most ${LIST_MAX} CIDRs, got ${items.length}`, fix: "merge ranges into fewer, larger CIDRs" };
      for (const item of items) {
        const problem = cidrProblem(item, { minPrefix: 0, maxPrefix: 32 }) ?? peerRangeProblem(item);
        if (problem) return { problem: `${spec.name}: ${problem}`, fix: `${spec.name}=10.1.0.0/16,10.2.0.0/16` };
      }
      const networks = items.map(normaliseCidr);
      const twice = networks.find((network, index) => networks.indexOf(network) !== index);
      if (twice) {
        // One security-group rule per entry: CloudFormation keeps both copies of a rule EC2 stores once (drift), and removing either revokes it.
        const spellings = [...new Set(items.filter((_item, index) => networks[index] === twice))];
        const same = spellings.length > 1 ? `: ${spellings.join(" and ")} are the same network` : "";
        return { problem: `${spec.name} lists ${twice} twice${same}`, fix: `list each network once: ${spec.name}=${[...new Set(networks)].join(",")}` };
      }
      return { value: networks.join(",") };
    }
    case "vpc-list":
      return normaliseVpcList(spec.name, value);
    case "build-instance":
      return normaliseBuildInstance(spec.name, value);
    case "nat-gateways": {
      const found = NAT_GATEWAYS.find((option) => option.toLowerCase() === value.toLowerCase().replace(/[-_ ]/g, ""));
      return found ? { value: found } : { problem: `${spec.name} must be ${NAT_GATEWAYS.join(", ")}, not "${raw}"`, fix: `${spec.name}=One` };
    }
    case "vpc-id": {
      const lower = value.toLowerCase();
      if (lower === "" || VPC_ID.test(lower)) return { value: lower };
      return { problem: `${spec.name}: "${raw}" is not a VPC id`, fix: `${spec.name}=vpc-0123456789abcdef0` };
    }
    case "subnet-list":
      return normaliseSubnetList(spec.name, value);
    case "transit-gateway": {
      const lower = value.toLowerCase();
      if (lower === "" || TRANSIT_GATEWAY_ID.test(lower)) return { value: lower };
      return { problem: `${spec.name}: "${raw}" is not a transit gateway id`, fix: `${spec.name}=tgw-0123456789abcdef0 (aws ec2 describe-transit-gateways)` };
    }
    case "hosted-zone": {
      // Route 53 answers ids as /hostedzone/Z...; CloudFormation and the console take the bare id.
      if (value === "") return { value: "" };
      const id = value.replace(/^\/?hostedzone\//i, "").toUpperCase();
      if (HOSTED_ZONE_ID.test(id)) return { value: id };
      return { problem: `${spec.name}: "${raw}" is not a Route 53 hosted zone id`, fix: `${spec.name}=Z0123456789ABCDEFGHIJ (aws route53 list-hosted-zones-by-name --dns-name <Domain>)` };
    }
    case "idle-seconds": {
      const seconds = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (Number.isInteger(seconds) && seconds >= ALB_IDLE_TIMEOUT.min && seconds <= ALB_IDLE_TIMEOUT.max) return { value: String(seconds) };
      return { problem: `${spec.name} must be a whole number of seconds from ${ALB_IDLE_TIMEOUT.min} to ${ALB_IDLE_TIMEOUT.max} (an application load balancer's idle timeout), not "${raw}"`, fix: `${spec.name}=300` };
    }
    case "hostname": {
      if (value === "") return { value: "" };
      const lower = value.toLowerCase().replace(/\.$/, "");
      const labels = lower.split(".");
      const valid = lower.length <= 200 && labels.length >= 2 && labels.every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
      if (valid && isIP(lower) !== 0) return { problem: `${spec.name}: "${raw}" is an IP address, not a domain name`, fix: `${spec.name}=apps.example.com (a name you own, for the certificates and DNS records)` };
      // No top-level domain is all digits (RFC 3696 section 2), so a public certificate could never name it.
      if (valid && /^\d+$/.test(labels.at(-1) ?? "")) return { problem: `${spec.name}: "${raw}" ends in a top-level label that is a number, which no domain has`, fix: `${spec.name}=apps.example.com` };
      return valid ? { value: lower } : { problem: `${spec.name}: "${raw}" is not a host name`, fix: `${spec.name}=apps.example.com` };
    }
  }
}

/** `small`, `Medium`, `build_general1_large`: the compute type, spelled as CodeBuild spells it. */
function normaliseBuildInstance(name: string, value: string): { value: string } | { problem: string; fix: string } {
  const upper = value.toUpperCase();
  const found = BUILD_INSTANCES.find((instance) => instance === upper || instance === `BUILD_GENERAL1_${upper}`);
  if (found) return { value: found };
  return { problem: `${name} must be small, medium or large (${BUILD_INSTANCES.join(", ")}), not "${value}"`, fix: `${name}=medium` };
}

/** Route 53 hosted zone ids: up to 32 upper-case letters and digits (AWS's start with Z; the API documents only the length, 32). */
export const HOSTED_ZONE_ID = /^[A-Z0-9]{1,32}$/;

const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
export const TRANSIT_GATEWAY_ID = /^tgw-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** `subnet-…,subnet-…`: one subnet per zone, two or three of them (the zones are checked against AWS at install). */
function normaliseSubnetList(name: string, value: string): { value: string } | { problem: string; fix: string } {
  const items = splitList(value).map((item) => item.toLowerCase());
  const fix = `${name}=subnet-0123456789abcdef0,subnet-0fedcba9876543210`;
  if (items.length > EXISTING_SUBNETS_MAX) return { problem: `${name} takes one subnet per zone, in two or three zones; got ${items.length} subnets`, fix };
  const bad = items.find((item) => !SUBNET_ID.test(item));
  if (bad !== undefined) return { problem: `${name}: "${bad}" is not a subnet id`, fix };
  const twice = items.find((item, index) => items.indexOf(item) !== index);
  if (twice !== undefined) return { problem: `${name} lists ${twice} twice`, fix: "list each subnet once" };
  return { value: items.join(",") };
}
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;

/**
 * internal_router_vpcs entries: `vpc-…` (a VPC of the rack's account and region) or
 * `<region>:vpc-…` (the rack's account, another region). A VPC of another account is refused:
 * associating it needs a Route 53 VPC association authorization from this account and an
 * association made from the other one, which CloudFormation cannot do (docs/rack-template.md).
 */
function normaliseVpcList(name: string, value: string): { value: string } | { problem: string; fix: string } {
  const items = splitList(value).map((item) => item.toLowerCase());
  if (items.length > LIST_MAX) return { problem: `${name} takes at most ${LIST_MAX} VPCs, got ${items.length}`, fix: "associate the remaining VPCs with the zone by hand" };
  const seen = new Set<string>();
  for (const item of items) {
    const parts = item.split(":");
    const vpc = parts.at(-1) ?? "";
    if (parts.length >= 2 && ACCOUNT.test(parts[0] ?? "")) {
      return {
        problem: `${name}: "${item}" names a VPC of another AWS account; its association with the router zone needs a Route 53 VPC association authorization from this account and an association made from that account, which CloudFormation cannot make`,
        fix: `list VPCs of this account only (vpc-… in the rack's region, <region>:vpc-… in another); see "internal_router_vpcs" in docs/rack-template.md for another account's VPC`,
      };
    }
    const wellFormed = VPC_ID.test(vpc) && (parts.length === 1 || (parts.length === 2 && REGION.test(parts[0] ?? "")));
    if (!wellFormed) {
      return { problem: `${name}: "${item}" is not a VPC id, nor <region>:<VPC id>`, fix: `${name}=vpc-0123456789abcdef0 or ${name}=eu-west-1:vpc-0123456789abcdef0` };
    }
    if (seen.has(vpc)) return { problem: `${name} lists ${vpc} twice`, fix: `list each VPC once` };
    seen.add(vpc);
  }
  return { value: items.join(",") };
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

export function cidrProblem(value: string, bounds: { minPrefix: number; maxPrefix: number }): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return `"${value}" is not an IPv4 CIDR such as 10.0.0.0/16`;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255)) return `"${value}" has an octet above 255`;
  if (prefix < bounds.minPrefix || prefix > bounds.maxPrefix) {
    return `"${value}" has prefix /${prefix}; it must be between /${bounds.minPrefix} and /${bounds.maxPrefix}`;
  }
  return undefined;
}

/** `10.0.3.7/16` becomes `10.0.0.0/16`: the network address. */
export function normaliseCidr(value: string): string {
  const [address = "", prefixText = "0"] = value.split("/");
  const prefix = Number(prefixText);
  const number = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (number & mask) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join(".")}/${prefix}`;
}

export interface ParamChange {
  name: ParamName;
  from: string;
  to: string;
}

/**
 * Apply `K=V` assignments to the current parameters, checking every rule of SPEC
 * section 2 that needs no AWS call. Returns all problems, never the first only.
 */
export function applyAssignments(
  current: RackParams,
  args: readonly string[],
  mode: "install" | "update",
): { params: RackParams; changes: ParamChange[]; problems: ParamProblem[] } {
  const { assignments, problems } = parseAssignments(args);
  const params: RackParams = { ...current };
  const seen = new Map<ParamName, string>();
  for (const assignment of assignments) {
    const spec = findParam(assignment.name);
    if (!spec) {
      const suggestion = suggestParam(assignment.name);
      problems.push({
        param: assignment.name,
        message: `unknown parameter "${assignment.name}"${suggestion ? `; did you mean ${suggestion}?` : ""}`,
        fix: suggestion ? `${suggestion}=${assignment.value}` : `known parameters: ${PARAMS.map((candidate) => candidate.name).join(", ")}`,
      });
      continue;
    }
    if (spec.installOnly && mode === "update") {
      problems.push({ param: spec.name, message: `${spec.name} can only be set at install; it cannot change on a running rack`, fix: `install a new rack with ${spec.name}=${assignment.value}` });
      continue;
    }
    const normalised = normaliseValue(spec, assignment.value);
    if ("problem" in normalised) {
      problems.push({ param: spec.name, message: normalised.problem, fix: normalised.fix });
      continue;
    }
    const earlier = seen.get(spec.name);
    if (earlier !== undefined && earlier !== normalised.value) {
      problems.push({ param: spec.name, message: `${spec.name} is given twice, as ${earlier} and ${normalised.value}`, fix: `give ${spec.name} once` });
      continue;
    }
    seen.set(spec.name, normalised.value);
    params[spec.name] = normalised.value;
  }
  problems.push(...networkTeamProblems(mode, current, params, seen));
  if (mode === "update") problems.push(...transitGatewaySlotProblems(current, params));
  if (mode === "install" && params.ExistingVpc !== "") params.Private = params.ExistingPrivateSubnets === "" ? "No" : "Yes";
  problems.push(...ruleProblems(params));
  const changes = PARAMS.filter((spec) => params[spec.name] !== current[spec.name]).map((spec) => ({
    name: spec.name,
    from: current[spec.name],
    to: params[spec.name],
  }));
  return { params, changes, problems };
}

/** What the network team decides in a VPC racknet did not make: refused when given with ExistingVpc, at install and after. */
const NETWORK_TEAMS: readonly ParamName[] = ["Private", "NatGateways", "VPCCIDR"];

function networkTeamProblems(mode: "install" | "update", current: RackParams, params: RackParams, given: ReadonlyMap<ParamName, string>): ParamProblem[] {
  const vpc = mode === "install" ? params.ExistingVpc : current.ExistingVpc;
  if (vpc === "") return [];
  return NETWORK_TEAMS.filter((name) => given.has(name) && (mode === "install" || params[name] !== current[name])).map((name) => ({
    param: name,
    message: `${name} cannot be set on a rack in an existing VPC (${vpc}): its subnets, routes, NAT gateways and address range are the network team's, and racknet changes none of them`,
    fix:
      name === "Private"
        ? `services run in ExistingPrivateSubnets when they are given (without public IPs), else in ExistingPublicSubnets; leave Private and ${Flag.private} out`
        : `leave ${name} out; the VPC's own ${name === "VPCCIDR" ? "range is read from AWS" : "NAT gateways, transit gateway or endpoints carry the rack's egress"}`,
  }));
}

/** Rules between parameters. */
export function ruleProblems(params: RackParams): ParamProblem[] {
  const problems: ParamProblem[] = [...egressProblems(params), ...existingVpcProblems(params), ...transitGatewayProblems(params)];
  if (params.InternalOnly === "Yes" && params.Internal !== "Yes") {
    problems.push({
      param: "InternalOnly",
      message: "InternalOnly=Yes removes the external load balancer and needs the internal one",
      fix: "set both: InternalOnly=Yes Internal=Yes",
    });
  }
  if (params.HostedZoneId && !params.Domain) {
    problems.push({
      param: "HostedZoneId",
      message: "HostedZoneId names the public zone of the Domain, and the rack has no Domain",
      fix: "set both: Domain=apps.example.com HostedZoneId=Z0123456789ABCDEFGHIJ",
    });
  }
  return problems;
}

/** NatGateways and VpcEndpoints need the private subnets they serve; None needs the endpoints. */
function egressProblems(params: RackParams): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const isPrivate = params.Private === "Yes";
  if (params.NatGateways !== "PerZone" && params.ExistingVpc === "" && !isPrivate) {
    problems.push({
      param: "NatGateways",
      message: `NatGateways=${params.NatGateways} sets the NAT gateways of the private subnets, and the rack has none (Private=No)`,
      fix: params.Private === "No" ? `set both: Private=Yes NatGateways=${params.NatGateways}, or NatGateways=PerZone with Private=No` : `Private=Yes NatGateways=${params.NatGateways}`,
    });
  }
  if (params.NatGateways === "None" && params.VpcEndpoints !== "Yes") {
    problems.push({
      param: "NatGateways",
      message: "NatGateways=None leaves the private subnets without a way to the internet; tasks could not even pull their images or write their logs without the VPC endpoints",
      fix: "set both: NatGateways=None VpcEndpoints=Yes (then only AWS services the endpoints serve are reachable), or NatGateways=One",
    });
  }
  if (params.VpcEndpoints === "Yes" && !isPrivate) {
    problems.push({
      param: "VpcEndpoints",
      message: "VpcEndpoints=Yes puts interface endpoints in the private subnets, and the rack has none: its tasks have public IPs and reach AWS directly",
      fix: params.ExistingVpc === "" ? "set both: Private=Yes VpcEndpoints=Yes" : "give ExistingPrivateSubnets too, or leave VpcEndpoints out",
    });
  }
  return problems;
}

/**
 * TransitGatewayId and its ranges come together; the attachment goes in the private subnets
 * racknet makes, and the routes in its route tables, so a rack in an existing VPC (whose routes
 * are the network team's) or without private subnets is refused. A range the VPC itself holds
 * cannot be routed elsewhere. Whether the gateway exists, and in which Region, is checked
 * against AWS (src/rack-steps/transit-gateway.ts).
 */
function transitGatewayProblems(params: RackParams): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const cidrs = splitList(params.TransitGatewayCidrs);
  if (params.TransitGatewayId === "") {
    if (cidrs.length > 0) problems.push({ param: "TransitGatewayCidrs", message: "TransitGatewayCidrs names ranges to route through a transit gateway, and TransitGatewayId is not given", fix: `give the gateway too: TransitGatewayId=tgw-… TransitGatewayCidrs=${params.TransitGatewayCidrs}` });
    return problems;
  }
  if (cidrs.length === 0) {
    problems.push({ param: "TransitGatewayId", message: "TransitGatewayId attaches the rack to a transit gateway, and TransitGatewayCidrs names no range to route through it", fix: `name the ranges behind it: TransitGatewayId=${params.TransitGatewayId} TransitGatewayCidrs=10.20.0.0/16` });
  }
  if (params.ExistingVpc !== "") {
    problems.push({ param: "TransitGatewayId", message: `TransitGatewayId cannot be set on a rack in an existing VPC (${params.ExistingVpc}): its route tables are the network team's, and racknet changes none of them`, fix: "attach the VPC to the transit gateway and route to it as your network team does; leave TransitGatewayId out" });
  } else if (params.Private !== "Yes") {
    problems.push({ param: "TransitGatewayId", message: "TransitGatewayId: the transit gateway attachment goes in the rack's private subnets, and the rack has none (Private=No)", fix: `set both: Private=Yes TransitGatewayId=${params.TransitGatewayId}` });
  }
  const own = parseCidr(params.VPCCIDR);
  for (const item of cidrs) {
    const block = parseCidr(item);
    if (own && block && blocksOverlap(own, block)) {
      problems.push({ param: "TransitGatewayCidrs", message: `TransitGatewayCidrs: ${item} overlaps the rack's own range ${params.VPCCIDR}, which stays inside the VPC`, fix: "list only ranges outside the rack's VPC" });
    }
  }
  return problems;
}

/**
 * Each range of TransitGatewayCidrs is a route in its own list slot; a range that moves to
 * another slot would be replaced, and CloudFormation makes the new route before it deletes the
 * old one: EC2 refuses the second route to the same range (RouteAlreadyExists). So ranges kept
 * keep their place: new ones are added at the end, and only the last ones are removed.
 */
function transitGatewaySlotProblems(current: RackParams, params: RackParams): ParamProblem[] {
  const before = splitList(current.TransitGatewayCidrs);
  const after = splitList(params.TransitGatewayCidrs);
  const moved = after.filter((cidr, index) => before.includes(cidr) && before.indexOf(cidr) !== index);
  if (moved.length === 0) return [];
  return [
    {
      param: "TransitGatewayCidrs",
      message: `TransitGatewayCidrs would move ${moved.join(", ")} to another place in the list: each place is a route of its own, and a route that moves is made again while the old one still holds its range (EC2 refuses it)`,
      fix: "keep the listed ranges in their order, add new ones at the end, remove only from the end; to take one out of the middle, set the list up to it first, then add back the ones after it (two params set)",
    },
  ];
}

/** ExistingVpc and its subnets come together; the subnets are checked against AWS at install (src/rack/existing-vpc.ts). */
function existingVpcProblems(params: RackParams): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const lists = ["ExistingPublicSubnets", "ExistingPrivateSubnets"] as const;
  if (params.ExistingVpc === "") {
    for (const name of lists) {
      if (params[name] !== "") problems.push({ param: name, message: `${name} names subnets of an existing VPC, and ExistingVpc is not given`, fix: `give the VPC too: ExistingVpc=vpc-… ${name}=${params[name]}` });
    }
    return problems;
  }
  if (params.ExistingPublicSubnets === "" && params.InternalOnly !== "Yes") {
    problems.push({
      param: "ExistingPublicSubnets",
      message: "ExistingPublicSubnets is empty: a rack in an existing VPC needs its public subnets for the external load balancer",
      fix: "ExistingPublicSubnets=subnet-…,subnet-… (one per zone, routed to an internet gateway), or InternalOnly=Yes Internal=Yes with ExistingPrivateSubnets",
    });
  }
  if (params.ExistingPublicSubnets === "" && params.ExistingPrivateSubnets === "") {
    problems.push({ param: "ExistingPrivateSubnets", message: "ExistingPrivateSubnets and ExistingPublicSubnets are both empty: a rack in an existing VPC needs subnets to run in", fix: "ExistingPrivateSubnets=subnet-…,subnet-… (one per zone)" });
  }
  for (const name of lists) {
    const count = splitList(params[name]).length;
    if (count === 1) problems.push({ param: name, message: `${name} names one subnet; load balancers and Fargate services need subnets in at least two zones`, fix: `${name}=subnet-…,subnet-… (one per zone, two or three zones)` });
  }
  return problems;
}

/** Facts the template needs that the user does not set; racknet derives them. */
export interface DerivedParams {
  /** The zones chosen at install (src/rack/zones.ts), stored in the stack and passed unchanged on every update. */
  availabilityZones: readonly string[];
  /** ARN of the rack's certificate in ACM (signed by the rack CA), the default certificate of every HTTPS listener. */
  rackCertificateArn: string;
  /** The certificates holding every app's wildcard on the internal and router listeners (docs/rack-template.md, "Certificates"). */
  internalAppsCertificateArn?: string;
  routerAppsCertificateArn?: string;
  /** `1` to cap the sync function's concurrency, `none` where the account cannot spare it. */
  syncReservedConcurrency?: "1" | "none";
}

/** The CloudFormation parameters for a rack: the user's, then the derived ones. */
export function toCfnParameters(params: RackParams, derived: DerivedParams): Record<string, string> {
  const cfn: Record<string, string> = {};
  for (const spec of PARAMS) cfn[spec.cfnName] = params[spec.name];
  const prefix = Number(params.VPCCIDR.split("/")[1] ?? 16);
  cfn[RackParameter.AvailabilityZones] = derived.availabilityZones.join(",");
  cfn[RackParameter.AvailabilityZoneCount] = String(derived.availabilityZones.length);
  // Eight equal subnets: public and private for up to three AZs, two spare.
  // Eight slots in a VPC racknet makes; an existing VPC's range (up to /28) has no slots, and the value is unused.
  cfn[RackParameter.SubnetBits] = String(Math.min(13, Math.max(5, 32 - prefix - 3)));
  cfn[RackParameter.InternalRouterCidrCount] = String(splitList(params.internal_router_cidrs).length);
  cfn[RackParameter.InternalRouterVpcCount] = String(splitList(params.internal_router_vpcs).length);
  cfn[RackParameter.TransitGatewayCidrCount] = String(params.TransitGatewayId === "" ? 0 : splitList(params.TransitGatewayCidrs).length);
  cfn[RackParameter.RackCertificateArn] = derived.rackCertificateArn;
  cfn[RackParameter.InternalAppsCertificateArn] = derived.internalAppsCertificateArn ?? "";
  cfn[RackParameter.RouterAppsCertificateArn] = derived.routerAppsCertificateArn ?? "";
  cfn.SyncReservedConcurrency = derived.syncReservedConcurrency ?? "1";
  return cfn;
}

/** Read the user's parameters back from a stack's parameters (hidden ones are ignored). */
export function fromCfnParameters(cfn: Readonly<Record<string, string | undefined>>): RackParams {
  const params = defaultParams();
  for (const spec of PARAMS) {
    const value = cfn[spec.cfnName];
    if (value !== undefined) params[spec.name] = value;
  }
  return params;
}

