/**
 * Base images from Docker Hub's official library, pulled instead through the rack's
 * pull-through cache of ECR Public, where Docker's official images are mirrored under
 * `docker/library/` (docs/build.md, "Base images"). CodeBuild pulls from shared addresses,
 * and Docker Hub limits anonymous pulls per address: the build's first `FROM node:22` may be
 * refused for someone else's pulls. Pure.
 *
 * Rewritten: `FROM node:22-alpine`, `FROM library/node@sha256:…`, with `--platform` and
 * `AS name`. Left as written: an image with a registry (`docker.io/library/node:22`, which
 * is how to keep Docker Hub), a Docker Hub image outside the official library
 * (`bitnami/redis`: not mirrored), an earlier stage's name, `scratch`, and a FROM built from
 * an ARG (`FROM $BASE`: its value is known only to docker).
 */

export interface BaseImageRewrite {
  /** 1-based line of the Dockerfile. */
  line: number;
  from: string;
  to: string;
}

export interface RewrittenDockerfile {
  text: string;
  rewrites: BaseImageRewrite[];
}

const FROM_LINE = /^(\s*FROM\s+)((?:--\S+\s+)*)(\S+)(.*)$/i;
const STAGE_NAME = /\s+AS\s+(\S+)/i;

/** `cache` is `<registry host>/<the rack's cache prefix>`. */
export function rewriteBaseImages(dockerfile: string, cache: string): RewrittenDockerfile {
  const stages = new Set<string>();
  const rewrites: BaseImageRewrite[] = [];
  const lines = dockerfile.split("\n").map((line, index) => {
    const match = FROM_LINE.exec(line);
    if (!match) return line;
    const [, keyword = "", flags = "", image = "", rest = ""] = match;
    const stage = STAGE_NAME.exec(rest)?.[1];
    const official = stages.has(image.toLowerCase()) ? undefined : officialImage(image);
    if (stage) stages.add(stage.toLowerCase());
    if (official === undefined) return line;
    const to = `${cache}/docker/library/${official}`;
    rewrites.push({ line: index + 1, from: image, to });
    return `${keyword}${flags}${to}${rest}`;
  });
  return { text: lines.join("\n"), rewrites };
}

/** `node:22` or `library/node:22` → `node:22`; anything else (a registry, a user's image, `scratch`, `$ARG`) → undefined. */
function officialImage(image: string): string | undefined {
  if (image.includes("$") || image.toLowerCase() === "scratch") return undefined;
  const components = image.split("/");
  const first = components[0] ?? "";
  if (components.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) return undefined;
  if (components.length === 1) return image;
  if (components.length === 2 && first === "library") return components[1];
  return undefined;
}
