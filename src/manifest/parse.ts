import type { Problem } from "../errors/index.js";
import { buildManifest } from "./build-model.js";
import type { Manifest } from "./model.js";
import { deploymentRules, manifestRules, type ManifestContext } from "./rules.js";
import { schemaProblems } from "./schema-check.js";
import { readSource } from "./source.js";
import { notTextProblem, notAManifestProblem } from "./not-a-manifest.js";
import { asConvoxReadsIt } from "./yaml-compat.js";

export interface ParsedManifest {
  /** Present only when the file has no problems. */
  manifest?: Manifest;
  /** Every problem in the file, in the order of the file's lines. */
  problems: Problem[];
  /** Keys racknet reads but does not act on, and other things worth knowing; never a reason to refuse. */
  warnings: Problem[];
}

/**
 * Parse and check a convox.yml: YAML syntax, the schema, then every rule. With a context
 * (app, rack, parameters) the rules that need them run too, so one run reports everything.
 * Syntax errors stop the checks after them: the rest of the file cannot be read reliably.
 */
export function parseManifest(text: string, file: string, context?: ManifestContext): ParsedManifest {
  // A binary or UTF-16 file would come back from the parser as problems quoting its bytes.
  const notText = notTextProblem(text, file);
  if (notText) return { problems: [notText], warnings: [] };
  const source = readSource(text, file);
  if (source.syntaxProblems.length > 0) {
    return { problems: byLine([...source.syntaxProblems, ...source.duplicateKeyProblems]), warnings: [] };
  }
  const read = source.read();
  const value = read instanceof ReferenceError ? read : asConvoxReadsIt(read, text);
  if (value instanceof ReferenceError) {
    return { problems: [{ where: `${file}:1:1`, message: `YAML: ${value.message}`, fix: "write the repeated values out instead of aliases (*name)" }], warnings: [] };
  }
  if (value === null || value === undefined) {
    return {
      problems: [{ where: `${file}:1:1`, path: "services", message: `${file} is empty`, fix: "describe the app's services, for example\n      services:\n        web:\n          image: nginx:1.27\n          port: 80" }],
      warnings: [],
    };
  }
  // A .env file or a scalar `services:` is one piece of text: say what it is without repeating it.
  const notManifest = notAManifestProblem(value, source);
  if (notManifest) return { problems: [notManifest], warnings: [] };
  const built = buildManifest(value, source, source.positions);
  const typeProblems = schemaProblems(value, source);
  const problems = [...source.duplicateKeyProblems, ...typeProblems, ...built.problems];
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    // A rule looking at a key whose value has the wrong type would only repeat the schema's problem.
    const mistyped = new Set(typeProblems.map((problem) => problem.path));
    const rules = [...manifestRules(built.manifest), ...(context ? deploymentRules(built.manifest, context) : [])];
    problems.push(...rules.filter((problem) => !mistyped.has(problem.path)));
  }
  const sorted = byLine(dedupe(problems));
  return { ...(sorted.length === 0 ? { manifest: built.manifest } : {}), problems: sorted, warnings: byLine(built.warnings) };
}

/** A schema error and a rule can name the same key with the same message only by accident; show it once. */
function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const id = `${problem.where ?? ""}|${problem.path ?? ""}|${problem.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function byLine(problems: readonly Problem[]): Problem[] {
  // Each problem's place is read once, not at every comparison of the sort.
  const position = (problem: Problem) => {
    const match = /:(\d+):(\d+)$/.exec(problem.where ?? "");
    return match ? Number(match[1]) * 100_000 + Number(match[2]) : 0;
  };
  return problems.map((problem, index) => ({ problem, index, at: position(problem) })).sort((a, b) => a.at - b.at || a.index - b.index).map(({ problem }) => problem);
}
