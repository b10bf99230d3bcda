import type { Context } from "../runtime/context.js";
import { resolveRack } from "../shared-steps/resolve.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { PARAMS } from "../rack/params.js";

export async function run(context: Context): Promise<Outcome> {
  const rack = await resolveRack(context);
  const { params } = rack;
  return outcome(params, (printer) =>
    printer.keyValues(PARAMS.map((spec) => [spec.name, params[spec.name] === "" ? "(empty)" : params[spec.name]])),
  );
}
