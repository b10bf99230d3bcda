/**
 * Rolling a changed app environment out to the running app: the deployed template with the
 * environment label of each task definition set again (src/templates/app-environment.ts), so
 * only the task definitions that read a changed value get a new revision and only their
 * services roll, through the usual change set and go-ahead.
 */
import type { AppInfo } from "../aws/stacks.js";
import { deployedTemplate } from "../aws/stacks.js";
import { deployStack, type DeployOutcome } from "../aws/changeset/deploy.js";
import { renderTemplate, type Template } from "../templates/cfn.js";
import type { Context } from "../runtime/context.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import type { ReviewPort } from "../shared-steps/review.js";
import { appWaitCommand } from "../shared-steps/wait.js";
import { RackOutput } from "../names/rack-outputs.js";

/** The deployed app's template, as racknet rendered it. */
export async function appTemplateOf(context: Context, app: AppInfo): Promise<Template> {
  return (await deployedTemplate(await context.aws.cloudFormation(), app.id || app.name)) as unknown as Template;
}

/** The SSM parameters the deployed app's containers read (their task definitions' `Secrets`). */
export function parametersRead(template: Template): string[] {
  const names = new Set<string>();
  // The execution role's `.../apps/<app>/*` is a permission, not a parameter read.
  for (const match of JSON.stringify(template).matchAll(/:parameter(\/racknet\/[^"}\s]+)/g)) if (match[1] && !match[1].endsWith("*")) names.add(match[1]);
  return [...names].sort();
}

/**
 * `switches`: parameters the task definitions read now (a convox.yml default) and the one
 * they read from this release on (the value `env set` stored, which always wins): the
 * template with each `:parameter<old>` ARN ending there made `:parameter<new>`, nothing else.
 */
export function switchedTemplate(template: Template, switches: ReadonlyMap<string, string>): Template {
  if (switches.size === 0) return template;
  let switched = JSON.stringify(template);
  for (const [from, to] of switches) switched = switched.split(`:parameter${from}"`).join(`:parameter${to}"`);
  return JSON.parse(switched) as Template;
}

export async function releaseEnvironment(context: Context, rack: RackInfo, app: AppInfo, template: Template, port: ReviewPort, notes: string[], beforeExecute: () => Promise<void>): Promise<DeployOutcome> {
  return deployStack(
    context.aws,
    {
      stackName: app.name,
      template: { body: renderTemplate(template) },
      templateBucket: rack.outputs[RackOutput.TemplateBucket],
      parameters: app.parameters,
      tags: app.tags,
      capabilities: ["CAPABILITY_IAM"],
      notes,
    },
    // The new values are stored once the change is approved, right before it runs.
    { port, followCommand: appWaitCommand(app.app, rack.rack), removeCommand: `racknet apps delete ${app.app} -r ${rack.rack}`, what: `app ${app.app} on rack ${rack.rack}`, beforeExecute },
  );
}
