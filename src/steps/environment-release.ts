/**
 * Rolling a changed app environment out to the running app: the deployed template is kept
 * (UsePreviousTemplate) and only `EnvironmentVersion` changes, so every task definition that
 * reads the environment gets a new revision and its service rolls to it, through the usual
 * change set and go-ahead.
 */
import type { AppInfo } from "../aws/stacks.js";
import { deployedTemplate } from "../aws/stacks.js";
import { deployStack, type DeployOutcome } from "../aws/changeset/deploy.js";
import { AppParameter } from "../templates/app-contract.js";
import type { Context } from "../runtime/context.js";
import type { RackInfo } from "./resolve.js";
import type { ReviewPort } from "./review.js";

/** The SSM parameters the deployed app's containers read (their task definitions' `Secrets`). */
export async function parametersRead(context: Context, app: AppInfo): Promise<string[]> {
  const template = JSON.stringify(await deployedTemplate(await context.aws.cloudFormation(), app.id || app.name));
  const names = new Set<string>();
  // The execution role's `.../apps/<app>/*` is a permission, not a parameter read.
  for (const match of template.matchAll(/:parameter(\/racknet\/[^"}\s]+)/g)) if (match[1] && !match[1].endsWith("*")) names.add(match[1]);
  return [...names].sort();
}

/**
 * `switches`: parameters the task definitions read now (a convox.yml default) and the one
 * they read from this release on (the value `env set` stored, which always wins): the
 * deployed template with those ARNs changed, nothing else.
 */
/** Each `:parameter<old>` ARN ending there becomes `:parameter<new>`. */
export function switchedTemplate(body: string, switches: ReadonlyMap<string, string>): string {
  let switched = body;
  for (const [from, to] of switches) switched = switched.split(`:parameter${from}"`).join(`:parameter${to}"`);
  return switched;
}

export async function releaseEnvironment(context: Context, rack: RackInfo, app: AppInfo, version: string, port: ReviewPort, notes: string[], beforeExecute: () => Promise<void>, switches: ReadonlyMap<string, string> = new Map()): Promise<DeployOutcome> {
  const template = switches.size === 0 ? ({ usePrevious: true } as const) : { body: switchedTemplate(JSON.stringify(await deployedTemplate(await context.aws.cloudFormation(), app.id || app.name)), switches) };
  return deployStack(
    context.aws,
    {
      stackName: app.name,
      template,
      ...(rack.outputs.TemplateBucket ? { templateBucket: rack.outputs.TemplateBucket } : {}),
      parameters: { ...app.parameters, [AppParameter.EnvironmentVersion]: version },
      tags: app.tags,
      capabilities: ["CAPABILITY_IAM"],
      notes,
    },
    // The new values are stored once the change is approved, right before it runs.
    { port, followCommand: `racknet apps info ${app.app} -r ${rack.rack}`, removeCommand: `racknet apps delete ${app.app} -r ${rack.rack}`, what: `app ${app.app} on rack ${rack.rack}`, beforeExecute },
  );
}
