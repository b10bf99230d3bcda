/**
 * `racknet scale`: a service's count, CPU or memory set without editing convox.yml, kept
 * across deploys until the manifest changes that key (Convox: the manifest's scale is the
 * first deploy's, then `convox scale` owns it). Each setting remembers the manifest's value
 * of its key when it was made; a deploy whose manifest still says the same keeps the
 * setting, one that says something else drops it (the manifest was edited on purpose). Pure.
 */
import { memoryChoices } from "../manifest/fargate.js";
import type { Manifest, Service } from "../manifest/model.js";
import { DEFAULT_CPU_TARGET } from "../manifest/read-scale.js";

export interface ScaleSetting {
  count?: { min: number; max: number };
  cpu?: number;
  memory?: number;
}

export interface ScaleOverride {
  /** What `racknet scale` set. */
  set: ScaleSetting;
  /** The manifest's value of each key set, when it was set. */
  manifest: ScaleSetting;
}

export type ScaleOverrides = Record<string, ScaleOverride>;

export type ScaleKey = keyof ScaleSetting;

export interface DroppedSetting {
  service: string;
  key: ScaleKey;
  reason: string;
}

export interface ScaledManifest {
  manifest: Manifest;
  /** The settings still in force: stored with the release. */
  kept: ScaleOverrides;
  dropped: DroppedSetting[];
}

const KEYS: readonly ScaleKey[] = ["count", "cpu", "memory"];

function valueOf(service: Service, key: ScaleKey): ScaleSetting[ScaleKey] {
  if (key === "count") return { min: service.scale.min, max: service.scale.max };
  return service.scale[key];
}

function same(a: ScaleSetting[ScaleKey], b: ScaleSetting[ScaleKey]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The manifest with the settings that still hold applied, and which ones the manifest overrode. */
export function applyScaleOverrides(manifest: Manifest, overrides: ScaleOverrides): ScaledManifest {
  const kept: ScaleOverrides = {};
  const dropped: DroppedSetting[] = [];
  const services = manifest.services.map((service) => {
    const override = overrides[service.name];
    if (!override) return service;
    const holding: ScaleOverride = { set: {}, manifest: {} };
    for (const key of KEYS) {
      const set = override.set[key];
      if (set === undefined) continue;
      if (!same(valueOf(service, key), override.manifest[key])) {
        dropped.push({ service: service.name, key, reason: `convox.yml changed services.${service.name}.scale.${key}` });
        continue;
      }
      Object.assign(holding.set, { [key]: set });
      Object.assign(holding.manifest, { [key]: override.manifest[key] });
    }
    const scaled = scaleService(service, holding.set);
    if (!memoryChoices(scaled.scale.cpu).includes(scaled.scale.memory)) {
      // One key was dropped and the other alone makes a size Fargate does not run: the manifest's size stands.
      for (const key of ["cpu", "memory"] as const) {
        if (holding.set[key] === undefined) continue;
        dropped.push({ service: service.name, key, reason: `with convox.yml's ${key === "cpu" ? "memory" : "cpu"} it is not a Fargate size` });
        delete holding.set[key];
        delete holding.manifest[key];
      }
    }
    if (Object.keys(holding.set).length > 0) kept[service.name] = holding;
    return scaleService(service, holding.set);
  });
  for (const name of Object.keys(overrides)) {
    if (!manifest.services.some((service) => service.name === name)) dropped.push({ service: name, key: "count", reason: `convox.yml has no service ${name}` });
  }
  return { manifest: { ...manifest, services }, kept, dropped };
}

/** The service with these settings: a range of counts autoscales (on 80% CPU when it has no targets). */
export function scaleService(service: Service, setting: ScaleSetting): Service {
  if (Object.keys(setting).length === 0) return service;
  const count = setting.count ?? { min: service.scale.min, max: service.scale.max };
  const ranged = count.max > count.min;
  const targets = ranged && Object.keys(service.scale.targets).length === 0 ? { cpu: DEFAULT_CPU_TARGET } : service.scale.targets;
  return {
    ...service,
    scale: { ...service.scale, ...count, cpu: setting.cpu ?? service.scale.cpu, memory: setting.memory ?? service.scale.memory, targets },
  };
}

/**
 * A new `racknet scale` on top of the settings in force: each key given replaces the one
 * before, remembering the manifest's value (of the release's manifest, the one deployed).
 */
export function withSetting(overrides: ScaleOverrides, service: Service, setting: ScaleSetting): ScaleOverrides {
  const before = overrides[service.name] ?? { set: {}, manifest: {} };
  const next: ScaleOverride = { set: { ...before.set }, manifest: { ...before.manifest } };
  for (const key of KEYS) {
    const value = setting[key];
    if (value === undefined) continue;
    Object.assign(next.set, { [key]: value });
    Object.assign(next.manifest, { [key]: valueOf(service, key) });
  }
  return { ...overrides, [service.name]: next };
}

/** `3`, `2-6`: a count as `racknet scale --count` takes it (Convox's spellings). */
export function parseCount(text: string): { min: number; max: number } | undefined {
  const match = /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(text.trim());
  if (!match) return undefined;
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  return min <= max ? { min, max } : undefined;
}

/** `3` or `2-6`, for messages and tables. */
export function countText(count: { min: number; max: number }): string {
  return count.min === count.max ? String(count.min) : `${count.min}-${count.max}`;
}
