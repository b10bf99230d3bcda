import { CORE_SCHEMA, FAILSAFE_SCHEMA, load } from "js-yaml";
import type { SourcePosition } from "./model.js";

/**
 * The happy path of reading convox.yml: js-yaml builds the value 5-10 times faster than the
 * `yaml` library builds its document (BENCHMARKS.md), but keeps no positions. It is taken
 * only for files it reads exactly as the `yaml` library does (YAML 1.2 core schema, the
 * same values: test/unit/manifest-fast-read.test.ts compares them); anything else, and any
 * file js-yaml refuses, goes the `yaml` library's way, which says where each problem is.
 * The positions of a file read this way are computed only when something asks where a key
 * is: that is, when a problem or a warning must name its line (source.ts).
 */

/**
 * What js-yaml might read differently, or what only the `yaml` library reports with its
 * place: anchors and aliases (merges through them, and its refusal of aliases that expand
 * without end), merge keys, tags, explicit or flow-collection keys, more than one document,
 * tabs (YAML refuses them as indentation), and an empty or null key (the `yaml` library
 * names it "", js-yaml "null").
 */
const SLOW_PATH = [/(^|[{,])\s*(- +)?(~|null|Null|NULL)?\s*:(\s|$)/m, /(^|[\s[{,:-])[&*][^\s]/m, /<</, /(^|[\s[{,:-])!/m, /^\s*\?(\s|$)/m, /[\]}]\s*:(\s|$)/m, /^(---|\.\.\.)/m, /\t/];

const SCHEMA = CORE_SCHEMA;

/** The file's value, read by js-yaml; undefined when it must be read the `yaml` library's way. */
export function fastValue(text: string): { value: unknown } | undefined {
  if (text.trim() === "" || SLOW_PATH.some((pattern) => pattern.test(text))) return undefined;
  try {
    // Duplicate keys are refused (json: false): the slow path reports them with their lines.
    return { value: load(text, { schema: SCHEMA, json: false, maxAliases: 0 }) };
  } catch {
    return undefined;
  }
}

/**
 * The file read again with every scalar as the text it was written as (YAML's failsafe
 * schema: `1.50` stays "1.50", `0x1F` "0x1F"), for the few values whose text matters
 * (`PORT: 3000` in an environment map): the `yaml` library's document is not needed for it.
 * Only for a file fastValue read, so it reads the same keys in the same places.
 */
export function writtenValue(text: string): unknown {
  return load(text, { schema: FAILSAFE_SCHEMA, json: false, maxAliases: 0 });
}

/**
 * Whether a value has a key path (`services.web.links[0]`, as source.ts names positions):
 * what "the file has this key" asks on the happy path, without a position. With no merges
 * and no aliases (SLOW_PATH), every key of the value is written in the file. A key may hold
 * `.` or `[` itself: each key of a map that the path continues with is tried.
 */
export function hasPath(value: unknown, path: string): boolean {
  // Most paths are plain keys (`services.web.port`): tried whole first, and searched only when that fails.
  return (!path.includes("[") && hasKeys(value, path.split("."))) || searchPath(value, path);
}

function hasKeys(value: unknown, keys: readonly string[]): boolean {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== "object" || Array.isArray(current) || !Object.hasOwn(current, key)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}

function searchPath(value: unknown, path: string): boolean {
  if (path === "") return true;
  if (Array.isArray(value)) {
    const item = /^\[(\d+)\]/.exec(path);
    return item !== null && Number(item[1]) < value.length && searchPath(value[Number(item[1])], path.slice(item[0].length));
  }
  if (value === null || typeof value !== "object") return false;
  const rest = path.startsWith(".") ? path.slice(1) : path;
  // The key ends where the path does, or before one of its `.` or `[`: each such end is tried.
  for (let end = 0; end <= rest.length; end += 1) {
    if (end < rest.length && rest[end] !== "." && rest[end] !== "[") continue;
    const key = rest.slice(0, end);
    if (Object.hasOwn(value, key) && searchPath((value as Record<string, unknown>)[key], rest.slice(end))) return true;
  }
  return false;
}

/**
 * Positions by key path, made on first use by `compute` (the `yaml` library's walk), except
 * `has`, answered from the value itself.
 */
export class LazyPositions implements ReadonlyMap<string, SourcePosition> {
  readonly #compute: () => Map<string, SourcePosition>;
  readonly #value: unknown;
  #map?: Map<string, SourcePosition>;

  constructor(compute: () => Map<string, SourcePosition>, value: unknown) {
    this.#compute = compute;
    this.#value = value;
  }

  #positions(): Map<string, SourcePosition> {
    return (this.#map ??= this.#compute());
  }

  has(key: string): boolean {
    return hasPath(this.#value, key);
  }
  get(key: string): SourcePosition | undefined {
    return this.#positions().get(key);
  }
  get size(): number {
    return this.#positions().size;
  }
  forEach(callback: (value: SourcePosition, key: string, map: ReadonlyMap<string, SourcePosition>) => void, thisArg?: unknown): void {
    this.#positions().forEach((value, key) => callback.call(thisArg, value, key, this));
  }
  entries(): MapIterator<[string, SourcePosition]> {
    return this.#positions().entries();
  }
  keys(): MapIterator<string> {
    return this.#positions().keys();
  }
  values(): MapIterator<SourcePosition> {
    return this.#positions().values();
  }
  [Symbol.iterator](): MapIterator<[string, SourcePosition]> {
    return this.#positions()[Symbol.iterator]();
  }
}
