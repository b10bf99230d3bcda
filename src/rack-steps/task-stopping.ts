/**
 * Stopping the tasks that would keep a cluster or an app from going. ECS refuses to delete a
 * cluster that has active tasks (DeleteCluster: ClusterContainsTasksException), so the rack's
 * stack ends DELETE_FAILED while any runs; and an app's one-off and timer tasks (RunTask by
 * hand, by `racknet run`, by its EventBridge Scheduler schedules) outlive its stack, which
 * takes their roles, then hold the rack's cluster. Its services' tasks are the services' own:
 * deleting a service stops them, so they are left to it (stopping them first would only make
 * the service start new ones). Reusable: whatever starts tasks can stop them the same way.
 */
import type { Task } from "@aws-sdk/client-ecs";
import { UserError } from "../errors/index.js";
import { activeTasks, describeTasks, stopTask, taskDefinitionFamily } from "../aws/ecs-tasks.js";
import { stackResourceIds, type AppInfo } from "../aws/stacks.js";
import { APP_ID_TAG, appId } from "../names/index.js";
import type { Context } from "../runtime/context.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { RackOutput } from "../names/rack-outputs.js";

export interface StopPacing {
  pollMs: number;
  timeoutMs: number;
}

export const DEFAULT_STOP_PACING: StopPacing = {
  pollMs: 3_000,
  // StopTask sends SIGTERM, then SIGKILL after the container's stopTimeout (30 s by default,
  // at most 120 s on Fargate); detaching the task's network interface follows. Past this,
  // something is wrong with the task, and the user is told which.
  timeoutMs: 5 * 60_000,
};

/** Whose tasks: every task of the rack's cluster (uninstall), or one app's (apps delete). */
export type TaskOwner = { kind: "rack" } | { kind: "app"; appId: string; families: ReadonlySet<string> };

/** A task a service started (group `service:NAME`): deleting the service stops it. */
export function isServiceTask(task: Task): boolean {
  return task.group?.startsWith("service:") ?? false;
}

/**
 * Whether the task is the owner's to stop. An app's: tagged with its id (services propagate
 * it, one-off tasks carry it), or running one of its task definitions (timers); never one of
 * its services' tasks.
 */
export function ownedBy(task: Task, owner: TaskOwner): boolean {
  if (owner.kind === "rack") return true;
  if (isServiceTask(task)) return false;
  const tagged = (task.tags ?? []).some((tag) => tag.key === APP_ID_TAG && tag.value === owner.appId);
  return tagged || owner.families.has(taskDefinitionFamily(task.taskDefinitionArn));
}

/** The app as a task owner: its id and the families of its stack's task definitions. */
export async function appTaskOwner(context: Context, app: AppInfo): Promise<TaskOwner> {
  const arns = await stackResourceIds(await context.aws.cloudFormation(), app.id || app.name, "AWS::ECS::TaskDefinition");
  return { kind: "app", appId: appId(app.id), families: new Set(arns.map(taskDefinitionFamily)) };
}

/**
 * Stops the owner's active tasks in the rack's cluster and waits until ECS reports each
 * STOPPED, with a line when they are asked to stop and when they have; past the timeout
 * refuses (nothing deleted yet) naming each task still going. Returns the ids of the tasks
 * it stopped.
 */
export async function stopOwnedTasks(context: Context, rack: RackInfo, owner: TaskOwner, reason: string, pacing: StopPacing = DEFAULT_STOP_PACING): Promise<{ stopped: string[] }> {
  const cluster = rack.rackOutputs[RackOutput.Cluster];
  if (!cluster) return { stopped: [] };
  const ecs = await context.aws.ecs();
  const tasks = (await activeTasks(ecs, cluster)).filter((task) => ownedBy(task, owner));
  if (tasks.length === 0) return { stopped: [] };
  return stopTasks(context, cluster, tasks, reason, pacing);
}

/** Asks ECS to stop each task not already stopping, then waits until all are STOPPED. */
export async function stopTasks(context: Context, cluster: string, tasks: readonly Task[], reason: string, pacing: StopPacing = DEFAULT_STOP_PACING): Promise<{ stopped: string[] }> {
  const ecs = await context.aws.ecs();
  const arns = tasks.flatMap((task) => (task.taskArn ? [task.taskArn] : []));
  const ids = arns.map(taskId);
  context.printer.step(`stopping ${arns.length} task(s) in cluster ${cluster}: ${ids.join(", ")}`);
  for (const task of tasks) {
    if (task.taskArn && task.desiredStatus !== "STOPPED") await stopTask(ecs, cluster, task.taskArn, reason);
  }
  const deadline = context.clock.now() + pacing.timeoutMs;
  for (let poll = 0; ; poll += 1) {
    const going = (await describeTasks(ecs, cluster, arns)).filter((task) => task.lastStatus !== "STOPPED");
    if (going.length === 0) break;
    // A task whose containers had already exited stops within a second or two: look again soon, then every pollMs.
    const delay = Math.min(pacing.pollMs, 1_000 * 2 ** poll);
    if (context.clock.now() + delay > deadline) throw stillGoing(cluster, going, pacing.timeoutMs);
    await context.clock.sleep(delay);
  }
  context.printer.step(`stopped ${arns.length} task(s) in cluster ${cluster}`);
  return { stopped: ids };
}

function taskId(arn: string): string {
  return arn.split("/").at(-1) ?? arn;
}

function stillGoing(cluster: string, tasks: readonly Task[], timeoutMs: number): UserError {
  const list = tasks.map((task) => `  ${taskId(task.taskArn ?? "")} (${task.lastStatus ?? "?"}, ${task.taskDefinitionArn?.split("/").at(-1) ?? "?"})`).join("\n");
  return new UserError(`after ${Math.round(timeoutMs / 60_000)} min, ${tasks.length} task(s) in cluster ${cluster} have not stopped, and ECS would refuse to delete what they run in; nothing was deleted:\n${list}`, {
    fix: `see why with \`aws ecs describe-tasks --cluster ${cluster} --tasks ID\`, then run the command again`,
  });
}
