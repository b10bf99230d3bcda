import { AwsOperationFailed, ExitCode, Interrupted, UsageError, UserError } from "../errors/index.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { describeTask, readStream, serviceSetup, startTask, stopTask } from "../aws/run-task.js";
import { APP_TAG, RACK_TAG, RUN_STARTED_BY, runTaskGroup } from "../names/index.js";
import { serviceNameOutput } from "../templates/app-contract.js";
import { appName, type Context } from "../runtime/context.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { parseSince } from "./logs.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

/** `racknet run --json`: the task, and how it ended (absent with --detach). */
export interface RunResult {
  app: string;
  rack: string;
  service: string;
  task: string;
  taskArn: string;
  /** The container's exit code; null when it has none (stopped by racknet, or it never started). */
  exitCode: number | null;
  /** `exited`; `detached`. (Stopped by racknet on --timeout or Ctrl-C, or without an exit code: the error object instead.) */
  outcome: "exited" | "detached" | "timed-out" | "interrupted";
  stoppedReason: string | null;
}

export interface RunArgs {
  service: string;
  command?: string[];
  detach: boolean;
  timeout?: string;
}

/** How long between two looks at the task and its log: 1 s, growing to 3 s. */
const POLL_MS = { first: 1_000, max: 3_000 };

/**
 * `racknet run SERVICE [-- COMMAND ...]`: a one-off Fargate task from the service's current
 * task definition (its image, environment and secrets) in the service's subnets and security
 * groups, never with a public IP on a private rack; its log lines printed as they come, and
 * the container's exit code as racknet's. `--detach` prints the task id and exits 0. Ctrl-C
 * and `--timeout` stop the task (StopTask) and say so. Tasks are started by `racknet-run` in
 * group `racknet-run:<app>`; `apps delete` and `rack uninstall` stop them first, finding them by
 * their task definition's family (src/rack-steps/task-stopping.ts).
 */
export async function run(context: Context, args: RunArgs): Promise<Outcome<RunResult>> {
  const timeoutMs = args.timeout === undefined ? undefined : parseTimeout(args.timeout);
  const app = appName(context.options);
  const rack = await resolveRack(context);
  const stack = await resolveApp(context, rack, app);
  const cluster = rack.rackOutputs[RackOutput.Cluster] ?? "";
  const ecsName = stack.outputs[serviceNameOutput(args.service)];
  const ecs = await context.aws.ecs();
  const setup = ecsName && cluster ? await serviceSetup(ecs, cluster, ecsName) : undefined;
  if (!setup) {
    throw new UserError(`app ${app} has no running service ${args.service} on rack ${rack.rack}`, { fix: `see its services with \`racknet services -a ${app}\`` });
  }
  // A private rack's tasks never get a public IP, whatever the service says (SPEC section 2).
  const network = rack.params.Private === "Yes" ? { ...setup.network, assignPublicIp: "DISABLED" as const } : setup.network;
  const command = args.command && args.command.length > 0 ? args.command : undefined;
  const started = await startTask(ecs, {
    cluster,
    setup: { ...setup, network },
    container: args.service,
    ...(command ? { command } : {}),
    startedBy: RUN_STARTED_BY,
    group: runTaskGroup(app),
    // Not the service's own tags: the private network would name a one-off task as one of the service's containers.
    tags: { [RACK_TAG]: rack.rack, [APP_TAG]: app },
  });
  if ("failure" in started) throw new AwsOperationFailed(`ECS did not start a task for ${args.service}: ${started.failure}`, { fix: "check the cluster's capacity and the service's task definition with `racknet apps info`" });
  const taskArn = started.task.taskArn ?? "";
  const taskId = taskArn.split("/").at(-1) ?? taskArn;
  const base = { app, rack: rack.rack, service: args.service, task: taskId, taskArn };
  if (args.detach) {
    return outcome({ ...base, exitCode: null, outcome: "detached", stoppedReason: null } satisfies RunResult, (printer) => printer.out(taskId), {
      notes: [`task ${taskId} runs on; its logs: \`racknet logs -a ${app} -s ${args.service}\``],
    });
  }
  context.printer.step(`task ${taskId} started for ${args.service}${command ? `: ${command.join(" ")}` : ""}`);
  const result = await follow(context, { ...base, cluster, group: rack.rackOutputs[RackOutput.LogGroup] ?? "", stream: `${app}/${args.service}/${taskId}`, timeoutMs });
  if (result.outcome === "interrupted") throw new Interrupted(`Ctrl-C: task ${taskId} was stopped`);
  if (result.outcome === "timed-out") throw new AwsOperationFailed(`task ${taskId} ran longer than ${Flag.timeout} ${args.timeout} and was stopped`, { fix: `give it more time with ${Flag.timeout}, or run it with ${Flag.detach} and follow \`racknet logs\`` });
  if (result.exitCode === null) throw new AwsOperationFailed(`task ${taskId} stopped without an exit code: ${result.stoppedReason ?? "no reason given"}`, { fix: `see why with \`racknet logs -a ${app} -s ${args.service}\`` });
  if (result.exitCode !== 0) context.printer.warn(`task ${taskId} exited with ${result.exitCode}`);
  return outcome(result, undefined, { exitCode: result.exitCode === 0 ? ExitCode.ok : result.exitCode });
}

