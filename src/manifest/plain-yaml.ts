/**
 * The plainest YAML, read in one pass over the lines: what almost every convox.yml is (block
 * maps and lists, plain keys, plain or simply quoted one-line values, one-line lists of plain
 * values, comments). About ten times faster than js-yaml on a 500-service file, which matters
 * because `manifest check` of a big manifest was mostly the parse (BENCHMARKS.md, "Session 5:
 * start-up").
 *
 * It reads a file only when it is sure to give what the `yaml` library gives (YAML 1.2's core
 * schema); anything else, down to one line it does not know, and it gives up (undefined) and
 * the file is read by js-yaml or the `yaml` library (fast-read.ts, source.ts). So it never
 * reports a problem: it only knows when it is not the one to read a file.
 * test/unit/manifest-fast-read.test.ts compares its values with the `yaml` library's.
 */

type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

interface Line {
  indent: number;
  /** The key of a `key:` line; undefined for a `-` list item. */
  key: string | undefined;
  /** What follows `key:` or `- `, comment removed; undefined when nothing does. */
  value: string | undefined;
}

/** Gives up on this file: read it another way. */
class NotPlain extends Error {}

const KEY = /^[A-Za-z_][\w./-]*$/;
const COMMENT = /(^|\s)#.*$/;
const SPACE = 32;

/** The file's value, or undefined when it is not plain enough to be read here. */
export function readPlainYaml(text: string): { value: unknown } | undefined {
  if (text.includes("\r") || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    const lines = toLines(text);
    const first = lines[0];
    if (!first || first.indent !== 0 || first.key === undefined) return undefined;
    const reader = new Reader(lines);
    const value = reader.block(0);
    if (reader.at < lines.length) return undefined;
    return { value };
  } catch (error) {
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
}

/**
 * The file's lines that hold something, each a `key:` or a `-` item (else the file is not
 * plain). `- key: value` is an item whose map starts at the key's column: two lines here, as
 * YAML reads it (the item, then the map's first key, indented as the key stands).
 */
function toLines(text: string): Line[] {
  const lines: Line[] = [];
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    let at = start;
    while (at < end && text.charCodeAt(at) === SPACE) at += 1;
    const lineStart = start;
    start = end + 1;
    if (at === end || text[at] === "#") continue;
    while (text[at] === "-" && (at + 1 === end || text.charCodeAt(at + 1) === SPACE)) {
      const item = at;
      at += 1;
      while (at < end && text.charCodeAt(at) === SPACE) at += 1;
      if (at === end || !startsKey(text, at, end)) {
        lines.push({ indent: item - lineStart, key: undefined, value: withoutComment(text.slice(item + 1, end)) });
        at = -1;
        break;
      }
      lines.push({ indent: item - lineStart, key: undefined, value: undefined });
    }
    if (at < 0) continue;
    const colon = text.indexOf(":", at);
    if (colon < 0 || colon >= end || (colon + 1 < end && text.charCodeAt(colon + 1) !== SPACE)) throw new NotPlain();
    const key = text.slice(at, colon);
    if (!KEY.test(key)) throw new NotPlain();
    lines.push({ indent: at - lineStart, key, value: withoutComment(text.slice(colon + 1, end)) });
  }
  return lines;
}

/** Whether a `key:` starts here (a plain key, then `:` and a space or the line's end). */
function startsKey(text: string, at: number, end: number): boolean {
  const colon = text.indexOf(":", at);
  return colon > at && colon < end && (colon + 1 === end || text.charCodeAt(colon + 1) === SPACE) && KEY.test(text.slice(at, colon));
}

/** A value's text (after `key:` or `-`) without spaces around it or a trailing comment; undefined when nothing is left. Quoted text keeps its `#`. */
function withoutComment(raw: string): string | undefined {
  const text = raw.trim();
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const end = text.indexOf(quote, 1);
    if (end < 0) throw new NotPlain();
    const rest = text.slice(end + 1);
    if (rest !== "" && !/^\s+#/.test(rest)) throw new NotPlain();
    return text.slice(0, end + 1);
  }
  const value = text.includes("#") ? text.replace(COMMENT, "").trimEnd() : text;
  return value === "" ? undefined : value;
}

class Reader {
  at = 0;
  readonly lines: readonly Line[];
  constructor(lines: readonly Line[]) {
    this.lines = lines;
  }

  /** The map or list whose lines start here, at this indentation. */
  block(indent: number): Value {
    const line = this.lines[this.at];
    if (!line || line.indent !== indent) throw new NotPlain();
    return line.key === undefined ? this.list(indent) : this.map(indent);
  }

  private map(indent: number): Value {
    const map: { [key: string]: Value } = {};
    for (let line = this.lines[this.at]; line && line.indent === indent && line.key !== undefined; line = this.lines[this.at]) {
      const key = line.key;
      if (Object.hasOwn(map, key) || isSpecialWord(key)) throw new NotPlain();
      this.at += 1;
      map[key] = line.value === undefined ? this.nested(indent, true) : inline(line.value);
      this.after(indent);
    }
    return map;
  }

  private list(indent: number): Value {
    const list: Value[] = [];
    for (let line = this.lines[this.at]; line && line.indent === indent && line.key === undefined; line = this.lines[this.at]) {
      this.at += 1;
      list.push(line.value === undefined ? this.nested(indent, false) : inline(line.value));
      this.after(indent);
    }
    return list;
  }

