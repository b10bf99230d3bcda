import { parseQualifiedName } from "@swimlane/docker-reference";
import type { Problem } from "../errors/index.js";
import { Flag } from "../names/flags.js";

/**
 * `racknet deploy --image SERVICE=URI`: a build service runs an image built elsewhere (a CI
 * pipeline's), and racknet does not build it. Each entry names a `build:` service of the
 * manifest and one image: a reference docker accepts (docker's own grammar, through
 * @swimlane/docker-reference, a port of distribution/reference) with a tag or a digest, since
 * a bare name means `:latest`, which moves. Pure.
 */

const WHERE = Flag.image;

export interface ImageOverrides {
  /** Service → image URI, as given. */
  images: Record<string, string>;
  problems: Problem[];
}

export function parseImageOverrides(entries: readonly string[], services: readonly { name: string; build?: unknown }[]): ImageOverrides {
  const images: Record<string, string> = {};
  const problems: Problem[] = [];
  const built = services.filter((service) => service.build !== undefined).map((service) => service.name);
  const refuse = (message: string, fix: string) => problems.push({ where: WHERE, message, fix });
  for (const entry of entries) {
    const at = entry.indexOf("=");
    const service = at === -1 ? "" : entry.slice(0, at).trim();
    const uri = at === -1 ? "" : entry.slice(at + 1).trim();
    if (service === "" || uri === "") {
      refuse(`"${entry}" is not SERVICE=URI`, `write ${Flag.image} web=123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:1.4`);
      continue;
    }
    if (!services.some((candidate) => candidate.name === service)) {
      refuse(`${Flag.image} names service ${service}, which the manifest does not have`, built.length > 0 ? `the services built from source are ${built.join(", ")}` : "the manifest has no service built from source");
      continue;
    }
    if (!built.includes(service)) {
      refuse(`${Flag.image} names service ${service}, which is not built (it has image: and no build:)`, `change its image: in the manifest instead, or give it a build: section`);
      continue;
    }
    const problem = referenceProblem(uri);
    if (problem) {
      refuse(`${Flag.image} ${service}: "${uri}" ${problem}`, "give a full image reference with a tag or a digest, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:1.4");
      continue;
    }
    if (images[service] !== undefined && images[service] !== uri) {
      refuse(`${Flag.image} gives service ${service} twice, as ${images[service]} and ${uri}`, `give ${Flag.image} ${service}=... once`);
      continue;
    }
    images[service] = uri;
  }
  return { images, problems };
}

/** Why docker would refuse this reference, or run an image that may change: undefined when it names one image. */
function referenceProblem(uri: string): string | undefined {
  let reference;
  try {
    reference = parseQualifiedName(uri);
  } catch (error) {
    return `is not an image reference docker accepts (${error instanceof Error ? error.message.replace(/^invalid reference format: /, "") : "invalid"})`;
  }
  if (!reference.tag && !reference.digest) return "has no tag or digest: it would run whatever :latest is when a task starts";
  return undefined;
}
