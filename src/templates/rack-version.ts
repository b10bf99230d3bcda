/**
 * Which rack template a rack runs (docs/decisions.md, "Rack updates"). racknet's version
 * alone does not say it: the template changes between releases of the same version number.
 * The template version is `<racknet version>+<digest>`, the digest taken of the whole
 * template as racknet deploys it (every resource, the sync function's code) without the
 * marker itself, so any change to the template is a new version and an unchanged template
 * keeps its version. Pure.
 */
import { createHash } from "node:crypto";
import { renderTemplate, type Template } from "./cfn.js";
import { RackResource } from "./rack-ids.js";
import { RackOutput } from "../names/rack-outputs.js";

/** The rack's Output that holds its template version (read by `racknet rack`, `racks`, `rack update`). */
export const TEMPLATE_VERSION_OUTPUT = RackOutput.TemplateVersion;

/** Hex characters of the digest kept: 48 bits, more than enough to tell two templates apart. */
const DIGEST_LENGTH = 12;

/**
 * The template with its version stamped in: an Output for DescribeStacks, and an SSM
 * parameter holding the same value. The parameter is what makes a new template always a
 * change CloudFormation applies: a template whose only difference was its Outputs or
 * Metadata could otherwise come back as "no changes" (CloudFormation does not update the
 * Metadata section by itself: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/metadata-section-structure.html),
 * and the rack would stay behind for ever.
 */
export function stampTemplateVersion(template: Template, racknetVersion: string): Template {
  const version = templateVersionOf(template, racknetVersion);
  template.Resources[RackResource.TemplateVersion] = {
    Type: "AWS::SSM::Parameter",
    Properties: { Type: "String", Value: version, Description: "The racknet rack template this rack runs (racknet rack update compares it)" },
  };
  template.Outputs[TEMPLATE_VERSION_OUTPUT] = { Description: "The racknet rack template this rack runs", Value: version };
  return template;
}

/** `0.1.0+3f2a9c81d0be`: racknet's version and the digest of the template without its marker. */
export function templateVersionOf(template: Template, racknetVersion: string): string {
  const { [RackResource.TemplateVersion]: _resource, ...resources } = template.Resources;
  const { [TEMPLATE_VERSION_OUTPUT]: _output, ...outputs } = template.Outputs;
  const digest = createHash("sha256").update(renderTemplate({ ...template, Resources: resources, Outputs: outputs })).digest("hex");
  return `${racknetVersion}+${digest.slice(0, DIGEST_LENGTH)}`;
}

/**
 * Where a rack stands against this racknet's template: `current` (the same template),
 * `behind` (an older racknet's template, or one that records no version: racks installed
 * before the marker), `ahead` (a newer racknet updated it: this one must not move it back),
 * `different` (the same racknet version, another template: a development build).
 */
export type TemplateStanding = "current" | "behind" | "ahead" | "different";

export function templateStanding(rackVersion: string | undefined, ours: string): TemplateStanding {
  if (!rackVersion) return "behind";
  if (rackVersion === ours) return "current";
  const order = compareVersions(rackVersion.split("+")[0] ?? "", ours.split("+")[0] ?? "");
  if (order === undefined) return "different";
  return order < 0 ? "behind" : order > 0 ? "ahead" : "different";
}

/** Semantic versions by their numbers (a pre-release sorts before its release); undefined when either is not one. */
function compareVersions(a: string, b: string): number | undefined {
  const parse = (text: string) => /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(text);
  const left = parse(a);
  const right = parse(b);
  if (!left || !right) return undefined;
  for (const index of [1, 2, 3]) {
    const difference = Number(left[index]) - Number(right[index]);
    if (difference !== 0) return Math.sign(difference);
  }
  if (left[4] === right[4]) return 0;
  if (left[4] === undefined) return 1;
  if (right[4] === undefined) return -1;
  return left[4] < right[4] ? -1 : 1;
}
