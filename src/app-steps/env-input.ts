/**
 * Where `racknet env set` takes values from besides the command line, so a secret need not
 * pass through the shell's history or the process list: `NAME=-` reads it from stdin, and
 * `--from-file NAME=PATH` from a file. One trailing newline is dropped (what `echo` and
 * editors add); the rest is the value as it is.
 */
import { readFile } from "node:fs/promises";
import { UsageError, ValidationErrors, type Problem } from "../errors/index.js";
import { Flag } from "../names/flags.js";

export interface ValueSources {
  /** `NAME=value` and `NAME=-` as typed. */
  assignments: readonly string[];
  /** `--from-file NAME=PATH`, each. */
  fromFiles: readonly string[];
  /** The whole of stdin, read only when an assignment asks for it. */
  readStdin: () => Promise<string>;
  /** True when stdin is a terminal: then `NAME=-` would wait for typing, so racknet says so first. */
  stdinIsTerminal: boolean;
}

/** Every assignment as `NAME=value`, the values from stdin and files filled in. */
export async function assignmentsWithValues(sources: ValueSources): Promise<string[]> {
  const fromStdin = sources.assignments.filter((assignment) => assignment.endsWith("=-") && assignment.indexOf("=") === assignment.length - 2);
  if (fromStdin.length > 1) {
    throw new UsageError(`stdin holds one value, and ${fromStdin.map((assignment) => assignment.slice(0, -2)).join(", ")} each ask for it`, { fix: `read one value from stdin (NAME=-) and the others from files (${Flag.fromFile} NAME=PATH)` });
  }
  if (fromStdin.length === 1 && sources.stdinIsTerminal) {
    throw new UsageError(`${fromStdin[0]?.slice(0, -2)}=- reads the value from stdin, which is a terminal here`, { fix: `pipe the value in, e.g. \`printf %s "$TOKEN" | racknet env set NAME=-\`, or use ${Flag.fromFile} NAME=PATH` });
  }
  const stdin = fromStdin.length === 1 ? withoutTrailingNewline(await sources.readStdin()) : "";
  const assignments = sources.assignments.map((assignment) => (fromStdin.includes(assignment) ? `${assignment.slice(0, -1)}${stdin}` : assignment));
  const problems: Problem[] = [];
  for (const entry of sources.fromFiles) {
    const at = entry.indexOf("=");
    if (at <= 0 || at === entry.length - 1) {
      problems.push({ where: Flag.fromFile, message: `"${entry.slice(0, 64)}" is not NAME=PATH`, fix: `write ${Flag.fromFile} NAME=PATH, e.g. ${Flag.fromFile} TLS_KEY=key.pem` });
      continue;
    }
    const path = entry.slice(at + 1);
    try {
      assignments.push(`${entry.slice(0, at)}=${withoutTrailingNewline(await readFile(path, "utf8"))}`);
    } catch (error) {
      const reason = error instanceof Error && "code" in error && error.code === "ENOENT" ? "no such file" : "cannot be read";
      problems.push({ where: Flag.fromFile, message: `${entry.slice(0, at)}: ${path} ${reason}`, fix: "give the path of a readable file" });
    }
  }
  if (problems.length > 0) throw new ValidationErrors("a value could not be read; nothing was changed", problems);
  return assignments;
}

function withoutTrailingNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/** All of stdin, as text. */
export async function readAllStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
