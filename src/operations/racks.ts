import type { Context } from "../runtime/context.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { listRacks } from "../aws/stacks.js";
import { VERSION_TAG } from "../names/index.js";
import { rackInfo } from "../shared-steps/resolve.js";
import { rackStanding } from "../rack-steps/rack-standing.js";
import { shortParameters, type TemplateView } from "../ui/rack-summary.js";

/** The TEMPLATE column: where each rack stands against this racknet's template, in a word or two. */
const STANDING_WORDS: Record<TemplateView["standing"], string> = {
  current: "up to date",
  behind: "behind: rack update",
  different: "differs: rack update",
  ahead: "ahead (newer racknet)",
};

export async function run(context: Context): Promise<Outcome> {
  const [racks, region] = await Promise.all([context.aws.cloudFormation().then(listRacks), context.aws.region()]);
  // --json: every parameter by name, the shape `racknet rack` and `rack params` give.
  const rows = await Promise.all(
    racks.map(async (rack) => ({
      name: rack.name,
      status: rack.status,
      version: rack.tags[VERSION_TAG] ?? null,
      template: await rackStanding(rack, region),
      parameters: rackInfo(rack, rack.name).params,
    })),
  );
  return outcome(rows, (printer) => {
    if (rows.length === 0) {
      printer.info("no racks in this region; create one with `racknet rack install NAME`");
      return;
    }
    printer.table(
      [
        { header: "NAME", key: "name" },
        { header: "STATUS", key: "status" },
        { header: "VERSION", key: "version" },
        { header: "TEMPLATE", key: "template" },
        { header: "PARAMETERS", key: "parameters" },
      ],
      rows.map((row) => ({ ...row, version: row.version ?? "", template: STANDING_WORDS[row.template.standing], parameters: shortParameters(row.parameters) })),
    );
    const behind = rows.filter((row) => row.template.standing === "behind" || row.template.standing === "different");
    if (behind.length > 0) printer.info(`${behind.map((row) => row.name).join(", ")}: not on this racknet's rack template; \`racknet rack update -r RACK\` moves a rack to it`);
  });
}