  /** The value of `key:` or `-` with nothing after it: the lines indented deeper, a list at the key's own indentation, or null. */
  private nested(indent: number, ofKey: boolean): Value {
    const next = this.lines[this.at];
    if (next && next.indent > indent) return this.block(next.indent);
    if (ofKey && next && next.indent === indent && next.key === undefined) return this.list(indent);
    return null;
  }

  /** What may follow an entry: another at this indentation, or a line less indented. */
  private after(indent: number): void {
    const next = this.lines[this.at];
    if (next && next.indent > indent) throw new NotPlain();
  }
}

/** A value written on the key's or item's own line. */
function inline(text: string): Value {
  const first = text[0];
  if (first === '"' || first === "'") return quoted(text);
  if (first === "[") {
    if (!text.endsWith("]")) throw new NotPlain();
    return flowItems(text.slice(1, -1)).map((item) => (item[0] === '"' || item[0] === "'" ? quoted(item) : flowScalar(item)));
  }
  if (first === "{") {
    if (!text.endsWith("}")) throw new NotPlain();
    const map: { [key: string]: Value } = {};
    for (const item of flowItems(text.slice(1, -1))) {
      const colon = item.indexOf(": ");
      const key = item.slice(0, colon);
      if (colon < 0 || !KEY.test(key) || Object.hasOwn(map, key) || isSpecialWord(key)) throw new NotPlain();
      const value = item.slice(colon + 2).trim();
      map[key] = value[0] === '"' || value[0] === "'" ? quoted(value) : flowScalar(value);
    }
    return map;
  }
  return plainScalar(text);
}

/** `"text"` or `'text'` with no escape, no quote inside, on one line: the text itself. */
function quoted(text: string): string {
  const quote = text[0] ?? "";
  const inner = text.slice(1, -1);
  if (text.length < 2 || text.at(-1) !== quote || inner.includes(quote) || inner.includes("\\")) throw new NotPlain();
  return inner;
}

/** The items of a one-line flow list or map (`a, "b c", d`), each trimmed; none of them nested. */
function flowItems(inner: string): string[] {
  if (/[[\]{}#]/.test(inner)) throw new NotPlain();
  if (inner.trim() === "") return [];
  const items: string[] = [];
  let item = "";
  let quote = "";
  for (const char of inner) {
    if (quote) {
      item += char;
      if (char === quote) quote = "";
    } else if (char === ",") {
      items.push(item.trim());
      item = "";
    } else {
      if ((char === '"' || char === "'") && item.trim() === "") quote = char;
      item += char;
    }
  }
  if (quote) throw new NotPlain();
  items.push(item.trim());
  if (items.some((entry) => entry === "")) throw new NotPlain();
  return items;
}

/** A plain scalar inside `[...]` or `{...}`, where a `:` may start a key: left to the others. */
function flowScalar(text: string): Value {
  if (text.includes(":") || text.includes('"') || text.includes("'")) throw new NotPlain();
  return plainScalar(text);
}

/** Characters a plain scalar cannot start with (YAML 1.2, 7.3.3), or that this reader leaves to the others. */
const INDICATORS = "?:,[]{}#&*!|>'\"%@`";

/** A plain scalar as YAML 1.2's core schema reads it; gives up on any text it might read otherwise. */
function plainScalar(text: string): Value {
  if (text === "" || INDICATORS.includes(text[0] ?? "") || text.includes(": ") || text.endsWith(":")) throw new NotPlain();
  if (text === "~" || text === "null" || text === "Null" || text === "NULL") return null;
  if (text === "true" || text === "True" || text === "TRUE") return true;
  if (text === "false" || text === "False" || text === "FALSE") return false;
  if (!NUMBER_LIKE.test(text)) return text;
  if (/^-?[1-9][0-9]{0,14}$/.test(text) || text === "0") return Number(text);
  if (/^(0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/.test(text)) return Number(text);
  // `1-3` (a scale range), an IPv4 address and `.` (a build path) are text in YAML 1.2's core schema.
  if (/^[1-9][0-9]{0,2}-[0-9]{1,4}$/.test(text) || /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(text) || text === ".") return text;
  throw new NotPlain();
}

/**
 * Text that some YAML schema might read as a number, a date or a time (or Infinity, NaN):
 * it starts with a digit, a sign or a dot and holds nothing but digits, signs, dots, `_`,
 * `:`, `,`, spaces and the letters of exponents, bases, dates, `inf` and `nan`. Any other
 * text is a string (`10.0.0.0/8`, `2h`, `./app`, `-listen=:80`).
 */
const NUMBER_LIKE = /^[-+.0-9][-+.0-9_:, eExXoObBtTzZaAfFiInN]*$/;

/**
 * Keys YAML reads as something other than their text, and the names of Object.prototype's
 * properties (`constructor`, `__proto__`), which each reader stores its own way: left to the other readers.
 */
function isSpecialWord(key: string): boolean {
  return key in Object.prototype || /^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[yY]|[yY]es|YES|[nN]|[nN]o|NO|[oO]n|ON|[oO]ff|OFF)$/.test(key);
}
