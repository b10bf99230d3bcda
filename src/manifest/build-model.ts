import type { Problem } from "../errors/index.js";
import {
  IGNORED_SCALING_KEYS,
  IGNORED_SERVICE_KEYS,
  IGNORED_TOP_LEVEL_KEYS,
  REFUSED_AUTOSCALE_KEYS,
  REFUSED_QUEUE_DEPTH_KEYS,
  REFUSED_KEDA_KEYS,
  REFUSED_SCALE_KEYS,
  REFUSED_SERVICE_KEYS,
  REFUSED_TARGET_KEYS,
  REFUSED_TOP_LEVEL_KEYS,
  findKey,
  type IgnoredKey,
  type RefusedKey,
} from "./keys.js";
import type { EnvironmentEntry, Manifest, Service, SourcePosition, Timer } from "./model.js";
import { readCommand } from "./command.js";
import { readEnvironment, readService } from "./read-service.js";
import { readResources } from "./read-resources.js";
import { awsCron } from "./schedule.js";
import { valueRules } from "./value-rules.js";
import { balancerPorts } from "./balancer-rules.js";
import { nlbRules } from "./nlb-rules.js";
import { budgetRules, readBudget } from "./budget-rules.js";
import { formatPath, where, type ManifestSource, type PathSegment } from "./source.js";
import { RACKNET_VARIABLE_PREFIX, linkVariable } from "../names/index.js";

/**
 * The typed model from the parsed YAML (read as Convox reads it, yaml-compat.ts), with the
 * problems and warnings only the reader sees: ignored and refused keys, values that only
 * make sense in context. It tolerates values the schema rejected (those are already
 * reported) and keeps what it can read, so the rules still report every other problem.
 */

type Fields = Record<string, unknown>;

export interface BuiltManifest {
  manifest: Manifest;
  problems: Problem[];
  warnings: Problem[];
}

export type Note = (list: Problem[], segments: readonly PathSegment[], message: string, fix?: string) => void;

export function buildManifest(value: unknown, source: ManifestSource, positions: ReadonlyMap<string, SourcePosition>): BuiltManifest {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const at = (segments: readonly PathSegment[]) => where(source.file, positions.get(formatPath(segments)) ?? nearestPosition(positions, segments));
  const note: Note = (list, segments, message, fix) => list.push({ where: at(segments), path: formatPath(segments), message, ...(fix ? { fix } : {}) });
  const keyPolicies = (fields: Fields, path: PathSegment[], ignoredList: readonly IgnoredKey[], refusedList: readonly RefusedKey[]) => {
    for (const key of Object.keys(fields)) {
      const segments = [...path, key];
      const ignored = findKey(ignoredList, key);
      if (ignored) note(warnings, segments, `racknet does not act on ${formatPath(segments)} (Convox: ${ignored.convox}); it is ignored: ${ignored.safe}`, `remove ${key}: to silence this warning`);
      const refused = findKey(refusedList, key);
      if (refused) note(problems, segments, `racknet cannot do ${formatPath(segments)} (Convox: ${refused.convox}): ${refused.reason}`, refused.fix);
    }
  };

  const top = isRecord(value) ? value : {};
  keyPolicies(top, [], IGNORED_TOP_LEVEL_KEYS, REFUSED_TOP_LEVEL_KEYS);
  const appEnvironment = readEnvironment(top.environment, (key) => source.scalarText(["environment", key]));
  duplicateEnvironmentProblems(top.environment, ["environment"], note, problems);
  const servicesValue = isRecord(top.services) ? top.services : {};
  const linksOf = (raw: unknown): string[] => (isRecord(raw) && Array.isArray(raw.links) ? raw.links.filter((link): link is string => typeof link === "string") : []);
  const everyLink = Object.entries(servicesValue).flatMap(([name, raw]) => linksOf(raw).map((link) => ({ from: `services.${name}'s`, link })));
  reservedEnvironmentProblems(top.environment, ["environment"], everyLink, note, problems);
  const nlbOwners = new Map<number, string>();
  const ownServices: Service[] = Object.entries(servicesValue).map(([name, raw]) => {
    // `web:` with nothing: Convox's defaults (build: .).
    const fields = isRecord(raw) ? raw : {};
    const path = ["services", name];
    keyPolicies(fields, path, IGNORED_SERVICE_KEYS, REFUSED_SERVICE_KEYS);
    if (isRecord(fields.scale)) {
      keyPolicies(fields.scale, [...path, "scale"], [], REFUSED_SCALE_KEYS);
      if (isRecord(fields.scale.targets)) keyPolicies(fields.scale.targets, [...path, "scale", "targets"], [], REFUSED_TARGET_KEYS);
      if (isRecord(fields.scale.autoscale)) keyPolicies(fields.scale.autoscale, [...path, "scale", "autoscale"], IGNORED_SCALING_KEYS, REFUSED_AUTOSCALE_KEYS);
      if (isRecord(fields.scale.autoscale) && isRecord(fields.scale.autoscale.queueDepth)) keyPolicies(fields.scale.autoscale.queueDepth, [...path, "scale", "autoscale", "queueDepth"], [], REFUSED_QUEUE_DEPTH_KEYS);
      if (isRecord(fields.scale.keda)) keyPolicies(fields.scale.keda, [...path, "scale", "keda"], IGNORED_SCALING_KEYS, REFUSED_KEDA_KEYS);
    }
    duplicateEnvironmentProblems(fields.environment, [...path, "environment"], note, problems);
    reservedEnvironmentProblems(fields.environment, [...path, "environment"], linksOf(fields).map((link) => ({ from: "the", link })), note, problems);
    const service = readService({ name, fields, appEnvironment, sourceText: (key) => source.scalarText([...path, "environment", key]) });
    valueRules(service, fields, note, problems, warnings);
    nlbRules(name, fields.nlb, nlbOwners, note, problems);
    return service;
  });
  const balanced = balancerPorts(top.balancers, ownServices.map((service) => service.name), nlbOwners, note, problems);
  const services = ownServices.map((service) => (balanced.has(service.name) ? { ...service, nlb: [...service.nlb, ...(balanced.get(service.name) ?? [])] } : service));
  budgetRules(top.budget, services.map((service) => service.name), note, problems);
  const budget = problems.some((entry) => entry.path?.startsWith("budget")) ? undefined : readBudget(top.budget, services, note, problems, warnings);
  const timers = readTimers(top.timers, note, problems);
  const resources = readResources({ top, note, problems, warnings });
  return { manifest: { file: source.file, services, timers, resources, ...(budget ? { budget } : {}), positions }, problems, warnings };
}

