import type { Context } from "../runtime/context.js";
import { applyAssignments, defaultParams, toCfnParameters } from "../rack/params.js";
import { assertNoParamProblems } from "../rack/param-problems.js";
import { fullRackTemplate } from "../steps/rack-template.js";

/**
 * `racknet rack template [K=V ...]`, offline: the template racknet deploys, with the given
 * parameters as its defaults.
 */
export async function run(context: Context, args: { params: string[] }): Promise<void> {
  const { params, problems } = applyAssignments(defaultParams(), args.params, "install");
  assertNoParamProblems(problems);
  const template = fullRackTemplate(toCfnParameters(params, { availabilityZoneCount: 3, rackCertificateArn: "" }));
  context.printer.out(JSON.stringify(template, null, 2));
}
