import type { Task } from "@aws-sdk/client-ecs";
import type { AppInfo } from "../aws/stacks.js";
import { runningTasks, taskDefinitionImages, taskDefinitionRevision } from "../aws/ecs-tasks.js";
import { appId } from "../names/index.js";
import { privateNetworkTask, zoneRecord } from "../privnet/aws-shapes.js";
import { fqdn, planPrivateNetworkRecords, taskMarker, type PrivateNetworkPlan, type PrivateNetworkTask, type ZoneRecord } from "../privnet/records.js";
import { privateNetworkIoFor } from "../aws/privnet-cli.js";
import type { Context } from "../runtime/context.js";
import { privateNetworkTarget } from "../rack-steps/private-network.js";
import type { RackInfo } from "../shared-steps/resolve.js";

/** One task of the app, as `racknet ps` shows it. */
export interface AppTask {
  service: string;
  taskId: string;
  /** ECS's lastStatus: PROVISIONING, PENDING, RUNNING, … */
  status: string;
  /** The task definition's family and revision (`prod-shop-web:7`): the release it runs. */
  release: string;
  image: string;
  startedAt?: Date;
  privateIp?: string;
  /** `<N>.<service>.<app-id>.<pn-id>.private-network.internal.`: absent until the task serves. */
  privateName?: string;
}

export interface AppTasks {
  tasks: AppTask[];
  /** Names the private network could not give (DNS limits, more containers than a record holds). */
  problems: string[];
}

/**
 * The app's tasks in the rack's cluster, each with the private network name that
 * `private-networks-domain-names` lists for it: the same planner, over the same tasks and
 * the zone's records, decides the numbers. One ListTasks/DescribeTasks pass, one read of
 * the zone, one DescribeTaskDefinition per release.
 */
export async function appTasks(context: Context, rack: RackInfo, app: AppInfo): Promise<AppTasks> {
  const target = privateNetworkTarget(rack);
  const [ecs, route53] = await Promise.all([context.aws.ecs(), context.aws.route53()]);
  const id = appId(app.id);
  const io = privateNetworkIoFor({ ecs, route53 }, target);
  const [all, recordSets] = await Promise.all([runningTasks(ecs, target.cluster), io.readRecords()]);
  const mine = all.flatMap((task) => {
    const parsed = privateNetworkTask(task);
    return parsed && parsed.appId === id ? [{ task, parsed }] : [];
  });
  const records = recordSets.map(zoneRecord).filter((record): record is ZoneRecord => record !== undefined);
  const plan = planPrivateNetworkRecords({ zoneName: target.zoneName, tasks: mine.map(({ parsed }) => parsed), records, appIds: [id] });
  const names = namesByTask(plan, records, mine.map(({ parsed }) => parsed.taskId));
  const images = await taskDefinitionImages(ecs, mine.map(({ task }) => task.taskDefinitionArn ?? ""));
  const tasks = mine.map(({ task, parsed }) => toAppTask(task, parsed, images.get(task.taskDefinitionArn ?? ""), names.get(parsed.taskId)));
  tasks.sort((a, b) => a.service.localeCompare(b.service) || (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0) || a.taskId.localeCompare(b.taskId));
  return { tasks, problems: plan.problems };
}

function toAppTask(task: Task, parsed: PrivateNetworkTask, images: Record<string, string> | undefined, privateName: string | undefined): AppTask {
  return {
    service: parsed.service,
    taskId: parsed.taskId,
    status: task.lastStatus ?? "UNKNOWN",
    release: taskDefinitionRevision(task.taskDefinitionArn),
    // The app template names the container after its service.
    image: images?.[parsed.service] ?? Object.values(images ?? {})[0] ?? "",
    startedAt: task.startedAt,
    privateIp: parsed.privateIp,
    privateName,
  };
}

/**
 * Task id → its container name. The planner marks each numbered name with a TXT record
 * naming its task (`taskMarker`); the marker the zone will hold is the one the plan
 * creates, else the one already there (a name the plan leaves alone keeps its record).
 */
function namesByTask(plan: PrivateNetworkPlan, current: readonly ZoneRecord[], taskIds: readonly string[]): Map<string, string> {
  const markers = new Map<string, string[]>();
  for (const record of current) if (record.type === "TXT") markers.set(fqdn(record.name), record.values);
  for (const change of plan.changes) {
    if (change.record.type !== "TXT") continue;
    if (change.action === "DELETE") markers.delete(fqdn(change.record.name));
    else markers.set(fqdn(change.record.name), change.record.values);
  }
  const nameByMarker = new Map<string, string>();
  for (const name of plan.names) {
    if (name.kind !== "container") continue;
    for (const value of markers.get(fqdn(name.domainName)) ?? []) nameByMarker.set(value, name.domainName);
  }
  return new Map(taskIds.flatMap((taskId) => {
    const name = nameByMarker.get(taskMarker(taskId));
    return name ? [[taskId, name] as const] : [];
  }));
}
