/**
 * One service of convox.yml as the typed model, with Convox's defaults applied here and
 * nowhere else. Tolerant: values the schema rejected are already reported; what cannot be
 * read keeps its default, so every other problem is still found in the same run. Pure.
 */
import { isIP } from "node:net";
import { readCommand } from "./command.js";
import type { BuildArg, EnvironmentEntry, Service, ServiceBuild, ServicePort } from "./model.js";
import { readNlb } from "./read-nlb.js";
import { readProbe } from "./read-probe.js";
import { readHealth, readScale } from "./read-scale.js";
import { readPort } from "./read-port.js";

export { readPort } from "./read-port.js";
import { readDomains } from "./domains.js";

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const integer = (value: unknown): number | undefined => (typeof value === "number" && Number.isInteger(value) ? value : undefined);

/**
 * racknet's deployment default when none is given: never below the desired count (Convox
 * keeps 50%). A rack change (Private=Yes) moves every app through a deployment, and this
 * keeps every service at full strength while it does.
 */
export const DEFAULT_DEPLOYMENT = { minimum: 100, maximum: 200 } as const;
/** A singleton (or an agent) stops its old task before the new one starts, as in Convox. */
export const SINGLETON_DEPLOYMENT = { minimum: 0, maximum: 100 } as const;
/** Convox's `drain` default: the load balancer's deregistration delay, seconds. */
export const DEFAULT_DRAIN = 30;

export interface ServiceSource {
  name: string;
  fields: Fields;
  /** The top-level `environment:`, which every service gets first. */
  appEnvironment: EnvironmentEntry[];
  /** `PORT: 3000` in the map form is the text written, not the number YAML read. */
  sourceText: (key: string) => string | undefined;
}

export function readService({ name, fields, appEnvironment, sourceText }: ServiceSource): Service {
  const own = readEnvironment(fields.environment, sourceText);
  const singleton = fields.singleton === true;
  const deployment = isRecord(fields.deployment) ? fields.deployment : {};
  const base = singleton ? SINGLETON_DEPLOYMENT : DEFAULT_DEPLOYMENT;
  const command = readCommand(fields.command);
  const port = readPort(fields.port);
  const termination = isRecord(fields.termination) ? integer(fields.termination.grace) : undefined;
  const build = readBuild(fields);
  const probe = readProbe(fields.liveness, fields.startupProbe, port);
  return {
    name,
    ...(typeof fields.image === "string" && fields.image !== "" ? { image: fields.image } : {}),
    ...(build ? { build } : {}),
    ...(command ? { command } : {}),
    ...(port ? { port } : {}),
    internal: fields.internal === true,
    internalAndExternal: fields.internalAndExternal === true,
    internalRouter: fields.internalRouter === true,
    links: Array.isArray(fields.links) ? fields.links.filter((link): link is string => typeof link === "string") : [],
    environment: combineEnvironment(appEnvironment, own),
    environmentAll: [...appEnvironment, ...own].some((entry) => entry.key === "*"),
    scale: readScale(fields.scale),
    health: readHealth(fields.health),
    deployment: { minimum: integer(deployment.minimum) ?? base.minimum, maximum: integer(deployment.maximum) ?? base.maximum },
    drain: integer(fields.drain) ?? DEFAULT_DRAIN,
    ...(termination !== undefined ? { terminationGrace: termination } : {}),
    // Convox 2 (ECS) turns stickiness on unless the file says otherwise.
    sticky: fields.sticky !== false,
    domains: readDomains(fields.domain),
    whitelist: readWhitelist(fields.whitelist),
    init: fields.init === true,
    nlb: readNlb(fields.nlb),
    ...(typeof fields.timeout === "number" && Number.isInteger(fields.timeout) ? { timeout: fields.timeout } : {}),
    ...(probe ? { probe } : {}),
  };
}

/** Convox: a service with neither image nor build is built from `.`; `build.manifest` is the Dockerfile. */
function readBuild(fields: Fields): ServiceBuild | undefined {
  const build = fields.build;
  if (build === undefined && typeof fields.image === "string" && fields.image !== "") return undefined;
  const settings = isRecord(build) ? build : {};
  const path = typeof build === "string" ? build : typeof settings.path === "string" ? settings.path : ".";
  const args: BuildArg[] = (Array.isArray(settings.args) ? settings.args : []).filter((arg): arg is string => typeof arg === "string").map((arg) => {
    const at = arg.indexOf("=");
    return at < 0 ? { name: arg } : { name: arg.slice(0, at), value: arg.slice(at + 1) };
  });
  return { path: path === "" ? "." : path, dockerfile: typeof settings.manifest === "string" && settings.manifest !== "" ? settings.manifest : "Dockerfile", args };
}

/** The list form (`NAME=value`, `NAME`, `*`) or the map form (`NAME: value`, `NAME:` for none). */
export function readEnvironment(environment: unknown, sourceText: (key: string) => string | undefined): EnvironmentEntry[] {
  if (Array.isArray(environment)) {
    return environment
      .filter((entry): entry is string => typeof entry === "string")
      .map((entry) => {
        const at = entry.indexOf("=");
        return at < 0 ? { key: entry } : { key: entry.slice(0, at), value: entry.slice(at + 1) };
      });
  }
  if (isRecord(environment)) {
    return Object.entries(environment).map(([key, value]) => {
      if (value === null || value === undefined) return { key };
      return { key, value: typeof value === "string" ? value : (sourceText(key) ?? String(value)) };
    });
  }
  return [];
}

/** The app's entries first, then the service's; a later entry of the same name wins (Convox's map assignment). */
function combineEnvironment(app: readonly EnvironmentEntry[], own: readonly EnvironmentEntry[]): EnvironmentEntry[] {
  const byKey = new Map<string, EnvironmentEntry>();
  for (const entry of [...app, ...own]) {
    if (entry.key === "*") continue;
    byKey.delete(entry.key);
    byKey.set(entry.key, entry);
  }
  return [...byKey.values()];
}

/** `"10.0.0.0/8, 192.0.2.0/24"` (Convox 3) or a list (Convox 2's balancers): the CIDRs, trimmed. */
export function readWhitelist(whitelist: unknown): string[] {
  const items = typeof whitelist === "string" ? whitelist.split(",") : Array.isArray(whitelist) ? whitelist.filter((item): item is string => typeof item === "string") : [];
  // A bare address is one host, as Convox's nginx reads it; a load balancer condition needs the prefix.
  const asCidr = (item: string) => (isIP(item) === 4 ? `${item}/32` : isIP(item) === 6 ? `${item}/128` : item);
  return items.map((item) => asCidr(item.trim())).filter((item) => item !== "");
}
