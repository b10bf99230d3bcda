/**
 * What runs in the rack's cluster, read for `apps info` and `ps`: an app's tasks, its ECS
 * services, and the images of their task definitions; and StopTask, for what must stop
 * before its cluster or app goes. Reads grow with tasks (100 per DescribeTasks) and services
 * (10 per DescribeServices), never one per task.
 */
import type { ECSClient, Service, Task } from "@aws-sdk/client-ecs";
import { sdk } from "./sdk.js";

/** DescribeTasks takes at most 100 task ARNs per call. */
export const DESCRIBE_TASKS_MAX = 100;
/** DescribeServices takes at most 10 services per call. */
export const DESCRIBE_SERVICES_MAX = 10;

/**
 * The cluster's tasks whose desired status is RUNNING (pending ones included: they are on
 * their way), described with their tags (which say whose they are).
 */
export async function runningTasks(ecs: ECSClient, cluster: string): Promise<Task[]> {
  return describeTasks(ecs, cluster, await listTasks(ecs, cluster, "RUNNING"));
}

/**
 * The cluster's active tasks: those meant to run, and those told to stop that have not
 * stopped yet. DeleteCluster refuses a cluster with any (ClusterContainsTasksException,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html); a stopped
 * task stays listed, STOPPED, for a while, and does not count.
 */
export async function activeTasks(ecs: ECSClient, cluster: string): Promise<Task[]> {
  const [running, stopping] = await Promise.all([listTasks(ecs, cluster, "RUNNING"), listTasks(ecs, cluster, "STOPPED")]);
  const tasks = await describeTasks(ecs, cluster, [...new Set([...running, ...stopping])]);
  return tasks.filter((task) => task.lastStatus !== "STOPPED");
}

/** The tasks as ECS describes them now, with their tags; a task ECS no longer knows is left out. */
export async function describeTasks(ecs: ECSClient, cluster: string, arns: readonly string[]): Promise<Task[]> {
  const { DescribeTasksCommand } = sdk.ecs();
  const tasks: Task[] = [];
  for (const chunk of chunks(arns, DESCRIBE_TASKS_MAX)) {
    const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: chunk, include: ["TAGS"] }));
    tasks.push(...(described.tasks ?? []));
  }
  return tasks;
}

/** StopTask's reason: "Up to 255 characters are allowed in this message" (API_StopTask). */
export const STOP_REASON_MAX = 255;

/** Asks ECS to stop the task (it stops its containers, then the task goes STOPPED). */
export async function stopTask(ecs: ECSClient, cluster: string, taskArn: string, reason: string): Promise<void> {
  const { StopTaskCommand } = sdk.ecs();
  await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, STOP_REASON_MAX) }));
}

async function listTasks(ecs: ECSClient, cluster: string, desiredStatus: "RUNNING" | "STOPPED"): Promise<string[]> {
  const { paginateListTasks } = sdk.ecs();
  const arns: string[] = [];
  for await (const page of paginateListTasks({ client: ecs }, { cluster, desiredStatus })) arns.push(...(page.taskArns ?? []));
  return arns;
}

/**
 * The ECS services by name. A cluster replaced in an update leaves the old service listed
 * as INACTIVE under the same name: the ACTIVE one wins.
 */
export async function describeServices(ecs: ECSClient, cluster: string, names: readonly string[], options: { tags?: boolean } = {}): Promise<Map<string, Service>> {
  const { DescribeServicesCommand } = sdk.ecs();
  const found = new Map<string, Service>();
  for (const chunk of chunks(names, DESCRIBE_SERVICES_MAX)) {
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [...chunk], ...(options.tags ? { include: ["TAGS"] } : {}) }));
    for (const service of services ?? []) {
      const name = service.serviceName ?? "";
      if (!found.has(name) || service.status === "ACTIVE") found.set(name, service);
    }
  }
  return found;
}

/** Each task definition's images by container name, one DescribeTaskDefinition per distinct ARN. */
export async function taskDefinitionImages(ecs: ECSClient, arns: Iterable<string>): Promise<Map<string, Record<string, string>>> {
  const { DescribeTaskDefinitionCommand } = sdk.ecs();
  const distinct = [...new Set(arns)].filter(Boolean);
  const described = await Promise.all(
    distinct.map(async (arn) => {
      const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
      const images = Object.fromEntries((taskDefinition?.containerDefinitions ?? []).map((container) => [container.name ?? "", container.image ?? ""]));
      return [arn, images] as const;
    }),
  );
  return new Map(described);
}

/** `arn:…:task-definition/prod-shop-web:7` → `prod-shop-web`: the task definition's family. */
export function taskDefinitionFamily(arn: string | undefined): string {
  return taskDefinitionRevision(arn).replace(/:\d+$/, "");
}

/** `arn:…:task-definition/prod-shop-web:7` → `prod-shop-web:7`: the release a task or service runs. */
export function taskDefinitionRevision(arn: string | undefined): string {
  return arn?.split("/").at(-1) ?? "";
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
