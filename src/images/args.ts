import type { Problem } from "../errors/index.js";

/**
 * `build.args` entries: `NAME=VALUE` passes the value written in the manifest; `NAME` alone
 * takes the value from the app's environment (a secret: it reaches the build only as a
 * CodeBuild variable of type PARAMETER_STORE, never in clear). Pure.
 */

export interface BuildArgSpec {
  name: string;
  /** Absent: the value comes from the app's environment. */
  value?: string;
}

/** A build arg with its value's source decided. */
export type ResolvedBuildArg =
  | { name: string; kind: "literal"; value: string }
  | {
      name: string;
      kind: "parameter";
      /** The SSM parameter holding the value; CodeBuild reads it when the build starts. */
      parameterName: string;
      /** Changes whenever the value changes and reveals nothing of it (the parameter's version). */
      fingerprint: string;
    };

/** Where the app's environment keeps NAME, or undefined when NAME is not set. */
export type EnvironmentArgResolver = (name: string) => { parameterName: string; fingerprint: string } | undefined;

/** Names docker and a shell both accept as a variable. */
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Prefixes CodeBuild sets itself (CODEBUILD_*, AWS_REGION, ...) and the buildspec's own
 * variables (RACKNET_*): an arg of that name would change how the build runs.
 */
export const RESERVED_ARG_PREFIXES = ["CODEBUILD_", "AWS_", "RACKNET_"] as const;

export function parseBuildArgs(entries: readonly string[], where?: string): { args: BuildArgSpec[]; problems: Problem[] } {
  const args: BuildArgSpec[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const at = entry.indexOf("=");
    const name = at === -1 ? entry : entry.slice(0, at);
    const problem = nameProblem(name, entry);
    if (problem) {
      problems.push({ where, message: problem.message, fix: problem.fix });
      continue;
    }
    if (seen.has(name)) {
      problems.push({ where, message: `build arg ${name} is given twice`, fix: `keep one ${name} entry in build.args` });
      continue;
    }
    seen.add(name);
    args.push(at === -1 ? { name } : { name, value: entry.slice(at + 1) });
  }
  return { args, problems };
}

function nameProblem(name: string, entry: string): { message: string; fix: string } | undefined {
  if (!ARG_NAME.test(name)) {
    // Only the name is shown: the entry's value may be a secret.
    return {
      message: `build arg "${name}" is not NAME or NAME=VALUE${entry.includes("=") ? " (the part before =)" : ""}`,
      fix: "write NAME (value from the app's environment) or NAME=VALUE; NAME is letters, digits and _, not starting with a digit",
    };
  }
  const reserved = RESERVED_ARG_PREFIXES.find((prefix) => name.startsWith(prefix));
  if (reserved) {
    return { message: `build arg ${name} starts with ${reserved}, which the build environment reserves`, fix: `rename it, e.g. APP_${name}` };
  }
  return undefined;
}

/** Each `NAME` gets its parameter from the app's environment; one not set there is a problem. */
export function resolveBuildArgs(
  args: readonly BuildArgSpec[],
  resolveFromEnvironment: EnvironmentArgResolver,
  where?: string,
): { resolved: ResolvedBuildArg[]; problems: Problem[] } {
  const resolved: ResolvedBuildArg[] = [];
  const problems: Problem[] = [];
  for (const arg of args) {
    if (arg.value !== undefined) {
      resolved.push({ name: arg.name, kind: "literal", value: arg.value });
      continue;
    }
    const found = resolveFromEnvironment(arg.name);
    if (!found) {
      problems.push({
        where,
        message: `build arg ${arg.name} takes its value from the app's environment, where ${arg.name} is not set`,
        fix: `racknet env set ${arg.name}=... , or write ${arg.name}=VALUE in build.args`,
      });
      continue;
    }
    resolved.push({ name: arg.name, kind: "parameter", ...found });
  }
  return { resolved, problems };
}
