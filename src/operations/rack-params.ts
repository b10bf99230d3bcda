import type { Context } from "../runtime/context.js";
import { resolveRack } from "../shared-steps/resolve.js";
import { PARAMS } from "../rack/params.js";

export async function run(context: Context): Promise<void> {
  const rack = await resolveRack(context);
  const { params } = rack;
  context.printer.result(params, () =>
    context.printer.keyValues(PARAMS.map((spec) => [spec.name, params[spec.name] === "" ? "(empty)" : params[spec.name]])),
  );
}
