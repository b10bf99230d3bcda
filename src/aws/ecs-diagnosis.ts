/**
 * Why an ECS service's deployment failed, in ECS's and the container's own words: the stopped
 * tasks' reasons and exit codes, then the last log lines of the container that failed, root
 * cause first. Read when CloudFormation reports an AWS::ECS::Service failure (the deployment
 * circuit breaker rolled the service back): its event only says the breaker was triggered.
 *
 * ECS keeps stopped tasks listed for at least an hour (ListTasks desiredStatus STOPPED); the
 * awslogs driver names a task's stream `prefix/container/task-id`
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
 */
import type { Container, ContainerDefinition, ECSClient, Task } from "@aws-sdk/client-ecs";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { sdk } from "./sdk.js";

export interface EcsDiagnosisClients {
  ecs(): Promise<ECSClient>;
  cloudWatchLogs(): Promise<CloudWatchLogsClient>;
}

/** Stopped tasks described (the most recent first) and log lines shown. */
export const STOPPED_TASKS_SHOWN = 3;
export const LOG_LINES_SHOWN = 20;

/** `arn:aws:ecs:r:a:service/cluster/name` → cluster and service; the old ARN form (no cluster) cannot be read. */
export function serviceOfArn(arn: string): { cluster: string; service: string } | undefined {
  const match = /^arn:[^:]+:ecs:[^:]*:[^:]*:service\/([^/]+)\/([^/]+)$/.exec(arn);
  return match?.[1] && match[2] ? { cluster: match[1], service: match[2] } : undefined;
}

/** Lines explaining the service's failed deployment, root cause first; empty when ECS has nothing to say. */
export async function explainServiceFailure(clients: EcsDiagnosisClients, serviceArn: string): Promise<string[]> {
  const target = serviceOfArn(serviceArn);
  if (!target) return [];
  const ecs = await clients.ecs();
  const tasks = await stoppedTasks(ecs, target.cluster, target.service);
  if (tasks.length === 0) return [];
  const lines = [`ECS service ${target.service}: ${tasks.length === 1 ? "1 task" : `${tasks.length} tasks`} stopped (most recent first)`];
  for (const task of tasks) lines.push(...describeTask(task));
  const [latest] = tasks;
  const failing = latest ? failingContainer(latest) : undefined;
  if (latest && failing) lines.push(...(await lastLogLines(ecs, await clients.cloudWatchLogs(), latest, failing)));
  return lines;
}

async function stoppedTasks(ecs: ECSClient, cluster: string, service: string): Promise<Task[]> {
  const { ListTasksCommand, DescribeTasksCommand } = sdk.ecs();
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus: "STOPPED", maxResults: 100 }));
  if (taskArns.length === 0) return [];
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }));
  const time = (task: Task) => (task.stoppedAt ?? task.stoppingAt ?? task.createdAt)?.getTime() ?? 0;
  return [...tasks].sort((a, b) => time(b) - time(a)).slice(0, STOPPED_TASKS_SHOWN);
}

export function taskId(task: Pick<Task, "taskArn">): string {
  return task.taskArn?.split("/").at(-1) ?? "?";
}

/** `task 1a2b3c stopped: Essential container in task exited (EssentialContainerExited)`, then each container's exit. */
function describeTask(task: Task): string[] {
  const code = task.stopCode ? ` (${task.stopCode})` : "";
  const lines = [`  task ${taskId(task)} stopped: ${task.stoppedReason ?? "no reason given"}${code}`];
  for (const container of task.containers ?? []) {
    const exit = container.exitCode !== undefined ? `exit code ${container.exitCode}` : container.lastStatus ? `no exit code (${container.lastStatus})` : "no exit code";
    lines.push(`    container ${container.name ?? "?"}: ${exit}${container.reason ? `: ${container.reason}` : ""}`);
  }
  return lines;
}

/** The container that failed: one that exited non-zero, else one with a reason, else the first. */
export function failingContainer(task: Task): Container | undefined {
  const containers = task.containers ?? [];
  return containers.find((container) => container.exitCode !== undefined && container.exitCode !== 0) ?? containers.find((container) => container.reason) ?? containers[0];
}

async function lastLogLines(ecs: ECSClient, logs: CloudWatchLogsClient, task: Task, container: Container): Promise<string[]> {
  const definition = await containerDefinition(ecs, task.taskDefinitionArn, container.name);
  const options = definition?.logConfiguration?.logDriver === "awslogs" ? definition.logConfiguration.options : undefined;
  const group = options?.["awslogs-group"];
  const prefix = options?.["awslogs-stream-prefix"];
  if (!group || !prefix || !container.name) return [];
  const stream = `${prefix}/${container.name}/${taskId(task)}`;
  const { GetLogEventsCommand } = sdk.cloudWatchLogs();
  try {
    const { events = [] } = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, limit: LOG_LINES_SHOWN, startFromHead: false }));
    if (events.length === 0) return [`  the container wrote no log lines (log group ${group}, stream ${stream})`];
    return [`  last ${events.length} log line(s) of ${container.name} (task ${taskId(task)}; log group ${group}, stream ${stream}):`, ...events.map((event) => `    ${(event.message ?? "").trimEnd()}`)];
  } catch (error) {
    if (error instanceof Error && error.name === "ResourceNotFoundException") return [`  the container wrote no log (log stream ${stream} does not exist in ${group}: it may have stopped before it started)`];
    throw error;
  }
}

async function containerDefinition(ecs: ECSClient, taskDefinitionArn: string | undefined, name: string | undefined): Promise<ContainerDefinition | undefined> {
  if (!taskDefinitionArn) return undefined;
  const { DescribeTaskDefinitionCommand } = sdk.ecs();
  const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }));
  return taskDefinition?.containerDefinitions?.find((definition) => definition.name === name);
}