interface Following {
  app: string;
  rack: string;
  service: string;
  task: string;
  taskArn: string;
  cluster: string;
  group: string;
  stream: string;
  timeoutMs: number | undefined;
}

/** Print the task's log lines until it stops; Ctrl-C or the timeout stop it first. */
async function follow(context: Context, run: Following): Promise<RunResult> {
  const [ecs, logs] = await Promise.all([context.aws.ecs(), context.aws.cloudWatchLogs()]);
  const { clock } = context;
  const deadline = run.timeoutMs === undefined ? undefined : clock.now() + run.timeoutMs;
  const abort = context.interrupts.scope();
  let token: string | undefined;
  const printLines = async () => {
    for (;;) {
      const page = await readStream(logs, run.group, run.stream, token);
      // With --json, stdout holds the result alone: the task's lines go to stderr.
      for (const line of page.lines) (context.options.json ? context.printer.info(line) : context.printer.out(line));
      if (page.token === token || page.lines.length === 0) {
        token = page.token;
        return;
      }
      token = page.token;
    }
  };
  const base = { app: run.app, rack: run.rack, service: run.service, task: run.task, taskArn: run.taskArn };
  try {
    for (let wait = POLL_MS.first; ; wait = Math.min(POLL_MS.max, wait + 500)) {
      const task = await describeTask(ecs, run.cluster, run.taskArn);
      await printLines();
      if (task?.lastStatus === "STOPPED") {
        const container = task.containers?.find((one) => one.name === run.service) ?? task.containers?.[0];
        return { ...base, exitCode: container?.exitCode ?? null, outcome: "exited", stoppedReason: task.stoppedReason ?? null };
      }
      const stopping = abort.signal.aborted ? "interrupted" : deadline !== undefined && clock.now() >= deadline ? "timed-out" : undefined;
      if (stopping) {
        const reason = stopping === "interrupted" ? "racknet run: Ctrl-C" : `racknet run: ${Flag.timeout} reached`;
        await stopTask(ecs, run.cluster, run.taskArn, reason);
        context.printer.warn(`${stopping === "interrupted" ? "Ctrl-C" : `${Flag.timeout} reached`}: stopped task ${run.task} (StopTask)`);
        return { ...base, exitCode: null, outcome: stopping, stoppedReason: reason };
      }
      // Ctrl-C ends the wait at once; the next turn stops the task and says so.
      await clock.sleep(deadline === undefined ? wait : Math.max(0, Math.min(wait, deadline - clock.now())), abort.signal).catch((error: unknown) => {
        if (!abort.signal.aborted) throw error;
      });
    }
  } finally {
    abort.release();
  }
}

/** `--timeout D`: a duration as `--since` takes it (30s, 10m, 1h30m), over 0. */
export function parseTimeout(text: string): number {
  let ms: number;
  try {
    ms = parseSince(text);
  } catch {
    throw new UsageError(`${Flag.timeout} "${text}" is not a duration`, { fix: "pass a duration: 30s, 10m, 1h30m" });
  }
  if (ms <= 0) throw new UsageError(`${Flag.timeout} ${text} is no time at all`, { fix: `pass a duration over 0, e.g. ${Flag.timeout} 10m` });
  return ms;
}
