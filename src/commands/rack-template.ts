import type { Context } from "../core/context.js";
import { applyAssignments, defaultParams, toCfnParameters } from "../rack/params.js";
import { assertNoParamProblems } from "../operations/param-problems.js";
import { fullRackTemplate } from "../operations/rack-install.js";

/**
 * Offline: the template racknet deploys, with the given parameters as the defaults, so
 * `aws cloudformation deploy --template-file` of the output builds the same rack.
 */
export async function run(context: Context, args: string[]): Promise<void> {
  const { params, problems } = applyAssignments(defaultParams(), args, "install");
  assertNoParamProblems(problems);
  const template = fullRackTemplate();
  const values = toCfnParameters(params, { availabilityZoneCount: 3, rackCertificateArn: "" });
  for (const [name, value] of Object.entries(values)) {
    const parameter = template.Parameters[name];
    if (parameter && value !== "") parameter.Default = value;
  }
  context.printer.out(JSON.stringify(template, null, 2));
}
