import { coveredBy, formatBlock, isPublicRange, parseCidr, rangeCoveredBy, type Block } from "../rack/cidr.js";
import { RackParam, isOn, type RackParams } from "../rack/params.js";
import type { ExposedApp, ExposedService, ExposureModel, ServiceReach, Widening } from "./exposure-model.js";
import type { ResourceChange } from "./model.js";
import { securityGroupWidenings } from "./security-group-widening.js";

/**
 * The "widens exposure" section of a plan (issue 15, as CDK's `--require-approval
 * broadening`): every change that lets more places reach something that already exists.
 * Creating a rack, an app or a service is not broadening: what it exposes is shown in the
 * plan. Narrowing changes are never listed. Pure: computed from the models before and
 * after, and from the change set's property values where CloudFormation gives them.
 */
export function classifyBroadening(before: ExposureModel, after: ExposureModel, changes: readonly ResourceChange[] = [], options: { stackExists?: boolean } = {}): Widening[] {
  const rackBefore = before.rack;
  const rackAfter = after.rack;
  const widenings: Widening[] = rackAfter ? rackWidenings(rackBefore, rackAfter, after.apps) : [];
  const privateFlip = rackBefore !== undefined && rackAfter !== undefined && isOn(rackBefore, RackParam.Private) && !isOn(rackAfter, RackParam.Private);
  const appsBefore = new Map(before.apps.map((app) => [app.name, app]));
  for (const app of after.apps) {
    const was = appsBefore.get(app.name);
    if (was) widenings.push(...appWidenings(was, app, { publicIpsSaidByRack: privateFlip }));
  }
  if (options.stackExists ?? true) widenings.push(...securityGroupWidenings(changes));
  return widenings;
}

function rackWidenings(before: Readonly<RackParams> | undefined, after: Readonly<RackParams>, apps: readonly ExposedApp[]): Widening[] {
  const widenings: Widening[] = [];
  if (before && isOn(before, RackParam.InternalOnly) && !isOn(after, RackParam.InternalOnly)) {
    widenings.push({ kind: "internal-only", subject: "rack", sentence: "InternalOnly=No: an external load balancer makes the rack's external services reachable from the internet" });
  }
  if (before && isOn(before, RackParam.Private) && !isOn(after, RackParam.Private)) {
    const names = apps.map((app) => app.name);
    widenings.push({
      kind: "private",
      subject: "rack",
      sentence: `Private=No: the tasks of every app${names.length > 0 ? ` (${names.join(", ")})` : ""} get public IPv4 addresses and leave the NAT gateways`,
    });
  }
  widenings.push(...routerCidrWidenings(before, after), ...routerVpcWidenings(before, after));
  return widenings;
}

/** The CIDRs the internal router admits: its list, or the VPC CIDR when the list is empty; none without a router. */
function routerCidrs(params: Readonly<RackParams> | undefined): string[] {
  if (!params || !isOn(params, RackParam.InternalRouter)) return [];
  const listed = splitList(params[RackParam.InternalRouterCidrs]);
  return listed.length > 0 ? listed : [params[RackParam.VPCCIDR]];
}

function routerCidrWidenings(before: Readonly<RackParams> | undefined, after: Readonly<RackParams>): Widening[] {
  const routerExisted = before !== undefined && isOn(before, RackParam.InternalRouter);
  const was = routerCidrs(before).flatMap((cidr) => blockOf(cidr));
  const listed = new Set(splitList(after[RackParam.InternalRouterCidrs]));
  const widenings: Widening[] = [];
  for (const cidr of routerCidrs(after)) {
    const block = parseCidr(cidr);
    const added = block === undefined || !coveredBy(block, was);
    // The VPC's own CIDR (the default) is the rack's network, whatever its range.
    const isPublic = listed.has(cidr) && isPublicRange(cidr);
    // A new router admitting private networks is a creation; a public range is listed whenever it is new.
    if (!added || !(routerExisted || isPublic)) continue;
    const where = isPublic ? `${cidr}, outside the private ranges: anything routed to the VPC (peering, VPN, transit gateway) from there` : cidr;
    widenings.push({
      kind: "router-cidrs",
      subject: "rack",
      sentence: `internal_router_cidrs: the internal router admits ${where} (was ${was.length > 0 ? was.map(formatBlock).join(", ") : "no router"})`,
    });
  }
  return widenings;
}

