import type { Context } from "../runtime/context.js";
import { listRacks } from "../aws/stacks.js";
import { VERSION_TAG } from "../names/index.js";
import { rackInfo } from "../steps/resolve.js";
import { shortParameters } from "../ui/rack-summary.js";

export async function run(context: Context): Promise<void> {
  const racks = await listRacks(await context.aws.cloudFormation());
  // --json: every parameter by name, the shape `racknet rack` and `rack params` give.
  const rows = racks.map((rack) => ({
    name: rack.name,
    status: rack.status,
    version: rack.tags[VERSION_TAG] ?? null,
    parameters: rackInfo(rack, rack.name).params,
  }));
  context.printer.result(rows, () => {
    if (rows.length === 0) {
      context.printer.info("no racks in this region; create one with `racknet rack install NAME`");
      return;
    }
    context.printer.table(
      [
        { header: "NAME", key: "name" },
        { header: "STATUS", key: "status" },
        { header: "VERSION", key: "version" },
        { header: "PARAMETERS", key: "parameters" },
      ],
      rows.map((row) => ({ ...row, version: row.version ?? "", parameters: shortParameters(row.parameters) })),
    );
  });
}
