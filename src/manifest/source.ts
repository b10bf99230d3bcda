import { createRequire } from "node:module";
import type * as Yaml from "yaml";
import type { Alias, Document, Node, Scalar, YAMLError, YAMLMap, YAMLSeq } from "yaml";
import type { Problem } from "../errors/index.js";
import type { SourcePosition } from "./model.js";
import { LazyPositions, fastValue, writtenValue } from "./fast-read.js";

/**
 * The `yaml` library (about 70 modules), loaded the first time a file is read with positions:
 * a valid file read the fast way never needs it.
 */
let yamlLibrary: typeof Yaml | undefined;
function yaml(): typeof Yaml {
  return (yamlLibrary ??= createRequire(import.meta.url)("yaml") as typeof Yaml);
}
const isMap = (node: unknown): node is YAMLMap => yamlLibrary !== undefined && yaml().isMap(node);
const isSeq = (node: unknown): node is YAMLSeq => yamlLibrary !== undefined && yaml().isSeq(node);
const isAlias = (node: unknown): node is Alias => yamlLibrary !== undefined && yaml().isAlias(node);
/** A scalar node of the `yaml` library's document. */
export const isScalar = (node: unknown): node is Scalar => yamlLibrary !== undefined && yaml().isScalar(node);

/**
 * convox.yml as YAML with source positions: the parsed document, its syntax problems,
 * and a way to find the line and column of any key path.
 */

export type PathSegment = string | number;

export interface ManifestSource {
  file: string;
  /** The `yaml` library's document, with every node's place (read on first use on the happy path). */
  readonly document: Document.Parsed;
  /** Syntax problems: when there are any, nothing else about the file can be trusted. */
  syntaxProblems: Problem[];
  /** Keys given twice (reported, but the rest of the file is still checked). */
  duplicateKeyProblems: Problem[];
  /** Where every key and list item starts, by key path (`services.web.links[0]`). */
  positions: ReadonlyMap<string, SourcePosition>;
  positionOf(offset: number): SourcePosition;
  /** The file's value (a ReferenceError for aliases that expand without end). */
  read(): unknown;
  /** The text a scalar at this key path was written as (`1.50`, not 1.5), or undefined when it is not a scalar of the file. */
  scalarText(segments: readonly PathSegment[]): string | undefined;
}

/**
 * convox.yml read fast when it can be (fast-read.ts: js-yaml, no positions until one is
 * asked for), else, and for every file with a syntax problem or a key given twice, by the
 * `yaml` library with the place of everything. `fast: false` always takes the second way.
 */
export function readSource(text: string, file: string, options: { fast?: boolean } = {}): ManifestSource {
  const fast = options.fast === false ? undefined : fastValue(text);
  if (!fast) return readWithPositions(text, file);
  let slow: ManifestSource | undefined;
  const full = () => (slow ??= readWithPositions(text, file));
  const lineStarts = [0];
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) lineStarts.push(index + 1);
  let written: { value: unknown } | undefined;
  return {
    file,
    get document() {
      return full().document;
    },
    syntaxProblems: [],
    duplicateKeyProblems: [],
    positions: new LazyPositions(() => new Map(full().positions), fast.value),
    positionOf: (offset) => positionIn(lineStarts, offset),
    read: () => fast.value,
    scalarText: (segments) => {
      const found = valueAt((written ??= { value: writtenValue(text) }).value, segments);
      // A key the text spells otherwise than its value (`True:` is the key "true") is found the `yaml` library's way.
      if (!found) return full().scalarText(segments);
      return typeof found.value === "string" ? found.value : undefined;
    },
  };
}

/** The value at a key path of a plain value (the file read by js-yaml), or undefined when the path is not in it. */
function valueAt(value: unknown, segments: readonly PathSegment[]): { value: unknown } | undefined {
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return { value: current };
}

/** Line and column (1-based) of an offset, from where each line starts. */
function positionIn(lineStarts: readonly number[], offset: number): SourcePosition {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lineStarts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
}

function readWithPositions(text: string, file: string): ManifestSource {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  // `merge`: `<<: *base` merges as in Convox's YAML 1.1 reader (yaml-compat.ts does the rest).
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, merge: true });
  const positionOf = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const { positions, duplicates, complexKeys } = indexKeys(document, file, positionOf);
  const lines = text.split(/\r?\n/);
  const yamlProblems = [...document.errors, ...document.warnings].map((error) => overIndentedKey(error, lines, file, positionOf) ?? syntaxProblem(error, file, positionOf));
  const syntaxProblems = firstPerLine([...yamlProblems, ...complexKeys, ...unresolvedAliases(document, file, positionOf), ...badMergeSources(document, file, positionOf)]);
  const scalarText = (segments: readonly PathSegment[]) => {
    const node = locate(document, segments)?.value;
    return isScalar(node) && typeof node.source === "string" ? node.source : undefined;
  };
  return { file, document, syntaxProblems, duplicateKeyProblems: duplicates, positions, positionOf, read: () => readValue(document), scalarText };
}

