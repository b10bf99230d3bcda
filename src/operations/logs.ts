import { UsageError, UserError } from "../errors/index.js";
import type { Outcome } from "../ui/outcome.js";
import type { AppInfo } from "../aws/stacks.js";
import { LogGroupNotFound, tailLogs, type LogEvent } from "../aws/logs.js";
import { readAppMetadata } from "../shared-steps/app-metadata.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { appName, type Context } from "../runtime/context.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

/**
 * `racknet logs [-s SERVICE] [--since D] [--follow]`: the app's container logs from the
 * rack's CloudWatch log group, one line per event, prefixed as `convox logs` prefixes them
 * (`<time> service/<service>/<task id> <message>`); `--json` prints one object per line.
 * The task definitions send each container's output to the stream
 * `<app>/<service>/<task id>` (awslogs-stream-prefix is the app, the container is named
 * after its service). --follow polls until Ctrl-C, which ends racknet as SIGINT does by
 * default: no message, and the shell reports 130.
 */
export interface LogsArgs {
  service?: string;
  since: string;
  follow: boolean;
}

/** A log event as `racknet logs --json` prints it, one object per line. */
export interface LogLine {
  timestamp: string;
  service: string;
  task: string;
  message: string;
}

export async function run(context: Context, args: LogsArgs): Promise<Outcome> {
  const sinceMs = parseSince(args.since);
  const rack = await resolveRack(context);
  const name = appName(context.options);
  const app = await resolveApp(context, rack, name);
  if (args.service) await refuseUnknownService(context, app, args.service);
  const group = rack.rackOutputs[RackOutput.LogGroup];
  if (!group) {
    throw new UserError(`rack ${rack.rack} has no log group (its stack has no LogGroup output)`, { fix: `run \`racknet rack -r ${rack.rack}\` to see its status and version` });
  }
  const streamPrefix = args.service ? `${name}/${args.service}/` : `${name}/`;
  let printed = 0;
  const emit = (events: LogEvent[]) => {
    for (const event of events) {
      const line = logLine(event, name);
      context.printer.out(context.options.json ? JSON.stringify(line) : textLine(line));
      printed += 1;
    }
  };
  try {
    await tailLogs(await context.aws.cloudWatchLogs(), { group, streamPrefix, since: context.clock.now() - sinceMs }, { follow: args.follow, emit, sleep: context.clock.sleep });
  } catch (error) {
    if (!(error instanceof LogGroupNotFound)) throw error;
    throw new UserError(`rack ${rack.rack}'s log group ${group} does not exist, so there are no logs to show`, {
      fix: `the rack stack made it and something deleted it; containers cannot log (or start) without it: recreate it with \`aws logs create-log-group --log-group-name ${group}\``,
    });
  }
  // The lines are a stream, written as they arrive; what is left to say is a note.
  return printed === 0 ? { notes: [`no log lines from ${args.service ? `service ${args.service} of ` : ""}app ${name} in the last ${args.since}`] } : {};
}

async function refuseUnknownService(context: Context, app: AppInfo, service: string): Promise<void> {
  const services = (await readAppMetadata(context, app)).services.map((one) => one.name);
  if (services.includes(service)) return;
  throw new UserError(`app ${app.app} has no service "${service}"`, { fix: services.length > 0 ? `pass one of: ${services.join(", ")}` : "run `racknet services` to list its services" });
}

/** `<app>/<service>/<task id>` → its service and task; a stream of another shape keeps its name as the task. */
export function logLine(event: LogEvent, app: string): LogLine {
  const [service = "", ...task] = event.stream.slice(app.length + 1).split("/");
  return { timestamp: new Date(event.timestamp).toISOString(), service, task: task.join("/"), message: event.message.replace(/\r?\n$/, "") };
}

/** Convox's shape: `2020-02-05T12:47:41Z service/web/77f0e67e-… message`. */
export function textLine(line: LogLine): string {
  return `${line.timestamp.replace(/\.\d{3}Z$/, "Z")} service/${line.service}/${line.task} ${line.message}`;
}

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * --since as Convox reads it: a Go duration (time.ParseDuration), such as `10m`, `1h30m`,
 * `1.5h` or `90s`; `0` alone needs no unit. Negative or malformed values are refused.
 */
export function parseSince(text: string): number {
  const trimmed = text.trim();
  if (trimmed === "0") return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < trimmed.length) {
    part.lastIndex = at;
    const match = part.exec(trimmed);
    if (!match) break;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? Number.NaN);
    at = part.lastIndex;
  }
  if (trimmed.length === 0 || at !== trimmed.length || !Number.isFinite(total)) {
    throw new UsageError(`${Flag.since} "${text}" is not a duration`, { fix: "pass a duration as Convox takes it: 30s, 10m, 1h30m, 48h (units ns, us, ms, s, m, h)" });
  }
  return Math.round(total);
}
