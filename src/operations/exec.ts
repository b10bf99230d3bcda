import { spawn } from "node:child_process";
import type { Outcome } from "../ui/outcome.js";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Session } from "@aws-sdk/client-ecs";
import { UserError } from "../errors/index.js";
import { execAgentStatus, execTask, executeCommand } from "../aws/exec.js";
import { serviceNameOutput } from "../templates/app-contract.js";
import { appName, type Context } from "../runtime/context.js";
import type { Interrupts } from "../runtime/interrupt.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { quote } from "shell-quote";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

export const PLUGIN = "session-manager-plugin";
const INSTALL_URL = "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html";

/** How exec reaches the machine: the plugin found on PATH, and the plugin run with the session (its exit code back). */
export interface ExecHost {
  findPlugin(): string | undefined;
  /** Runs the plugin; Ctrl-C, heard through `interrupts` while it runs, is the remote command's. */
  startPlugin(plugin: string, args: readonly string[], interrupts: Interrupts): Promise<number>;
}

export interface ExecArgs {
  service: string;
  command: string[];
  task?: string;
}

/**
 * `racknet exec SERVICE [--task ID] -- COMMAND ...`: ExecuteCommand in a running task of the
 * service, and the Session Manager plugin carrying it, as `aws ecs execute-command` does;
 * racknet exits with the plugin's exit code. Refused, before ExecuteCommand, when the plugin
 * is not installed (with how to install it), when the app's Exec is off (with the command that
 * turns it on), when the task started before Exec was on, and while its agent is not ready.
 */
export async function run(context: Context, args: ExecArgs): Promise<Outcome> {
  return execInto(context, args, localHost);
}

export async function execInto(context: Context, args: ExecArgs, host: ExecHost): Promise<Outcome> {
  const plugin = host.findPlugin();
  if (!plugin) {
    throw new UserError(`racknet exec needs AWS's Session Manager plugin (${PLUGIN}), which is not on your PATH`, {
      fix: `install it (${INSTALL_URL}: on macOS \`brew install --cask session-manager-plugin\`, on Debian or Ubuntu the .deb from that page), then run this again`,
    });
  }
  const app = appName(context.options);
  const rack = await resolveRack(context);
  const stack = await resolveApp(context, rack, app);
  if (stack.parameters.Exec !== "Yes") {
    throw new UserError(`exec is off for app ${app}: its tasks have no ECS Exec role and its services do not allow execute command`, {
      fix: `turn it on with \`racknet apps params set Exec=Yes -a ${app}\` (a broadening change, approved as one), then run this again`,
    });
  }
  const cluster = rack.rackOutputs[RackOutput.Cluster] ?? "";
  const ecsName = stack.outputs[serviceNameOutput(args.service)];
  if (!ecsName) throw new UserError(`app ${app} has no service ${args.service}`, { fix: `see its services with \`racknet services -a ${app}\`` });
  const ecs = await context.aws.ecs();
  const task = await execTask(ecs, cluster, ecsName, args.task);
  if (!task?.taskArn) {
    throw new UserError(args.task ? `task ${args.task} is not in rack ${rack.rack}'s cluster` : `service ${args.service} of app ${app} has no running task`, { fix: `see its tasks with \`racknet ps -a ${app}\`` });
  }
  const taskId = task.taskArn.split("/").at(-1) ?? task.taskArn;
  if (!task.enableExecuteCommand) {
    throw new UserError(`task ${taskId} started before Exec was turned on for app ${app}: ECS Exec reaches only tasks started since`, { fix: `wait for the rolling deployment to replace it (\`racknet ps -a ${app}\`), or name a newer task with ${Flag.task}` });
  }
  const agent = execAgentStatus(task, args.service);
  if (agent !== "RUNNING") {
    throw new UserError(`the ECS Exec agent in task ${taskId} is not ready (${agent ?? "not started"})`, { fix: "it starts with the task and takes a few seconds: run this again in a moment" });
  }
  const command = args.command.length === 1 ? (args.command[0] ?? "") : quote(args.command);
  const session = await executeCommand(ecs, { cluster, task: task.taskArn, container: args.service, command });
  const runtimeId = task.containers?.find((one) => one.name === args.service)?.runtimeId ?? "";
  const region = await context.aws.region();
  // The command's own exit code, as the plugin passes it on (its output went straight to the terminal).
  return { exitCode: await host.startPlugin(plugin, pluginArguments(session, { region, profile: context.options.profile ?? "", cluster: cluster.split("/").at(-1) ?? cluster, taskId, runtimeId }), context.interrupts) };
}

/**
 * What `aws ecs execute-command` hands the plugin: the session, the region, `StartSession`,
 * the profile, the target `ecs:<cluster>_<task-id>_<runtime-id>` and the ECS endpoint
 * (aws-cli's awscli/customizations/ecs/executecommand.py).
 */
export function pluginArguments(session: Session, target: { region: string; profile: string; cluster: string; taskId: string; runtimeId: string }): string[] {
  const endpoint = process.env.AWS_ENDPOINT_URL_ECS ?? process.env.AWS_ENDPOINT_URL ?? `https://ecs.${target.region}.amazonaws.com`;
  return [
    JSON.stringify({ sessionId: session.sessionId, streamUrl: session.streamUrl, tokenValue: session.tokenValue }),
    target.region,
    "StartSession",
    target.profile,
    JSON.stringify({ Target: `ecs:${target.cluster}_${target.taskId}_${target.runtimeId}` }),
    endpoint,
  ];
}

const localHost: ExecHost = {
  findPlugin() {
    for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
      const candidate = join(dir, PLUGIN);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
    return undefined;
  },
  startPlugin(plugin, args, interrupts) {
    return new Promise((resolve, reject) => {
      const child = spawn(plugin, args, { stdio: "inherit" });
      // Ctrl-C belongs to the remote command while the session runs; the plugin ends it.
      const stopIgnoring = interrupts.listen(() => undefined);
      child.on("error", reject);
      child.on("exit", (code) => {
        stopIgnoring();
        resolve(code ?? 1);
      });
    });
  },
};
