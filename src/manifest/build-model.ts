import { isScalar } from "yaml";
import type { Problem } from "../core/errors.js";
import { DEFAULT_CPU, defaultMemory } from "./fargate.js";
import { IGNORED_SCALE_KEYS, IGNORED_SERVICE_KEYS, IGNORED_TOP_LEVEL_KEYS, ignoredKey, type IgnoredKey } from "./keys.js";
import type { EnvironmentEntry, Manifest, Service, ServicePort, SourcePosition } from "./model.js";
import { didYouMean } from "./suggest.js";
import { formatPath, locate, where, type ManifestSource, type PathSegment } from "./source.js";

/**
 * The typed model from the parsed YAML, with Convox's defaults applied in this one place.
 * It tolerates values the schema rejected (those are already reported): it keeps what it
 * can read so the rules can still report every other problem in the same run.
 */

type Fields = Record<string, unknown>;

export interface BuiltManifest {
  manifest: Manifest;
  problems: Problem[];
  warnings: Problem[];
}

export function buildManifest(value: unknown, source: ManifestSource, positions: ReadonlyMap<string, SourcePosition>): BuiltManifest {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const at = (segments: readonly PathSegment[]) => {
    const position = positions.get(formatPath(segments)) ?? { line: 1, column: 1 };
    return where(source.file, position);
  };
  const note = (list: Problem[], segments: readonly PathSegment[], message: string, fix?: string) =>
    list.push({ where: at(segments), path: formatPath(segments), message, ...(fix ? { fix } : {}) });
  const warnIgnored = (segments: readonly PathSegment[], ignored: IgnoredKey) =>
    note(warnings, segments, `racknet does not act on ${formatPath(segments)} (Convox: ${ignored.convox}); it is ignored`, ignored.racknet ?? `remove ${ignored.key}: to silence this warning`);

  const top = isRecord(value) ? value : {};
  for (const key of Object.keys(top)) {
    const ignored = ignoredKey(IGNORED_TOP_LEVEL_KEYS, key);
    if (ignored) warnIgnored([key], ignored);
  }
  const servicesValue = isRecord(top.services) ? top.services : {};
  const services = Object.entries(servicesValue).map(([name, raw]) => {
    const fields = isRecord(raw) ? raw : {};
    for (const key of Object.keys(fields)) {
      const ignored = ignoredKey(IGNORED_SERVICE_KEYS, key);
      if (ignored) warnIgnored(["services", name, key], ignored);
    }
    if (isRecord(fields.scale)) {
      for (const key of Object.keys(fields.scale)) {
        const ignored = ignoredKey(IGNORED_SCALE_KEYS, key);
        if (ignored) warnIgnored(["services", name, "scale", key], ignored);
      }
    }
    const service = readService(name, fields, source);
    if (isRecord(raw)) checkImage(service, fields, note, problems, warnings);
    const range = countRange(fields.scale);
    const [min = 0, max = 0] = range?.split("-").map(Number) ?? [];
    if (range && (min > max || max > COUNT_MAX)) {
      note(problems, ["services", name, "scale", "count"], `services.${name}.scale.count ${range} must be a range from 0 to ${COUNT_MAX} tasks, the smaller number first`, `write count: ${Math.min(min, max, COUNT_MAX)}-${Math.min(Math.max(min, max), COUNT_MAX)}`);
    } else if (range) {
      note(warnings, ["services", name, "scale", "count"], `services.${name}.scale.count ${range} asks for autoscaling, which racknet does not do; it runs ${service.count}`, `write count: ${service.count} (or the count you want) to silence this warning`);
    }
    return service;
  });
  return { manifest: { file: source.file, services, positions }, problems, warnings };
}

function readService(name: string, fields: Fields, source: ManifestSource): Service {
  const command = readCommand(fields.command);
  const scale = readScale(fields.scale);
  const health = readHealth(fields.health);
  return {
    name,
    ...(typeof fields.image === "string" && fields.image !== "" ? { image: fields.image } : {}),
    ...(fields.build !== undefined ? { build: buildPath(fields.build) } : {}),
    ...command,
    ...(readPort(fields.port) ? { port: readPort(fields.port) } : {}),
    internal: fields.internal === true,
    internalAndExternal: fields.internalAndExternal === true,
    internalRouter: fields.internalRouter === true,
    links: Array.isArray(fields.links) ? fields.links.filter((link): link is string => typeof link === "string") : [],
    environment: readEnvironment(fields.environment, (key) => scalarSource(source, ["services", name, "environment", key])),
    ...scale,
    ...health,
  };
}

type Note = (list: Problem[], segments: readonly PathSegment[], message: string, fix?: string) => void;

