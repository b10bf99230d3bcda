import type { Context } from "../runtime/context.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { listApps } from "../aws/stacks.js";
import { resolveRack } from "../shared-steps/resolve.js";

export async function run(context: Context): Promise<Outcome> {
  const rack = await resolveRack(context);
  const apps = await listApps(await context.aws.cloudFormation(), rack.rack);
  const rows = apps.map((app) => ({ name: app.app, status: app.status, updated: app.lastUpdated?.toISOString() ?? null }));
  return outcome(rows, (printer) => {
    if (rows.length === 0) {
      printer.info(`no apps on rack ${rack.rack}; deploy one with \`racknet deploy -a APP\``);
      return;
    }
    printer.table(
      [
        { header: "APP", key: "name" },
        { header: "STATUS", key: "status" },
        { header: "UPDATED", key: "updated" },
      ],
      rows.map((row) => ({ ...row, updated: row.updated ?? "" })),
    );
  });
}