/** The YAML library refuses, with a ReferenceError, aliases that expand without end (a "billion laughs" file). */
function readValue(document: Document.Parsed): unknown {
  try {
    return document.toJS() as unknown;
  } catch (error) {
    if (error instanceof ReferenceError) return error;
    throw error;
  }
}

export function where(file: string, position: SourcePosition): string {
  return `${file}:${position.line}:${position.column}`;
}

/** `services.web.links[0]` */
export function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>((text, segment) => (typeof segment === "number" ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), "");
}

const SYNTAX_FIXES: Record<string, string> = {
  TAB_AS_INDENT: "indent with spaces; YAML does not allow tabs for indentation",
  BAD_INDENT: "line the keys of one map up in the same column, with spaces",
  MISSING_CHAR: "close the bracket or quote that is still open",
  MULTIPLE_DOCS: "keep one document in convox.yml: remove the `---` separator and what follows",
  BLOCK_AS_IMPLICIT_KEY: "put a space after each `:` and check the indentation of the line above",
  MULTILINE_IMPLICIT_KEY: "a key must fit on one line; check for a missing `:` or a missing quote",
  UNEXPECTED_TOKEN: "check this line for a stray character or a missing `:`",
  BAD_SCALAR_START: "quote the value (values starting with @ or ` must be quoted)",
  BAD_ALIAS: "define the anchor (&name) before the alias (*name)",
};

