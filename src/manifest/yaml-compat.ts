/**
 * Where Convox's YAML (Go's yaml.v2, a YAML 1.1 reader) and YAML 1.2 read the same text
 * differently, convox.yml is read as Convox reads it:
 * - `yes`/`no`/`on`/`off`/`y`/`n` are booleans in the keys that take a boolean;
 * - a quoted merge key (`"<<": *base`) merges like a plain one.
 * Plain `<<` merge keys and anchors are the YAML library's (`merge: true`). Pure.
 */

type Fields = Record<string, unknown>;

const TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"]);
const FALSE = new Set(["n", "N", "no", "No", "NO", "off", "Off", "OFF"]);

/** Service keys that take true or false (agent also takes a map). */
export const BOOLEAN_SERVICE_KEYS = ["internal", "internalAndExternal", "internalRouter", "sticky", "singleton", "init", "privileged", "grpcHealthEnabled", "agent"] as const;

function yamlBoolean(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  return value;
}

function isRecord(value: unknown): value is Fields {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Merges `"<<"` keys (what is left of them after the YAML library's own merge) into their map, everywhere. */
function mergeQuotedKeys(value: unknown, depth = 0): unknown {
  // The YAML library already refuses aliases that expand without end; the depth is a second fence.
  if (depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => mergeQuotedKeys(item, depth + 1));
  if (!isRecord(value)) return value;
  const own = Object.fromEntries(Object.entries(value).filter(([key]) => key !== "<<").map(([key, item]) => [key, mergeQuotedKeys(item, depth + 1)]));
  if (!("<<" in value)) return own;
  const sources = (Array.isArray(value["<<"]) ? value["<<"] : [value["<<"]]).filter(isRecord);
  // As in YAML's merge: the map's own keys win, then the first source that has the key (spread, not assignment: `__proto__` stays a key).
  const merged = [...sources].reverse().reduce<Fields>((into, source) => ({ ...into, ...(mergeQuotedKeys(source, depth + 1) as Fields) }), {});
  return { ...merged, ...own };
}

/** True when a `"<<"` key is left anywhere: most files have none, and are not copied. */
function hasQuotedMergeKey(value: unknown, seen = new Set<unknown>()): boolean {
  if (value === null || typeof value !== "object" || seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.some((item) => hasQuotedMergeKey(item, seen));
  return "<<" in value || Object.values(value).some((item) => hasQuotedMergeKey(item, seen));
}

/**
 * Whether the file's text can hold a `"<<"` key at all: it is written `<<`, or spelled with an
 * escape in a double-quoted key (`"\x3c<"`). Most files have neither, and their value is not
 * searched, which on a file of hundreds of services is a walk over thousands of nodes.
 */
export function mayHoldMergeKey(text: string): boolean {
  return text.includes("<<") || text.includes("\\");
}

/** The parsed YAML, read as Convox reads it; `text`, the file's, when it is known. */
export function asConvoxReadsIt(value: unknown, text?: string): unknown {
  const merged = (text === undefined || mayHoldMergeKey(text)) && hasQuotedMergeKey(value) ? mergeQuotedKeys(value) : value;
  if (!isRecord(merged) || !isRecord(merged.services)) return merged;
  // Built with fromEntries: a service named `__proto__` stays a key (an assignment would set the prototype).
  const services: Fields = Object.fromEntries(
    Object.entries(merged.services).map(([name, service]) => {
      const yamlBooleans = isRecord(service) && (BOOLEAN_SERVICE_KEYS.some((key) => typeof service[key] === "string") || (isRecord(service.tls) && typeof service.tls.redirect === "string"));
      if (!isRecord(service) || !yamlBooleans) return [name, service];
      const fields: Fields = { ...service };
      for (const key of BOOLEAN_SERVICE_KEYS) if (key in fields) fields[key] = yamlBoolean(fields[key]);
      if (isRecord(fields.tls) && "redirect" in fields.tls) fields.tls = { ...fields.tls, redirect: yamlBoolean(fields.tls.redirect) };
      return [name, fields];
    }),
  );
  return { ...merged, services };
}
