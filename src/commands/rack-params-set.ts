import type { Context } from "../core/context.js";
import { setRackParams } from "../operations/rack-update.js";

export async function run(context: Context, args: string[]): Promise<void> {
  const result = await setRackParams(context, args);
  const { printer } = context;
  if (result.outcome === "applied") printer.success(`rack ${result.rack} updated: ${result.changes.map((change) => `${change.name}=${change.to}`).join(" ")}`);
  printer.result(result, () => undefined);
}
