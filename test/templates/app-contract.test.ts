import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest, resolveEnvironment, type Manifest } from "../../src/manifest/index.js";
import { FIELDS_OUTSIDE_THE_TEMPLATE } from "../../src/templates/app-contract-fields.js";
import { renderAppStack } from "../../src/templates/app.js";

/**
 * The contract between the manifest model and the app template: every field the parser
 * produces changes the template, or is on the documented list of fields that go elsewhere.
 * A key that is parsed, validated and then dropped fails here.
 */

const FILE = join(import.meta.dirname, "../fixtures/manifests/good/every-key.yml");
const STORED = { SESSION_SECRET: "a", API_TOKEN: "b", EXTRA: "c" };

function parsed(): Manifest {
  const { manifest, problems } = parseManifest(readFileSync(FILE, "utf8"), "convox.yml", { app: "shop", rack: "prod" });
  expect(problems).toEqual([]);
  if (!manifest) throw new Error("no manifest");
  return manifest;
}

function render(manifest: Manifest): string {
  const priorities: Record<string, number> = {};
  manifest.services.forEach((service, index) => ["internal", "router", "external"].forEach((kind, offset) => (priorities[`${service.name}:${kind}`] = 10 + index * 3 + offset)));
  const environment = resolveEnvironment(manifest, { rack: "prod", app: "shop", stored: STORED }).services;
  const images = Object.fromEntries(manifest.services.filter((service) => service.build).map((service) => [service.name, `registry/${service.name}:built`]));
  try {
    return renderAppStack({ rack: "prod", app: "shop", manifest, version: "0.1.0", priorities, images, environment }).body;
  } catch (error) {
    // A change the template refuses (a renamed service breaks a link) also depends on the field.
    return `refused: ${(error as Error).message}`;
  }
}

type Leaf = { path: (string | number)[]; value: unknown };

function leaves(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, [...path, index]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  return [{ path, value }];
}

function changed(value: unknown): unknown {
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  // An empty value stays empty: whether a value is empty reaches the template (it cannot be an SSM parameter), its content does not.
  if (typeof value === "string") return value === "" ? "" : `${value}x`;
  return "changed";
}

function withLeaf(manifest: Manifest, path: (string | number)[], value: unknown): Manifest {
  const copy = structuredClone({ ...manifest, positions: undefined }) as unknown as Record<string | number, unknown>;
  let node = copy;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path.at(-1) ?? ""] = value;
  return copy as unknown as Manifest;
}

/** `services.2.build.args.0.name` → `service.build.args[].name` */
function generic(path: (string | number)[]): string {
  const [collection, , ...rest] = path;
  const head = collection === "services" ? "service" : "timer";
  return [head, ...rest.map((segment) => (typeof segment === "number" ? "[]" : segment))].join(".").replace(/\.\[\]/g, "[]");
}

describe("every manifest field reaches the app template, or is listed with where it goes", () => {
  const manifest = parsed();
  const base = render(manifest);
  const reached = new Map<string, boolean>();
  for (const collection of ["services", "timers"] as const) {
    for (const leaf of leaves(manifest[collection]).map((entry) => ({ ...entry, path: [collection, ...entry.path] }))) {
      const key = generic(leaf.path);
      const differs = render(withLeaf(manifest, leaf.path, changed(leaf.value))) !== base;
      reached.set(key, (reached.get(key) ?? false) || differs);
    }
  }

  it("covers every field of the model the parser fills in", () => {
    expect(reached.size).toBeGreaterThan(40);
  });

  for (const [field, reaches] of [...reached].sort(([a], [b]) => a.localeCompare(b))) {
    const reason = FIELDS_OUTSIDE_THE_TEMPLATE[field];
    it(`${field} ${reason ? "goes elsewhere" : "reaches the template"}`, () => {
      if (reason) expect(reaches, `${field} is listed as outside the template (${reason}) but changes it`).toBe(false);
      else expect(reaches, `${field} is parsed but changes nothing in the template: act on it, or list it in src/templates/app-contract-fields.ts with where it goes`).toBe(true);
    });
  }

  it("lists no field the model does not have", () => {
    expect(Object.keys(FIELDS_OUTSIDE_THE_TEMPLATE).filter((field) => !reached.has(field))).toEqual([]);
  });
});