function syntaxProblem(error: YAMLError, file: string, positionOf: (offset: number) => SourcePosition): Problem {
  // The parser may quote the offending source (`Unexpected scalar: "TOKEN=..."`); the position says where, and a line of convox.yml can hold a secret.
  const message = (error.message.split("\n")[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, "").replace(/: ".*"$/, "");
  return {
    where: where(file, positionOf(error.pos[0])),
    message: `YAML syntax: ${lowerFirst(message)}`,
    fix: SYNTAX_FIXES[error.code] ?? "fix the YAML syntax on this line (a linter such as yamllint shows more)",
  };
}

/** `  key: value` as it starts a line: its indentation and its key. */
const KEY_LINE = /^( *)([A-Za-z0-9_.-]+):(\s|$)/;

/**
 * A key indented deeper than the key above it that has a value (`image: nginx` then
 * `  port: 80`): YAML reads it as part of the value above and reports the line above. The
 * problem is the deeper line: say so there, with the column it belongs in.
 */
function overIndentedKey(error: YAMLError, lines: readonly string[], file: string, positionOf: (offset: number) => SourcePosition): Problem | undefined {
  if (!["BLOCK_AS_IMPLICIT_KEY", "MULTILINE_IMPLICIT_KEY", "BAD_INDENT"].includes(error.code)) return undefined;
  const at = positionOf(error.pos[0]).line;
  for (let index = at - 1; index >= Math.max(0, at - 3); index -= 1) {
    const above = KEY_LINE.exec(lines[index] ?? "");
    const next = lines.slice(index + 1).findIndex((line) => line.trim() !== "" && !line.trim().startsWith("#"));
    const below = next < 0 ? undefined : KEY_LINE.exec(lines[index + 1 + next] ?? "");
    if (!above || !below || (above[1] ?? "").length >= (below[1] ?? "").length || !(lines[index] ?? "").slice(above[0].length).trim()) continue;
    const line = index + 2 + next;
    const indent = (above[1] ?? "").length;
    return {
      where: `${file}:${line}:${(below[1] ?? "").length + 1}`,
      message: `YAML syntax: ${below[2]}: is indented more than ${above[2]}: on line ${index + 1}, which has a value, so YAML cannot read it`,
      fix: `indent ${below[2]}: with ${indent} spaces, as ${above[2]}: above it`,
    };
  }
  return undefined;
}

/** One syntax error leads the parser into others on the same line; the first one is the one to fix. */
function firstPerLine(problems: readonly Problem[]): Problem[] {
  const lines = new Set<string>();
  return problems.filter((problem) => {
    const line = (problem.where ?? "").replace(/:\d+$/, "");
    if (lines.has(line)) return false;
    lines.add(line);
    return true;
  });
}

/** `*name` with no `&name` before it: the parser accepts it, and reading the value would throw. */
function unresolvedAliases(document: Document.Parsed, file: string, positionOf: (offset: number) => SourcePosition): Problem[] {
  const problems: Problem[] = [];
  yaml().visit(document, {
    Alias(_key, alias) {
      if (alias.resolve(document) === undefined) {
        const position = positionOf(alias.range?.[0] ?? 0);
        problems.push({ where: where(file, position), message: `YAML syntax: the alias *${alias.source} has no anchor &${alias.source} before it`, fix: SYNTAX_FIXES.BAD_ALIAS ?? "" });
      }
    },
  });
  return problems;
}

/** `<<: 5`: a merge key takes a map (or an alias of one, or a list of them); the library would throw reading it. */
function badMergeSources(document: Document.Parsed, file: string, positionOf: (offset: number) => SourcePosition): Problem[] {
  const problems: Problem[] = [];
  const mergeable = (node: unknown): boolean => isMap(node) || (isAlias(node) && isMap(node.resolve(document)));
  yaml().visit(document, {
    Pair(_key, pair) {
      // With `merge`, the library reads a plain `<<` as a merge key (its value a symbol); `source` is what the user wrote.
      if (!isScalar(pair.key) || pair.key.source !== "<<" || pair.key.type !== "PLAIN") return;
      const value = pair.value;
      if (mergeable(value) || (isSeq(value) && value.items.every(mergeable))) return;
      problems.push({ where: where(file, positionOf(pair.key.range?.[0] ?? 0)), message: "YAML syntax: a merge key (<<) takes a map, an alias of one (*base), or a list of them", fix: "merge a map: <<: *base, where base: &base {image: nginx:1.27}" });
    },
  });
  return problems;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * One walk over the document: the position of every key and list item by key path, and the
 * keys given twice (YAML keeps the last; the user meant one of them).
 */
function indexKeys(document: Document.Parsed, file: string, positionOf: (offset: number) => SourcePosition): { positions: Map<string, SourcePosition>; duplicates: Problem[]; complexKeys: Problem[] } {
  const positions = new Map<string, SourcePosition>();
  const duplicates: Problem[] = [];
  const complexKeys: Problem[] = [];
  const visit = (node: unknown, path: string): void => {
    if (isMap(node)) {
      const firstLines = new Map<string, number>();
      for (const pair of node.items) {
        if ((isMap(pair.key) || isSeq(pair.key)) && pair.key.range) {
          // `? [a]` or `{a: 1}: x`: YAML allows it, no convox.yml key is one, and JavaScript would turn it into text.
          complexKeys.push({ where: where(file, positionOf(pair.key.range[0])), message: "YAML syntax: a key must be a name, not a list or a map", fix: "write the key as plain text, for example web:" });
        }
        const key = keyName(pair.key, document);
        if (key === undefined || !isNode(pair.key) || !pair.key.range) continue;
        const childPath = path ? `${path}.${key}` : key;
        const position = positionOf(pair.key.range[0]);
        const first = firstLines.get(key);
        if (first !== undefined) {
          duplicates.push({ where: where(file, position), path: childPath, message: `${childPath} is given twice (first on line ${first}); YAML keeps only the last one`, fix: `keep one ${key}: and remove the other` });
        } else {
          firstLines.set(key, position.line);
        }
        positions.set(childPath, position);
        visit(pair.value, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const childPath = `${path}[${index}]`;
        if ((isScalar(item) || isMap(item) || isSeq(item)) && item.range) positions.set(childPath, positionOf(item.range[0]));
        visit(item, childPath);
      });
    }
  };
  visit(document.contents, "");
  return { positions, duplicates, complexKeys };
}

/** A key's text; a key written as an alias (`*k :`) is its anchor's text, so a key given twice that way is found too. */
function keyName(key: unknown, document: Document.Parsed): string | undefined {
  const node = isAlias(key) ? key.resolve(document) : key;
  return isScalar(node) ? String(node.value) : undefined;
}

function isNode(value: unknown): value is Node {
  return isScalar(value) || isAlias(value) || isMap(value) || isSeq(value);
}

export interface Located {
  /** The key's node, for a map entry. */
  key?: Node;
  /** The value's node (absent for `key:` with nothing after it). */
  value?: Node;
}

/** The nodes at a key path, or undefined when the path is not in the file. */
export function locate(document: Document.Parsed, segments: readonly PathSegment[]): Located | undefined {
  let current: Located = { value: document.contents ?? undefined };
  for (const segment of segments) {
    const node = current.value;
    if (isMap(node)) {
      const pair = lastPairWithKey(node.items, String(segment), document);
      if (!pair) return undefined;
      current = { key: pair.key as Node, value: (pair.value as Node | null) ?? undefined };
    } else if (isSeq(node) && /^\d+$/.test(String(segment))) {
      const item = node.items[Number(segment)];
      if (!item) return undefined;
      current = { value: item as Node };
    } else {
      return undefined;
    }
  }
  return current;
}

/** The start of a key (or of a list item) on the path, else of the closest enclosing key that exists. */
export function keyOffset(document: Document.Parsed, segments: readonly PathSegment[]): number {
  for (let length = segments.length; length >= 0; length -= 1) {
    const located = locate(document, segments.slice(0, length));
    const node = located?.key ?? located?.value;
    if (node?.range) return node.range[0];
  }
  return 0;
}

/** The start of a value on the path (of its key when the value is empty: `services:` and nothing), else as keyOffset. */
export function valueOffset(document: Document.Parsed, segments: readonly PathSegment[]): number {
  const located = locate(document, segments);
  const range = located?.value?.range;
  const empty = range ? range[0] === range[1] : false;
  const node = (empty ? undefined : located?.value) ?? located?.key;
  return node?.range ? node.range[0] : keyOffset(document, segments);
}

/** The last one wins, as in the value YAML produces when a key is given twice. */
function lastPairWithKey<Pair extends { key: unknown }>(items: readonly Pair[], key: string, document: Document.Parsed): Pair | undefined {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index];
    if (item && keyName(item.key, document) === key) return item;
  }
  return undefined;
}
