import { appTasks, type AppTask } from "../app-steps/app-tasks.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { appName, type Context } from "../runtime/context.js";

/**
 * `racknet ps`: the app's tasks as `convox ps` lists its processes, with what racknet adds:
 * each task's private IP and its numbered private network name (the name
 * `private-networks-domain-names` lists for that container).
 */

/** A task as `racknet ps --json` prints it. */
export interface PsRow {
  service: string;
  task: string;
  status: string;
  release: string;
  image: string;
  started: string | null;
  privateIp: string | null;
  privateName: string | null;
}

export async function run(context: Context): Promise<Outcome> {
  const rack = await resolveRack(context);
  const app = await resolveApp(context, rack, appName(context.options));
  const { tasks, problems } = await appTasks(context, rack, app);
  for (const problem of problems) context.printer.warn(`private network: ${problem}`);
  const rows = tasks.map(psRow);
  return outcome(rows, (printer) => {
    if (rows.length === 0) {
      printer.info(`app ${app.app} has no running tasks on rack ${rack.rack}`);
      return;
    }
    printer.table(
      [
        { header: "SERVICE", key: "service" },
        { header: "ID", key: "task" },
        { header: "STATUS", key: "status" },
        { header: "RELEASE", key: "release" },
        { header: "IMAGE", key: "image" },
        { header: "STARTED", key: "started" },
        { header: "PRIVATE IP", key: "privateIp" },
        { header: "PRIVATE NAME", key: "privateName" },
      ],
      rows.map((row) => ({ ...row, started: row.started ?? "", privateIp: row.privateIp ?? "", privateName: row.privateName ?? "" })),
    );
  });
}

function psRow(task: AppTask): PsRow {
  return {
    service: task.service,
    task: task.taskId,
    status: task.status,
    release: task.release,
    image: task.image,
    started: task.startedAt?.toISOString() ?? null,
    privateIp: task.privateIp ?? null,
    privateName: task.privateName ?? null,
  };
}
