import { appName, type Context } from "../core/context.js";
import { deployApp } from "../operations/deploy-app.js";

export async function run(context: Context, _args: string[], options: Record<string, unknown>): Promise<void> {
  const file = typeof options.file === "string" ? options.file : "convox.yml";
  const result = await deployApp(context, { app: appName(context.options), file });
  if (result.outcome === "applied") context.printer.success(`app ${result.app} deployed to rack ${result.rack}; see \`racknet services -a ${result.app}\``);
  context.printer.result(result, () => undefined);
}
