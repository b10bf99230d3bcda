/**
 * One-off tasks (`racknet run`): a task from a service's task definition and network, its
 * state, its container's log stream, and stopping it. The direct calls only; the workflow is
 * src/operations/run.ts.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { ECSClient, Task } from "@aws-sdk/client-ecs";
import { sdk } from "./sdk.js";

export interface ServiceSetup {
  taskDefinition: string;
  network: { subnets: string[]; securityGroups: string[]; assignPublicIp: "ENABLED" | "DISABLED" };
}

/** The service's current task definition and network, as ECS runs it; undefined when there is no such ACTIVE service. */
export async function serviceSetup(ecs: ECSClient, cluster: string, service: string): Promise<ServiceSetup | undefined> {
  const { DescribeServicesCommand } = sdk.ecs();
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const found = (services ?? []).find((candidate) => candidate.status === "ACTIVE");
  const vpc = found?.networkConfiguration?.awsvpcConfiguration;
  if (!found?.taskDefinition || !vpc) return undefined;
  return { taskDefinition: found.taskDefinition, network: { subnets: vpc.subnets ?? [], securityGroups: vpc.securityGroups ?? [], assignPublicIp: vpc.assignPublicIp === "ENABLED" ? "ENABLED" : "DISABLED" } };
}

export interface RunRequest {
  cluster: string;
  setup: ServiceSetup;
  container: string;
  command?: readonly string[];
  startedBy: string;
  group: string;
  tags: Record<string, string>;
}

/** RunTask on Fargate; the task, or ECS's reason it placed none. */
export async function startTask(ecs: ECSClient, request: RunRequest): Promise<{ task: Task } | { failure: string }> {
  const { RunTaskCommand } = sdk.ecs();
  const result = await ecs.send(
    new RunTaskCommand({
      cluster: request.cluster,
      taskDefinition: request.setup.taskDefinition,
      launchType: "FARGATE",
      count: 1,
      startedBy: request.startedBy,
      group: request.group,
      networkConfiguration: { awsvpcConfiguration: request.setup.network },
      ...(request.command ? { overrides: { containerOverrides: [{ name: request.container, command: [...request.command] }] } } : {}),
      tags: Object.entries(request.tags).map(([key, value]) => ({ key, value })),
      propagateTags: "TASK_DEFINITION",
    }),
  );
  const task = result.tasks?.[0];
  if (task) return { task };
  return { failure: (result.failures ?? []).map((failure) => `${failure.reason ?? "failed"}${failure.detail ? ` (${failure.detail})` : ""}`).join("; ") || "ECS started no task" };
}

export async function describeTask(ecs: ECSClient, cluster: string, task: string): Promise<Task | undefined> {
  const { DescribeTasksCommand } = sdk.ecs();
  return (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task] }))).tasks?.[0];
}

export async function stopTask(ecs: ECSClient, cluster: string, task: string, reason: string): Promise<void> {
  const { StopTaskCommand } = sdk.ecs();
  await ecs.send(new StopTaskCommand({ cluster, task, reason }));
}

/** The lines of a log stream after `token` (from its start without one); a stream not made yet has none. */
export async function readStream(logs: CloudWatchLogsClient, group: string, stream: string, token: string | undefined): Promise<{ lines: string[]; token: string | undefined }> {
  const { GetLogEventsCommand } = sdk.cloudWatchLogs();
  try {
    const page = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, ...(token ? { nextToken: token } : {}) }));
    return { lines: (page.events ?? []).map((event) => event.message ?? ""), token: page.nextForwardToken ?? token };
  } catch (error) {
    if (error instanceof Error && error.name === "ResourceNotFoundException") return { lines: [], token };
    throw error;
  }
}
