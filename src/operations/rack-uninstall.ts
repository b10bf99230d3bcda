import type { Context } from "../runtime/context.js";
import { UserError } from "../core/errors.js";
import { describeStack, listApps } from "../aws/stacks.js";
import { deleteStack } from "../aws/delete-stack.js";
import { removeTemplateUploads } from "../aws/template-bucket.js";
import { KIND_TAG, RACK_NAME_MAX, nameProblem, rackStackName } from "../names/index.js";
import { removeRackCa } from "../steps/certificates.js";
import { operationPort } from "../steps/review.js";
import { azCountOf, rackInfo } from "../steps/resolve.js";
import { costOfChange } from "../steps/plan-context.js";
import { planJson } from "../plan/plan.js";

/**
 * `racknet rack uninstall NAME`: refused while the rack has apps; otherwise the plan (every
 * resource goes), the go-ahead, leftover template uploads removed (a bucket that is not
 * empty cannot be deleted), the stack deleted, then the rack's CA and certificates.
 */
export async function run(context: Context, args: { name: string }): Promise<void> {
  const { name } = args;
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
      fix: `delete each app first: ${apps.map((app) => `\`racknet apps delete ${app.app} -r ${name}\``).join(", ")}`,
    });
  }
  const bucket = stack.outputs.TemplateBucket;
  const rack = rackInfo(stack, name);
  const port = operationPort(context, {
    destructiveByName: true,
    cost: costOfChange(await context.aws.region(), { params: rack.params, azCount: azCountOf(rack), apps: [] }, undefined),
  });
  const outcome = await deleteStack(context.aws, rackStackName(name), {
    port,
    followCommand: "racknet racks",
    what: `rack ${name}`,
    beforeExecute: async () => {
      if (!bucket) return;
      const removed = await removeTemplateUploads(await context.aws.s3(), bucket);
      if (removed > 0) context.printer.step(`removed ${removed} leftover template upload(s) from ${bucket}`);
    },
  });
  const plan = port.plans[0] ? { plan: planJson(port.plans[0]) } : {};
  if (outcome.kind === "dry-run") {
    context.printer.result({ rack: name, outcome: "dry-run", ...plan }, () => undefined);
    return;
  }
  if (outcome.kind === "absent") context.printer.info(`nothing to delete: stack ${rackStackName(name)} does not exist`);
  await removeRackCa(context, name);
  context.printer.success(`rack ${name} uninstalled`);
  context.printer.result({ rack: name, outcome: "deleted", ...plan }, () => undefined);
}