function readTimers(value: unknown, note: Note, problems: Problem[]): Timer[] {
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([name, raw]): Timer[] => {
    const fields = isRecord(raw) ? raw : {};
    const path = ["timers", name];
    if ("policies" in fields) note(problems, [...path, "policies"], `racknet cannot do timers.${name}.policies (Convox: IAM policies for the timer's task): racknet's tasks have no task role`, "remove policies:");
    const command = readCommand(fields.command);
    if (typeof fields.schedule !== "string" || typeof fields.service !== "string" || !command) return [];
    const schedule = awsCron(fields.schedule);
    if ("problem" in schedule) {
      note(problems, [...path, "schedule"], `timers.${name}.schedule ${schedule.problem}`, schedule.fix);
      return [];
    }
    return [{ name, schedule: fields.schedule, cron: schedule.cron, service: fields.service, command }];
  });
}

/** `- A=1` then `- A=2` in one list: the map form's duplicate keys are YAML errors; the list form's are ours. */
function duplicateEnvironmentProblems(environment: unknown, path: string[], note: Note, problems: Problem[]): void {
  if (!Array.isArray(environment)) return;
  const first = new Map<string, number>();
  readEnvironment(environment, () => undefined).forEach((entry: EnvironmentEntry, index) => {
    const earlier = first.get(entry.key);
    if (earlier === undefined) {
      first.set(entry.key, index);
      return;
    }
    note(problems, [...path, index], `${formatPath(path)} sets ${entry.key} twice (entries ${earlier + 1} and ${index + 1}); only one value can reach the container`, `keep one ${entry.key}`);
  });
}

/**
 * A name racknet gives the container itself (RACKNET_*, `<LINK>_URL` for a link the service
 * has) would be in the task definition twice, and ECS would keep one of them: refused.
 */
function reservedEnvironmentProblems(environment: unknown, path: string[], links: readonly { from: string; link: string }[], note: Note, problems: Problem[]): void {
  const entries: [PathSegment, string][] = Array.isArray(environment)
    ? readEnvironment(environment, () => undefined).map((entry, index) => [index, entry.key])
    : isRecord(environment)
      ? Object.keys(environment).map((key) => [key, key])
      : [];
  if (entries.length === 0) return;
  const base = formatPath(path);
  // By variable, the first link that sets it (as a search of the list would find): the app's
  // environment is checked against every service's links, so no search per name.
  const linkBy = new Map<string, { from: string; link: string }>();
  for (const entry of links) if (!linkBy.has(linkVariable(entry.link))) linkBy.set(linkVariable(entry.link), entry);
  for (const [segment, name] of entries) {
    const linked = linkBy.get(name);
    if (name.startsWith(RACKNET_VARIABLE_PREFIX)) {
      note(problems, [...path, segment], `${base} sets ${name}, a name racknet sets itself (every ${RACKNET_VARIABLE_PREFIX}* name is racknet's)`, `rename ${name}; the container gets racknet's ${name} without it`);
    } else if (linked) {
      note(problems, [...path, segment], `${base} sets ${name}, which racknet sets for ${linked.from} link to ${linked.link}`, `rename ${name}, or remove ${linked.link} from links: to set it yourself`);
    }
  }
}

/** The position of the closest enclosing key the file has (a key merged in with `<<` has none of its own). */
function nearestPosition(positions: ReadonlyMap<string, SourcePosition>, segments: readonly PathSegment[]): SourcePosition {
  for (let length = segments.length - 1; length > 0; length -= 1) {
    const position = positions.get(formatPath(segments.slice(0, length)));
    if (position) return position;
  }
  return { line: 1, column: 1 };
}

function isRecord(value: unknown): value is Fields {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
