/**
 * CloudFormation's per-stack quotas, checked on the rendered app template before racknet
 * writes anything to AWS: an app that does not fit is refused with what it needs, never
 * discovered by a failed stack. Pure.
 */
import { UserError } from "../errors/index.js";
import { autoscales, endpointKinds, type Manifest } from "../manifest/model.js";
import { AppParameter } from "./app-contract.js";
import { renderTemplate, type Template } from "./cfn.js";

/** CloudFormation quotas per stack (not adjustable, except resources on request). */
export const STACK_QUOTAS = {
  resources: 500,
  outputs: 200,
  parameters: 200,
  /** A template read from S3 (TemplateURL); inline bodies are uploaded above 51,200 bytes. */
  templateBytes: 1_048_576,
} as const;

export type QuotaName = keyof typeof STACK_QUOTAS;

export interface QuotaUse {
  quota: QuotaName;
  used: number;
  limit: number;
}

/** What the template uses of each quota. */
export function quotaUse(template: Template, body = renderTemplate(template)): QuotaUse[] {
  const used: Record<QuotaName, number> = {
    resources: Object.keys(template.Resources).length,
    outputs: Object.keys(template.Outputs).length,
    parameters: Object.keys(template.Parameters).length,
    templateBytes: Buffer.byteLength(body, "utf8"),
  };
  return (Object.keys(STACK_QUOTAS) as QuotaName[]).map((quota) => ({ quota, used: used[quota], limit: STACK_QUOTAS[quota] }));
}

const WHAT: Record<QuotaName, string> = {
  resources: "CloudFormation resources",
  outputs: "stack outputs",
  parameters: "stack parameters",
  templateBytes: "bytes of template",
};

/**
 * Refuses an app whose stack would exceed a quota, naming each quota it exceeds (needed and
 * limit) and how the app's services spend resources, so the user can see what to change.
 */
export function checkAppQuotas(app: string, manifest: Manifest, template: Template, body = renderTemplate(template)): QuotaUse[] {
  checkTaskDefinitionSizes(app, template);
  const use = quotaUse(template, body);
  const over = use.filter((entry) => entry.used > entry.limit);
  if (over.length === 0) return use;
  const needs = over.map((entry) => `${entry.used} ${WHAT[entry.quota]} (a stack allows ${entry.limit})`).join(", ");
  const fewerPorts = over.some((entry) => entry.quota === "resources") ? ", or give fewer services a port" : "";
  throw new UserError(`app ${app} needs ${needs}; nothing was changed. ${resourceBreakdown(manifest)}`, {
    fix: `split ${app} into smaller apps (each its own convox.yml and -a name)${fewerPorts}`,
  });
}

/** "150 services: 2 resources each (task definition, ECS service), plus 45 internal endpoints at 3 ..." */
export function resourceBreakdown(manifest: Manifest): string {
  const endpoints = { external: 0, internal: 0, router: 0 };
  for (const service of manifest.services) for (const kind of endpointKinds(service)) endpoints[kind] += 1;
  const parts = [`${manifest.services.length} services at 2 resources and 1 output each (task definition, ECS service)`];
  if (endpoints.internal > 0) parts.push(`${endpoints.internal} internal endpoints at 3 resources (target group, listener rule, DNS record)`);
  if (endpoints.router > 0) parts.push(`${endpoints.router} internal-router endpoints at 3 resources (target group, listener rule, DNS record)`);
  if (endpoints.external > 0) parts.push(`${endpoints.external} external endpoints at 2 resources (target group, listener rule)`);
  const scaled = manifest.services.filter(autoscales);
  if (scaled.length > 0) parts.push(`${scaled.length} autoscaled services at 2 to 4 resources (scalable target, a policy per target)`);
  if (manifest.timers.length > 0) parts.push(`${manifest.timers.length} timers at 2 resources (task definition, schedule)`);
  return `It has ${parts.join(", ")}.`;
}

/**
 * ECS refuses a task definition over 64 KiB ("Task definition size", not adjustable:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html). The
 * environment is most of it: each variable is a Secrets entry naming its SSM parameter's ARN.
 */
export const TASK_DEFINITION_MAX_BYTES = 65_536;

/** What an intrinsic becomes at the most: the rack CA's PEM (a parameter of up to 4 KB), any other Ref or GetAtt (a name, an ARN), a Sub's text with its ARN parts. */
const CA_BYTES = 4_096;
const INTRINSIC_BYTES = 256;
/** `aws-iso-b`, `ap-southeast-5`, an account id; anything else in a Sub at 64. */
const SUB_PART_BYTES: Readonly<Record<string, number>> = { "AWS::Partition": 10, "AWS::Region": 16, "AWS::AccountId": 12 };

/** The task definition's size as ECS would count it, intrinsics at their largest: an estimate that errs high. */
export function taskDefinitionBytes(properties: unknown): number {
  const resolved = JSON.stringify(properties, (_key, value: unknown) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const [key, ...others] = Object.keys(value);
    if (others.length > 0 || key === undefined || !(key === "Ref" || key.startsWith("Fn::"))) return value;
    const argument = (value as Record<string, unknown>)[key];
    if (key === "Fn::Sub" && typeof argument === "string") return argument.replace(/\$\{([^}]*)\}/g, (_match, name: string) => "x".repeat(SUB_PART_BYTES[name] ?? 64));
    return "x".repeat(key === "Ref" && argument === AppParameter.RackCaCert ? CA_BYTES : INTRINSIC_BYTES);
  });
  return Buffer.byteLength(resolved ?? "", "utf8");
}

function checkTaskDefinitionSizes(app: string, template: Template): void {
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== "AWS::ECS::TaskDefinition") continue;
    const properties = resource.Properties as { Family?: string; ContainerDefinitions?: { Environment?: unknown[]; Secrets?: unknown[] }[] } | undefined;
    const bytes = taskDefinitionBytes(properties);
    if (bytes <= TASK_DEFINITION_MAX_BYTES) continue;
    const variables = (properties?.ContainerDefinitions ?? []).reduce((sum, container) => sum + (container.Environment?.length ?? 0) + (container.Secrets?.length ?? 0), 0);
    throw new UserError(`app ${app}: task definition ${properties?.Family ?? "?"} would be about ${Math.ceil(bytes / 1000)} KB (${variables} environment variables); ECS takes at most 64 KiB; nothing was changed`, {
      fix: "give each service only the variables it reads (name them in its environment: instead of *), or keep large settings together in one variable or in S3",
    });
  }
}
