import { relative, resolve, sep } from "node:path";
import { ValidationErrors, type Problem } from "../errors/index.js";
import { parseBuildArgs, resolveBuildArgs, type BuildArgSpec, type EnvironmentArgResolver, type ResolvedBuildArg } from "./args.js";
import { ContextRefused, type BuildContext, type ContextRequest } from "./context.js";
import type { ServiceBuildInput } from "./input.js";
import { contentTag } from "./tag.js";

/**
 * Which images an app's `build:` services need: each context read once, each distinct
 * (content, Dockerfile, args) built once, whatever number of services use it. Every
 * problem of every service is reported together, before anything is uploaded.
 */

export interface PlannedImage {
  /** The content tag (src/images/tag.ts): the image's tag in the app's repository. */
  tag: string;
  context: BuildContext;
  args: ResolvedBuildArg[];
  /** The services that run this image, in manifest order. */
  services: string[];
}

export interface BuildPlan {
  images: PlannedImage[];
  /** Service name → its image's tag. */
  tagOf: Record<string, string>;
}

export interface PlanRequest {
  appDir: string;
  /** The manifest being deployed (real path): left out of the image tags (src/images/tag.ts). */
  manifestFile?: string;
  services: readonly ServiceBuildInput[];
  resolveFromEnvironment: EnvironmentArgResolver;
  /** Reads a context from disk (src/files/build-context.ts); it throws ContextRefused for one racknet will not send. */
  readContext: (request: ContextRequest) => Promise<BuildContext>;
  /** Overrides MAX_CONTEXT_BYTES (tests). */
  maxBytes?: number;
}

export async function planBuilds(request: PlanRequest): Promise<BuildPlan> {
  const problems: Problem[] = [];
  const contexts = new Map<string, Promise<BuildContext>>();
  const images = new Map<string, PlannedImage>();
  const tagOf: Record<string, string> = {};
  const refusalsReported = new Set<string>();

  for (const service of request.services) {
    const { args, problems: argProblems } = parseBuildArgs(service.args, service.where);
    const { resolved, problems: valueProblems } = resolveBuildArgs(args, request.resolveFromEnvironment, service.where);
    const contextKey = `${resolve(request.appDir, service.path)}\0${service.dockerfile}`;
    let pending = contexts.get(contextKey);
    if (!pending) {
      pending = request.readContext({ appDir: request.appDir, path: service.path, dockerfile: service.dockerfile, where: service.where, maxBytes: request.maxBytes });
      contexts.set(contextKey, pending);
    }
    const context = await pending.catch((error: unknown) => {
      if (error instanceof ContextRefused) return error.problem;
      throw error;
    });
    problems.push(...argProblems, ...valueProblems);
    if (!("entries" in context)) {
      // A shared context's refusal is reported once, for the first service that uses it.
      if (!refusalsReported.has(contextKey)) problems.push({ ...context, message: `${service.service}: ${context.message}` });
      refusalsReported.add(contextKey);
      continue;
    }
    if (argProblems.length > 0 || valueProblems.length > 0) continue;
    resolved.push(...argsFromEnvironment(context, args, request.resolveFromEnvironment));
    const tag = contentTag(context, resolved, request.manifestFile ? relative(context.root, request.manifestFile).split(sep).join("/") : undefined);
    tagOf[service.service] = tag;
    const known = images.get(tag);
    if (known) known.services.push(service.service);
    else images.set(tag, { tag, context, args: resolved, services: [service.service] });
  }

  if (problems.length > 0) {
    const count = problems.length === 1 ? "a problem" : `${problems.length} problems`;
    throw new ValidationErrors(`the build has ${count}; nothing was uploaded`, problems);
  }
  return { images: [...images.values()], tagOf };
}

/**
 * As Convox does, an ARG the Dockerfile declares gets the app's environment value of that
 * name when there is one, without being listed in build.args; one not set keeps the
 * Dockerfile's default. Names the build environment reserves are left alone.
 */
function argsFromEnvironment(context: BuildContext, listed: readonly BuildArgSpec[], resolveFromEnvironment: EnvironmentArgResolver): ResolvedBuildArg[] {
  const found: ResolvedBuildArg[] = [];
  for (const name of context.dockerfileArgs) {
    if (listed.some((arg) => arg.name === name) || parseBuildArgs([name]).problems.length > 0) continue;
    const parameter = resolveFromEnvironment(name);
    if (parameter) found.push({ name, kind: "parameter", ...parameter });
  }
  return found;
}
