/**
 * Listener rule priorities for an app's services, on load balancers that many apps share.
 * Pure. A priority is unique per listener; an app keeps the ones it has, and a new rule
 * starts at a slot hashed from app/service/kind so apps rarely contend for the same one.
 */
import { UserError } from "../errors/index.js";
import { rackZoneName, routerZoneName } from "../names/index.js";
import type { EndpointKind } from "../manifest/model.js";

export const MAX_PRIORITY = 50_000;
/** Rules per Application Load Balancer, not counting default rules. */
export const ALB_RULE_LIMIT = 100;

export interface WantedRule {
  service: string;
  kind: EndpointKind;
  /** A rule for one of the service's `domain:` names (external listener), not its own name. */
  domain?: string;
}

/** A rule already on a listener; `app` when racknet knows which app owns it. */
export interface ExistingRule {
  priority: number;
  app?: string;
  hosts: string[];
}

export type ExistingRules = Partial<Record<EndpointKind, ExistingRule[]>>;

/** `"<service>:<kind>"`, the key of the app template's `priorities` input. */
export function priorityKey(service: string, kind: EndpointKind): string {
  return `${service}:${kind}`;
}

/** `"<service>:domain:<name>"`: the rule of one of a service's `domain:` names on the external listener. */
export function domainPriorityKey(service: string, name: string): string {
  return `${service}:domain:${name}`;
}

/**
 * A priority for every wanted rule, keyed by `priorityKey`. Throws a UserError when a
 * listener would hold more than `limit` rules, naming who uses them.
 */
export function assignPriorities(app: string, wanted: WantedRule[], existing: ExistingRules, limit = ALB_RULE_LIMIT): Record<string, number> {
  const assigned: Record<string, number> = {};
  const kinds = [...new Set(wanted.map((rule) => rule.kind))];
  for (const kind of kinds) {
    const services = [...new Set(wanted.filter((rule) => rule.kind === kind && !rule.domain).map((rule) => rule.service))].sort();
    const domains = wanted.filter((rule) => rule.kind === kind && rule.domain).sort((a, b) => (a.domain ?? "").localeCompare(b.domain ?? ""));
    // A rule matching one of this app's own domains is this app's (its host does not name the app).
    const ownDomains = new Set(domains.map((rule) => rule.domain));
    const rules = (existing[kind] ?? []).map((rule) => (rule.hosts.some((host) => ownDomains.has(host.toLowerCase())) ? { ...rule, app } : rule));
    checkLimit(app, kind, services.length + domains.length, rules, limit);
    // This app's own rules stay taken until the update removes them, so a new rule cannot reuse them.
    const taken = new Set(rules.map((rule) => rule.priority));
    const fresh: string[] = [];
    for (const service of services) {
      const kept = rules.find((rule) => rule.app === app && ownsHost(rule, service, app));
      if (kept) assigned[priorityKey(service, kind)] = kept.priority;
      else fresh.push(service);
    }
    for (const service of fresh) {
      const priority = probe(startSlot(app, service, kind), taken);
      taken.add(priority);
      assigned[priorityKey(service, kind)] = priority;
    }
    for (const { service, domain = "" } of domains) {
      const kept = rules.find((rule) => rule.app === app && rule.hosts.some((host) => host.toLowerCase() === domain));
      const priority = kept?.priority ?? probe(startSlot(app, `${service}/${domain}`, kind), taken);
      taken.add(priority);
      assigned[domainPriorityKey(service, domain)] = priority;
    }
  }
  return assigned;
}

/** Every racknet host of a service starts with `<service>.<app>.`. */
function ownsHost(rule: ExistingRule, service: string, app: string): boolean {
  return rule.hosts.some((host) => host.toLowerCase().startsWith(`${service}.${app}.`));
}

/** 1..MAX_PRIORITY, from FNV-1a of `app/service/kind`. */
export function startSlot(app: string, service: string, kind: EndpointKind): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${app}/${service}/${kind}`)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % MAX_PRIORITY) + 1;
}

function probe(start: number, taken: Set<number>): number {
  for (let step = 0; step < MAX_PRIORITY; step += 1) {
    const candidate = ((start - 1 + step) % MAX_PRIORITY) + 1;
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error("every listener rule priority is taken");
}

const LISTENER_NAMES: Record<EndpointKind, string> = {
  external: "external load balancer",
  internal: "internal load balancer",
  router: "internal router",
};

function checkLimit(app: string, kind: EndpointKind, needed: number, rules: ExistingRule[], limit: number): void {
  const others = rules.filter((rule) => rule.app !== app);
  const total = others.length + needed;
  if (total <= limit) return;
  const byOwner = new Map<string, number>();
  for (const rule of others) byOwner.set(rule.app ?? "not racknet", (byOwner.get(rule.app ?? "not racknet") ?? 0) + 1);
  const users = [...byOwner].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([owner, count]) => `${owner} ${count}`);
  throw new UserError(
    `the ${LISTENER_NAMES[kind]}'s listener would need ${total} rules; an Application Load Balancer allows ${limit}. ` +
      `${others.length} are used by other apps (${users.join(", ") || "none"}) and ${app} needs ${needed}`,
    { fix: `serve fewer services of ${app} on the ${LISTENER_NAMES[kind]}, remove apps you no longer need, or ask AWS to raise the "Rules per Application Load Balancer" quota` },
  );
}

/** racknet hosts are `<service>.<app>.<rack>.convox`, `...router.convox` or `<service>.<app>.<domain>`: the app is the second label. */
export function ruleOwner(hosts: readonly string[], rack: string): { app?: string } {
  for (const host of hosts) {
    const labels = host.toLowerCase().split(".");
    if (labels.length >= 3 && (host.endsWith(`.${rackZoneName(rack)}`) || host.endsWith(`.${routerZoneName(rack)}`) || labels.length >= 4)) {
      return { app: labels[1] };
    }
  }
  return {};
}
