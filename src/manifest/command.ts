/**
 * `command:` as ECS runs it. The two Convox generations pass the string form differently:
 * Convox 2 (ECS) runs `sh -c "<command>"`, Convox 3 (Kubernetes) splits it into words like
 * a shell (go-shellquote) and runs them without one. racknet does what makes the command
 * work under either: a line with no shell syntax is split and run without a shell (so an
 * image without /bin/sh runs it), a line that needs a shell (`&&`, `|`, `;`, redirections,
 * `$VAR`, globs, backquotes, `VAR=value cmd`) runs as `sh -c` with the line unchanged.
 * The list form is passed exactly. Either way it replaces the image's CMD (the ENTRYPOINT
 * stays), as in both generations. Pure.
 */
import { parse } from "shell-quote";
import type { ServiceCommand } from "./model.js";

/** Stands for a variable in shell-quote's output: a variable means the shell must expand it. */
const VARIABLE = "\u0000racknet-variable\u0000";

export function needsShell(text: string): boolean {
  if (/`|\$\(/.test(text)) return true;
  let words: ReturnType<typeof parse>;
  try {
    words = parse(text, () => VARIABLE);
  } catch {
    // shell-quote refuses what it cannot read (`${` left open: "Bad substitution"): the shell reads the line as it is, and says what is wrong with it.
    return true;
  }
  if (words.some((word) => typeof word !== "string" || word.includes(VARIABLE))) return true;
  const [first] = words;
  return (typeof first === "string" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) || words.some((word) => typeof word === "string" && word.startsWith("~"));
}

/** The words a shell would split the line into (only meaningful when `needsShell` is false). */
function words(text: string): string[] {
  return parse(text).filter((word): word is string => typeof word === "string");
}

export function readCommand(value: unknown): ServiceCommand | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0 || !value.every((word) => typeof word === "string")) return undefined;
    return { text: value.join(" "), argv: value, shell: false };
  }
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (needsShell(value)) return { text: value, argv: ["sh", "-c", value], shell: true };
  return { text: value, argv: words(value), shell: false };
}
