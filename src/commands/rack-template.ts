import type { Context } from "../core/context.js";
import { UserError } from "../core/errors.js";

export async function run(context: Context, args: string[], options: Record<string, unknown>): Promise<void> {
  void context;
  void options;
  throw new UserError("rack-template is not built yet: " + args.join(" "));
}
