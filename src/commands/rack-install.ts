import type { Context } from "../core/context.js";
import { installRack } from "../operations/rack-install.js";
import { printRackOutcome } from "./rack-output.js";

export async function run(context: Context, args: string[], options: Record<string, unknown>): Promise<void> {
  const [name = "", ...params] = args;
  const outcome = await installRack(context, { name, args: params, private: options.private === true });
  await printRackOutcome(context, name, outcome, "installed");
}
