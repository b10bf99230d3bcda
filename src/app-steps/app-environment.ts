/**
 * The app environment at deploy: what `racknet env set` stored, convox.yml's defaults, and
 * which SSM parameter each container reads. Values never reach a template; the template
 * gets the parameters' names and their versions, as a digest per task definition that
 * changes whenever a value it reads changes (src/templates/app-environment.ts).
 */
import { ValidationErrors } from "../errors/index.js";
import { deleteParameters, readAppParameters, writeSecret, type StoredParameter } from "../aws/app-environment.js";
import { appSecretsKey } from "./app-secrets-key.js";
import { resolveEnvironment, type ResolvedEnvironment } from "../manifest/environment.js";
import type { Manifest } from "../manifest/model.js";
import { appEnvironmentParameter, appEnvironmentPath } from "../names/index.js";
import type { Context } from "../runtime/context.js";

export interface PreparedEnvironment {
  resolved: ResolvedEnvironment;
  /** Every parameter's version as it will be after the deploy's writes (never a value). */
  versions: ReadonlyMap<string, number>;
  /** How many defaults the deploy writes, and how many stale ones it removes. */
  writes: number;
  deletes: number;
  /** Store the defaults, remove the stale ones (not on a dry run). */
  apply(): Promise<void>;
}

/** Read the app's parameters once, resolve the manifest's environment against them, and say what must be written. */
export async function prepareEnvironment(context: Context, rack: string, app: string, manifest: Manifest): Promise<PreparedEnvironment> {
  const ssm = await context.aws.ssm();
  const existing = await readAppParameters(ssm, rack, app);
  const stored = storedEnvironment(existing, rack, app);
  const resolved = resolveEnvironment(manifest, { rack, app, stored });
  if (resolved.problems.length > 0) {
    throw new ValidationErrors(`${manifest.file} needs the app environment; nothing was changed`, resolved.problems);
  }
  const defaultsPrefix = `${appEnvironmentPath(rack, app)}defaults/`;
  const toWrite = Object.entries(resolved.defaults).filter(([name, value]) => existing.get(name)?.value !== value);
  const toDelete = [...existing.keys()].filter((name) => name.startsWith(defaultsPrefix) && resolved.defaults[name] === undefined);
  // A write makes the next version: known before it happens, so a dry run shows the same plan.
  const versions = new Map([...existing].map(([name, parameter]) => [name, parameter.version]));
  for (const [name] of toWrite) versions.set(name, (versions.get(name) ?? 0) + 1);
  return {
    resolved,
    versions,
    writes: toWrite.length,
    deletes: toDelete.length,
    apply: async () => {
      const keyId = toWrite.length > 0 ? await appSecretsKey(context, rack) : undefined;
      for (const [name, value] of toWrite) await writeSecret(ssm, name, value, { rack, app }, existing.has(name), keyId);
      if (toDelete.length > 0) await deleteParameters(ssm, toDelete);
    },
  };
}

/** `racknet env set` values: NAME → value, from the parameters under the app's env path. */
export function storedEnvironment(parameters: ReadonlyMap<string, StoredParameter>, rack: string, app: string): Record<string, string> {
  const prefix = appEnvironmentParameter(rack, app, "");
  const stored: Record<string, string> = {};
  for (const [name, parameter] of parameters) if (name.startsWith(prefix)) stored[name.slice(prefix.length)] = parameter.value;
  return stored;
}

/** A default from convox.yml (`NAME=value`), as the last deploy stored it for a service. */
export interface StoredDefault {
  name: string;
  service: string;
  value: string;
}

/** The manifest's defaults the last deploy stored, for the names the app environment does not set (a set value wins). */
export function storedDefaults(parameters: ReadonlyMap<string, StoredParameter>, rack: string, app: string): StoredDefault[] {
  const prefix = `${appEnvironmentPath(rack, app)}defaults/`;
  const set = storedEnvironment(parameters, rack, app);
  const defaults: StoredDefault[] = [];
  for (const [name, parameter] of parameters) {
    if (!name.startsWith(prefix)) continue;
    const [service, variable] = name.slice(prefix.length).split("/");
    if (service && variable && set[variable] === undefined) defaults.push({ name: variable, service, value: parameter.value });
  }
  return defaults.sort((a, b) => a.name.localeCompare(b.name) || a.service.localeCompare(b.service));
}
