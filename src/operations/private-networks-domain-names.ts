import { privateNetworkNames } from "../rack-steps/private-network.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { appName, type Context } from "../runtime/context.js";
import { UsageError } from "../errors/index.js";
import type { ContainerName } from "../privnet/records.js";
import { Flag } from "../names/flags.js";

/**
 * `racknet private-networks-domain-names`: the private DNS names of the app's containers
 * (SPEC section 5), as Scalingo's CLI lists them. The names are computed from the tasks
 * running now and the numbers the zone already gives them, by the same function the rack's
 * sync function applies, so the list is the current formation even in the seconds before
 * the zone catches up. Read-only: it never writes records.
 */

interface Row extends Record<string, string> {
  type: string;
  domainName: string;
}

export interface Paging {
  page: number;
  perPage: number;
}

export async function run(context: Context, args: { page: string; perPage: string }): Promise<Outcome> {
  const paging = parsePaging(args);
  const rack = await resolveRack(context);
  const app = await resolveApp(context, rack, appName(context.options));
  const plan = await privateNetworkNames(context, rack, app);
  for (const problem of plan.problems) context.printer.warn(problem);

  const { rows, meta } = paginate(plan.names, paging);
  if (paging.page > meta.total_pages) {
    throw new UsageError(`${Flag.page} ${paging.page} is past the last page (${meta.total_pages} of ${meta.total_count} names, ${paging.perPage} per page)`, {
      fix: `pass ${Flag.page} ${meta.total_pages} or less`,
    });
  }
  const data = { data: rows.map((row) => ({ type: row.type, domain_name: row.domainName })), meta };
  const notes = plan.changes.length > 0 ? [`${plan.changes.length} record change(s) pending: the rack's sync function applies them within seconds`] : [];
  return outcome(data, (printer) => {
    if (meta.total_count === 0) {
      printer.info(`app ${app.app} has no running containers on rack ${rack.rack}, so no private network names`);
      return;
    }
    printer.table<Row>(
      [
        { header: "CONTAINER TYPE", key: "type" },
        { header: "DOMAIN NAME", key: "domainName" },
      ],
      rows,
    );
    printer.out(`Page ${meta.current_page}/${meta.total_pages}\nTotal number of domains ${meta.total_count}`);
  }, { notes });
}

export function parsePaging(options: { page?: string; perPage?: string }): Paging {
  const positive = (flag: string, value: unknown): number => {
    const text = String(value ?? "");
    if (!/^[1-9][0-9]{0,5}$/.test(text)) {
      throw new UsageError(`${flag} must be a positive whole number, not "${text}"`, { fix: `pass ${flag} 1 (or 2, 3, ...)` });
    }
    return Number(text);
  };
  return { page: positive(Flag.page, options.page ?? "1"), perPage: positive(Flag.perPage, options.perPage ?? "20") };
}

export function paginate(names: readonly ContainerName[], paging: Paging) {
  const totalPages = Math.max(1, Math.ceil(names.length / paging.perPage));
  const start = (paging.page - 1) * paging.perPage;
  const rows: Row[] = names.slice(start, start + paging.perPage).map((name) => ({ type: name.service, domainName: name.domainName }));
  return {
    rows,
    meta: { current_page: paging.page, per_page: paging.perPage, total_pages: totalPages, total_count: names.length },
  };
}
