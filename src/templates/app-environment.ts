/**
 * Which task definitions roll when the app environment changes. Each container carries a
 * label whose value is a digest of the SSM parameters it reads (names and versions, never
 * values): a new value of a parameter changes the label of exactly the task definitions that
 * read it, so only their services roll. Deploy renders the labels from the manifest's
 * environment; `racknet env set` sets them again on the deployed template. Pure.
 */
import { createHash } from "node:crypto";
import type { Json, Resource, Template } from "./cfn.js";

/** The container label that holds the digest. */
export const ENVIRONMENT_VERSION_LABEL = "racknet.environment-version";

/** The digest of what a task definition reads: names and versions of its parameters. */
export type EnvironmentDigest = (parameters: readonly string[]) => string;

/** The digest with each parameter's version as it will be (a parameter not stored yet counts as 0). */
export function environmentDigest(versions: ReadonlyMap<string, number>): EnvironmentDigest {
  return (parameters) => {
    const lines = [...new Set(parameters)].sort().map((name) => `${name}@${versions.get(name) ?? 0}`);
    return createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16);
  };
}

/** One digest of every parameter of the app environment and its version: what a release records. */
export function environmentVersionOf(versions: ReadonlyMap<string, number>): string {
  return environmentDigest(versions)([...versions.keys()]);
}

/** The SSM parameter names (`/racknet/...`) a task definition's containers read as `Secrets`. */
export function parametersReadBy(resource: Resource): string[] {
  const names = new Set<string>();
  for (const container of containersOf(resource)) {
    const secrets = Array.isArray(container.Secrets) ? (container.Secrets as Record<string, Json>[]) : [];
    for (const secret of secrets) {
      const match = /:parameter(\/racknet\/[^"}\s]+)/.exec(JSON.stringify(secret.ValueFrom ?? ""));
      if (match?.[1]) names.add(match[1]);
    }
  }
  return [...names].sort();
}

/**
 * The template with each task definition's label set to the digest of what it reads now;
 * `changed` lists the logical ids whose label changes (their services roll, nothing else).
 * With `touching`, only the task definitions that read one of those parameters are looked
 * at: an environment change leaves every other one exactly as deployed.
 */
export function withEnvironmentVersions(template: Template, digest: EnvironmentDigest, touching?: readonly string[]): { template: Template; changed: string[] } {
  const resources: Record<string, Resource> = { ...(template.Resources ?? {}) };
  const changed: string[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== "AWS::ECS::TaskDefinition") continue;
    const reads = parametersReadBy(resource);
    if (touching && !reads.some((parameter) => touching.includes(parameter))) continue;
    const version = digest(reads);
    const containers = containersOf(resource);
    const before = containers.map((container) => labelsOf(container)[ENVIRONMENT_VERSION_LABEL]);
    if (before.every((label) => label === version)) continue;
    changed.push(logicalId);
    const relabelled = containers.map((container) => ({ ...container, DockerLabels: { ...labelsOf(container), [ENVIRONMENT_VERSION_LABEL]: version } }));
    resources[logicalId] = { ...resource, Properties: { ...(resource.Properties ?? {}), ContainerDefinitions: relabelled } };
  }
  return { template: { ...template, Resources: resources }, changed };
}

function containersOf(resource: Resource): Record<string, Json>[] {
  const containers = resource.Properties?.ContainerDefinitions;
  return Array.isArray(containers) ? (containers as Record<string, Json>[]) : [];
}

function labelsOf(container: Record<string, Json>): Record<string, Json> {
  const labels = container.DockerLabels;
  return labels && typeof labels === "object" && !Array.isArray(labels) ? (labels as Record<string, Json>) : {};
}
