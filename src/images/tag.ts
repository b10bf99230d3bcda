import { createHash } from "node:crypto";
import type { ResolvedBuildArg } from "./args.js";
import type { BuildContext } from "./context.js";

/**
 * The image tag of a build: a digest of everything that makes the image, so the same
 * source builds once (the second deploy finds the tag in ECR) and one changed byte, mode,
 * Dockerfile name or build arg gives a new tag. Pure.
 *
 * The app's manifest is left out when it sits in the context: it says how the image runs
 * (scale, ports, environment), not what it is, and a change to `scale:` alone must not
 * rebuild anything. It is still sent with the context; an image that copies it keeps the
 * copy of the build that made the tag (docs/build.md).
 *
 * A build arg from the app's environment enters by its parameter's name and fingerprint
 * (the SSM parameter version), never by its value: a tag is public to anyone who can list
 * the repository, and a digest of a short secret can be guessed.
 */

const TAG_PREFIX = "src-";
/** 128 bits of the digest: collisions are out of reach, and the tag stays readable. */
const TAG_HEX_LENGTH = 32;
/** Bump when the digest's input changes shape, so old tags are not taken for new ones. */
const DIGEST_VERSION = "racknet-build-tag 2";

/** `manifest`: the manifest's path inside the context (`/`-separated), when it is there. */
export function contentTag(context: BuildContext, args: readonly ResolvedBuildArg[], manifest?: string): string {
  return `${TAG_PREFIX}${digest(describe(context, args, manifest)).slice(0, TAG_HEX_LENGTH)}`;
}

/** One line per input, in a fixed order; JSON quoting keeps names with spaces or newlines apart. */
function describe(context: BuildContext, args: readonly ResolvedBuildArg[], manifest: string | undefined): string[] {
  const lines = [DIGEST_VERSION, `dockerfile ${JSON.stringify(context.dockerfile)}`];
  for (const arg of [...args].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    lines.push(
      arg.kind === "literal"
        ? `arg ${arg.name} literal ${digest([arg.value])}`
        : `arg ${arg.name} parameter ${JSON.stringify(arg.parameterName)} ${JSON.stringify(arg.fingerprint)}`,
    );
  }
  for (const entry of context.entries) {
    if (entry.path === manifest && entry.kind === "file") continue;
    const content = entry.kind === "file" ? entry.sha256 : entry.kind === "symlink" ? JSON.stringify(entry.linkTarget) : "-";
    lines.push(`${entry.kind} ${entry.mode.toString(8)} ${JSON.stringify(entry.path)} ${content ?? "unhashed"}`);
  }
  return lines;
}

function digest(lines: readonly string[]): string {
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}
