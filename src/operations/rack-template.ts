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
  // The zones, the certificates and the sync function's concurrency are chosen at install,
  // against the account: the template leaves them to whoever deploys it.
  const { AvailabilityZones: _zones, AvailabilityZoneCount: _count, SyncReservedConcurrency: _sync, ...defaults } = toCfnParameters(params, { availabilityZones: [], rackCertificateArn: "" });
  const template = fullRackTemplate(defaults);
  context.printer.out(JSON.stringify(template, null, 2));
}