function routerVpcWidenings(before: Readonly<RackParams> | undefined, after: Readonly<RackParams>): Widening[] {
  if (!before || !isOn(before, RackParam.InternalRouter) || !isOn(after, RackParam.InternalRouter)) return [];
  const was = new Set(splitList(before[RackParam.InternalRouterVpcs]));
  return splitList(after[RackParam.InternalRouterVpcs])
    .filter((vpc) => !was.has(vpc))
    .map((vpc) => ({ kind: "router-vpcs" as const, subject: "rack", sentence: `internal_router_vpcs: VPC ${vpc} is associated with the rack's router zone and resolves the names of its internal-router services` }));
}

const CHANNELS: Readonly<Record<ServiceReach, readonly string[]>> = {
  private: [],
  internal: ["from the VPC through the internal load balancer"],
  "internal-router": ["from peered networks through the internal router"],
  external: ["from the internet through the external load balancer"],
  "internal-and-external": ["from the VPC through the internal load balancer", "from the internet through the external load balancer"],
};

function fromInternet(reach: ServiceReach): boolean {
  return reach === "external" || reach === "internal-and-external";
}

function appWidenings(before: ExposedApp, after: ExposedApp, options: { publicIpsSaidByRack: boolean }): Widening[] {
  const was = new Map(before.services.map((service) => [service.name, service]));
  const widenings = after.services.flatMap((service) => {
    const old = was.get(service.name);
    return old ? serviceWidenings(`${after.name}/${service.name}`, old, service, options) : [];
  });
  if (!before.exec && after.exec) {
    widenings.push({ kind: "exec", subject: after.name, sentence: `Exec=Yes: whoever may call ecs:ExecuteCommand on the rack's cluster gets a shell in app ${after.name}'s running tasks (ECS Exec)` });
  }
  return widenings;
}

function serviceWidenings(subject: string, before: ExposedService, after: ExposedService, options: { publicIpsSaidByRack: boolean }): Widening[] {
  const widenings: Widening[] = [];
  const newChannels = CHANNELS[after.reach].filter((channel) => !CHANNELS[before.reach].includes(channel));
  // Leaving the internet for a private load balancer narrows: whoever reaches the new one could reach the old.
  if (newChannels.length > 0 && !(fromInternet(before.reach) && !fromInternet(after.reach))) {
    widenings.push({ kind: "service-reach", subject, sentence: `${subject} becomes reachable ${newChannels.join(" and ")} (was ${before.reach})` });
  }
  if (!before.publicIp && after.publicIp && !options.publicIpsSaidByRack) {
    widenings.push({ kind: "public-ip", subject, sentence: `${subject}: its tasks get public IPv4 addresses` });
  }
  const whitelist = whitelistWidening(before.whitelist, after.whitelist);
  if (whitelist && after.reach !== "private") widenings.push({ kind: "whitelist", subject, sentence: `${subject}: ${whitelist}` });
  return widenings;
}

function whitelistWidening(before: readonly string[] | undefined, after: readonly string[] | undefined): string | undefined {
  if (before === undefined) return undefined;
  if (after === undefined) return `its whitelist (${before.join(", ")}) is removed`;
  const added = after.filter((cidr) => !rangeCoveredBy(cidr, before));
  return added.length > 0 ? `its whitelist admits ${added.join(", ")} too` : undefined;
}

function blockOf(cidr: string): Block[] {
  const block = parseCidr(cidr);
  return block ? [block] : [];
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
