/**
 * ECS Exec (`racknet exec`): a running task of a service, whether its Exec agent is ready,
 * and ExecuteCommand, whose session the Session Manager plugin then carries
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html).
 */
import type { ECSClient, Session, Task } from "@aws-sdk/client-ecs";
import { sdk } from "./sdk.js";

/** The task to exec into: the one named, else the service's first running task. */
export async function execTask(ecs: ECSClient, cluster: string, service: string, taskId: string | undefined): Promise<Task | undefined> {
  const { ListTasksCommand, DescribeTasksCommand } = sdk.ecs();
  const arns = taskId ? [taskId] : ((await ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus: "RUNNING" }))).taskArns ?? []).slice(0, 1);
  if (arns.length === 0) return undefined;
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }));
  return tasks?.[0];
}

/** The Exec agent's status in the container (RUNNING when it can take a command); undefined when the task has none. */
export function execAgentStatus(task: Task, container: string): string | undefined {
  const found = task.containers?.find((one) => one.name === container) ?? task.containers?.[0];
  return found?.managedAgents?.find((agent) => agent.name === "ExecuteCommandAgent")?.lastStatus;
}

export async function executeCommand(ecs: ECSClient, request: { cluster: string; task: string; container: string; command: string }): Promise<Session> {
  const { ExecuteCommandCommand } = sdk.ecs();
  const result = await ecs.send(new ExecuteCommandCommand({ cluster: request.cluster, task: request.task, container: request.container, command: request.command, interactive: true }));
  if (!result.session?.sessionId) throw new Error("ExecuteCommand returned no session");
  return result.session;
}