function checkImage(service: Service, fields: Fields, note: Note, problems: Problem[], warnings: Problem[]): void {
  const path = ["services", service.name];
  // A misspelt image: is already reported as an unknown key with its suggestion; once is enough.
  const misspeltImage = Object.keys(fields).some((key) => key !== "image" && didYouMean(key, ["image"]) === "image");
  if (fields.build !== undefined && service.image) {
    note(warnings, [...path, "build"], `services.${service.name}.build is ignored: racknet does not run docker and deploys image: ${service.image}`, "remove build: to silence this warning");
  } else if (fields.build !== undefined) {
    note(
      problems,
      [...path, "build"],
      `services.${service.name}.build needs docker to build an image, and racknet does not run docker`,
      `build and push the image yourself (docker build, docker push), then replace build: with image:, for example\n      image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/${service.name}:1.0`,
    );
  } else if (!service.image && fields.image === undefined && !misspeltImage) {
    note(problems, path, `services.${service.name} has no image:; racknet deploys images and does not build them`, `add image:, for example image: nginx:1.27`);
  }
}

function buildPath(build: unknown): string {
  if (typeof build === "string") return build;
  if (isRecord(build) && typeof build.path === "string") return build.path;
  return ".";
}

function readCommand(command: unknown): Pick<Service, "command" | "commandArgv"> {
  if (typeof command === "string") return { command };
  if (Array.isArray(command) && command.every((word) => typeof word === "string")) return { command: command.join(" "), commandArgv: command };
  return {};
}

const PORT_TEXT = /^(?:(https?):)?(\d+)$/;

export function readPort(port: unknown): ServicePort | undefined {
  const valid = (value: number) => Number.isInteger(value) && value >= 1 && value <= 65535;
  if (typeof port === "number") return valid(port) ? { port, scheme: "http" } : undefined;
  if (typeof port === "string") {
    const match = PORT_TEXT.exec(port);
    const number = Number(match?.[2]);
    return match && valid(number) ? { port: number, scheme: match[1] === "https" ? "https" : "http" } : undefined;
  }
  if (isRecord(port) && typeof port.port === "number" && valid(port.port)) {
    return { port: port.port, scheme: port.scheme === "https" ? "https" : "http" };
  }
  return undefined;
}

function readEnvironment(environment: unknown, sourceText: (key: string) => string | undefined): EnvironmentEntry[] {
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
      // `PORT: 3000` is the text 3000, as written (not the number YAML read).
      return { key, value: typeof value === "string" ? value : (sourceText(key) ?? String(value)) };
    });
  }
  return [];
}

function scalarSource(source: ManifestSource, segments: readonly PathSegment[]): string | undefined {
  const node = locate(source.document, segments)?.value;
  return isScalar(node) && typeof node.source === "string" ? node.source : undefined;
}

function readScale(scale: unknown): Pick<Service, "count" | "cpu" | "memory"> {
  if (typeof scale === "number") return { count: scale, cpu: DEFAULT_CPU, memory: defaultMemory(DEFAULT_CPU) };
  const fields = isRecord(scale) ? scale : {};
  const cpu = typeof fields.cpu === "number" ? fields.cpu : DEFAULT_CPU;
  const memory = typeof fields.memory === "number" ? fields.memory : defaultMemory(cpu);
  return { count: readCount(fields.count), cpu, memory };
}

/** The schema's limit on scale.count, which a range cannot state in JSON Schema. */
const COUNT_MAX = 1000;

function readCount(count: unknown): number {
  if (typeof count === "number") return count;
  if (typeof count === "string" && /^\d+-\d+$/.test(count)) return Number(count.split("-")[0]);
  return 1;
}

function countRange(scale: unknown): string | undefined {
  return isRecord(scale) && typeof scale.count === "string" && /^\d+-\d+$/.test(scale.count) ? scale.count : undefined;
}

const DEFAULT_HEALTH_INTERVAL = 5;

function readHealth(health: unknown): Pick<Service, "healthPath" | "healthGraceSeconds" | "healthIntervalSeconds" | "healthTimeoutSeconds"> {
  const fields = isRecord(health) ? health : {};
  const path = typeof health === "string" ? health : typeof fields.path === "string" ? fields.path : "/";
  const interval = typeof fields.interval === "number" ? fields.interval : DEFAULT_HEALTH_INTERVAL;
  const grace = typeof fields.grace === "number" ? fields.grace : interval;
  const timeout = typeof fields.timeout === "number" ? fields.timeout : Math.max(2, interval - 1);
  return { healthPath: path, healthGraceSeconds: grace, healthIntervalSeconds: interval, healthTimeoutSeconds: timeout };
}

function isRecord(value: unknown): value is Fields {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
