import type { Context } from "../core/context.js";
import { UserError } from "../core/errors.js";
import { describeStack, listApps } from "../aws/stacks.js";
import { deleteStack } from "../aws/delete-stack.js";
import { KIND_TAG, RACK_NAME_MAX, appStackName, nameProblem, rackStackName } from "../names/index.js";
import { removeRackCa } from "../operations/rack-install.js";
import { removeTemplateUploads } from "../aws/template-bucket.js";

export async function run(context: Context, args: string[]): Promise<void> {
  const [name = ""] = args;
  const problem = nameProblem("rack", name, RACK_NAME_MAX);
  if (problem) throw new UserError(problem);
  const cfn = await context.aws.cloudFormation();
  const stack = await describeStack(cfn, rackStackName(name));
  if (!stack || stack.tags[KIND_TAG] !== "rack") {
    throw new UserError(`rack "${name}" not found in ${await context.aws.region()}`, { fix: "run `racknet racks` to list racks" });
  }
  const apps = await listApps(cfn, name);
  if (apps.length > 0) {
    throw new UserError(`rack ${name} still has ${apps.length} app(s): ${apps.map((app) => app.app).join(", ")}; nothing was deleted`, {
      fix: `delete each app first, e.g. \`aws cloudformation delete-stack --stack-name ${appStackName(name, apps[0]?.app ?? "APP")}\``,
    });
  }
  const options = {
    dryRun: context.options.dryRun,
    yes: context.options.yes,
    canPrompt: context.canPrompt,
    followCommand: `racknet racks`,
    what: `rack ${name}`,
  };
  const bucket = stack.outputs.TemplateBucket;
  if (bucket && !context.options.dryRun && (context.options.yes || context.canPrompt)) {
    const removed = await removeTemplateUploads(context, bucket);
    if (removed > 0) context.printer.step(`removed ${removed} leftover template upload(s) from ${bucket}`);
  }
  await deleteStack(context, rackStackName(name), options);
  if (context.options.dryRun) return;
  await removeRackCa(context, name);
  context.printer.success(`rack ${name} uninstalled`);
  context.printer.result({ rack: name, outcome: "deleted" }, () => undefined);
}
