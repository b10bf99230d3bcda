/**
 * The private network's DNS records (SPEC section 5) as one pure function of the tasks
 * running now and the records in the zone now. Used by the in-rack sync function and by
 * the CLI, so both always converge on the same records. No AWS, no I/O.
 *
 * Records, all TTL 5 s, under the zone `<pn-id>.private-network.internal.`:
 *   `<app-id>.<zone>.`             A    every running task of the service named `web`
 *   `<service>.<app-id>.<zone>.`   A    every running task of the service
 *   `<N>.<service>.<app-id>.<zone>.` A  one task's private IP
 *   `<N>.<service>.<app-id>.<zone>.` TXT `"task=<task id>"`: which task holds index N
 *
 * The TXT record is what keeps indexes stable: a running task keeps its number, a new task
 * takes the lowest free one. Without it (a record written by hand, or lost), index N is
 * given back to the running task whose IP is N's only A value.
 */
import { dnsNameProblems } from "../names/index.js";
import { batchChanges, type RecordChange, type ZoneRecord } from "./changes.js";

export type { ChangeAction, RecordChange, ZoneRecord } from "./changes.js";

export const PRIVATE_NETWORK_TTL = 5;
/** Scalingo's convention: the app-level name points at the `web` containers. */
export const WEB_SERVICE = "web";
/**
 * Values in one record set. The Route 53 guide we could read states 100 resource records
 * per record set; we keep to it (a larger quota, if granted, only makes this conservative).
 */
export const MAX_VALUES_PER_RECORD = 100;

const APP_ID_PATTERN = /^ap-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SERVICE_PATTERN = /^[a-z][a-z0-9-]*$/;

export interface PrivateNetworkTask {
  appId: string;
  service: string;
  /** The task id (last part of its ARN). */
  taskId: string;
  privateIp?: string;
  startedAt?: Date;
  lastStatus?: string;
  desiredStatus?: string;
}

/** One name a container answers to, as `private-networks-domain-names` lists them. */
export interface ContainerName {
  appId: string;
  /** The container type: the service name. */
  service: string;
  /** Fully qualified, with the trailing dot, as Scalingo prints them. */
  domainName: string;
  kind: "app" | "service" | "container";
  index?: number;
}

export interface PrivateNetworkPlan {
  /** The desired names, app alias first, then each service and its containers by index. */
  names: ContainerName[];
  /** Every change, in order; a modified record is a DELETE of its old values then a CREATE. */
  changes: RecordChange[];
  /** The same changes cut into ChangeResourceRecordSets requests within Route 53's limits. */
  batches: RecordChange[][];
  /** Names skipped (DNS limits) and records truncated (value limit). */
  problems: string[];
}

export interface PlanInput {
  /** `pn-<uuid>.private-network.internal`, with or without the trailing dot. */
  zoneName: string;
  tasks: readonly PrivateNetworkTask[];
  records: readonly ZoneRecord[];
  /** Only these apps' names are computed and changed; absent: every app in the zone. */
  appIds?: readonly string[];
}

export function isServing(task: PrivateNetworkTask): boolean {
  return task.lastStatus === "RUNNING" && task.desiredStatus !== "STOPPED" && Boolean(task.privateIp);
}

export function planPrivateNetworkRecords(input: PlanInput): PrivateNetworkPlan {
  const zone = fqdn(input.zoneName);
  const inScope = (appId: string) => !input.appIds || input.appIds.includes(appId);
  const managed = input.records
    .map((record) => ({ ...record, name: fqdn(record.name) }))
    .filter((record) => (record.type === "A" || record.type === "TXT") && inScope(parseName(record.name, zone)?.appId ?? ""));

  const problems: string[] = [];
  const desired: ZoneRecord[] = [];
  const names: ContainerName[] = [];
  const add = (name: ContainerName, records: ZoneRecord[]) => {
    const tooLong = dnsNameProblems(name.domainName.replace(/\.$/, ""));
    if (tooLong.length > 0) {
      problems.push(`skipped ${name.domainName}: ${tooLong.join("; ")}`);
      return;
    }
    names.push(name);
    desired.push(...records);
  };
  const serving = input.tasks.filter((task) => isServing(task) && inScope(task.appId) && wellNamed(task, problems));
  for (const [appId, services] of groupTasks(serving)) {
    for (const [service, tasks] of services) {
      const indexes = assignIndexes(tasks, existingIndexes(managed, zone, appId, service, tasks));
      serviceRecords(zone, appId, service, indexes, problems, add);
    }
  }
  const changes = diffRecords(managed, desired);
  return { names: sortNames(names), changes, batches: batchChanges(changes), problems };
}

/** The app alias (for `web`), the service's name and one name per container, by index. */
function serviceRecords(
  zone: string,
  appId: string,
  service: string,
  indexes: Map<number, PrivateNetworkTask>,
  problems: string[],
  add: (name: ContainerName, records: ZoneRecord[]) => void,
): void {
  const ordered = [...indexes].sort((a, b) => a[0] - b[0]);
  const ips = capValues(ordered.map(([, task]) => task.privateIp ?? ""), `${service} of ${appId}`, problems);
  if (service === WEB_SERVICE) {
    const name = `${appId}.${zone}`;
    add({ appId, service, domainName: name, kind: "app" }, [aRecord(name, ips)]);
  }
  const serviceName = `${service}.${appId}.${zone}`;
  add({ appId, service, domainName: serviceName, kind: "service" }, [aRecord(serviceName, ips)]);
  for (const [index, task] of ordered) {
    const name = `${index}.${serviceName}`;
    add({ appId, service, domainName: name, kind: "container", index }, [
      aRecord(name, [task.privateIp ?? ""]),
      { name, type: "TXT", ttl: PRIVATE_NETWORK_TTL, values: [taskMarker(task.taskId)] },
    ]);
  }
}

/** Tags that cannot make a name this module reads back are reported, not published. */
function wellNamed(task: PrivateNetworkTask, problems: string[]): boolean {
  if (APP_ID_PATTERN.test(task.appId) && SERVICE_PATTERN.test(task.service)) return true;
  problems.push(`task ${task.taskId}: app id "${task.appId}" or service "${task.service}" cannot be a private network name`);
  return false;
}

function groupTasks(tasks: readonly PrivateNetworkTask[]): Map<string, Map<string, PrivateNetworkTask[]>> {
  const byApp = new Map<string, Map<string, PrivateNetworkTask[]>>();
  for (const task of tasks) {
    const services = byApp.get(task.appId) ?? new Map<string, PrivateNetworkTask[]>();
    byApp.set(task.appId, services);
    services.set(task.service, [...(services.get(task.service) ?? []), task]);
  }
  return byApp;
}

/** Index → task id, from the TXT markers, else from an A record whose only IP is one task's. */
function existingIndexes(
  records: readonly ZoneRecord[],
  zone: string,
  appId: string,
  service: string,
  tasks: readonly PrivateNetworkTask[],
): Map<number, string> {
  const marked = new Map<number, string>();
  const byIp = new Map<number, string>();
  for (const record of records) {
    const parsed = parseName(record.name, zone);
    if (!parsed || parsed.appId !== appId || parsed.service !== service || parsed.index === undefined) continue;
    if (record.type === "TXT") {
      const taskId = record.values.map(readMarker).find((value) => value !== undefined);
      if (taskId) marked.set(parsed.index, taskId);
    } else if (record.values.length === 1) {
      const holders = tasks.filter((task) => task.privateIp === record.values[0]);
      if (holders.length === 1 && holders[0]) byIp.set(parsed.index, holders[0].taskId);
    }
  }
  for (const [index, taskId] of byIp) if (!marked.has(index)) marked.set(index, taskId);
  return marked;
}

/** Running tasks keep their index; new tasks, oldest first, take the lowest free ones. */
function assignIndexes(tasks: readonly PrivateNetworkTask[], existing: Map<number, string>): Map<number, PrivateNetworkTask> {
  const byId = new Map(tasks.map((task) => [task.taskId, task]));
  const assigned = new Map<number, PrivateNetworkTask>();
  const placed = new Set<string>();
  for (const [index, taskId] of [...existing].sort((a, b) => a[0] - b[0])) {
    const task = byId.get(taskId);
    if (!task || placed.has(taskId)) continue;
    assigned.set(index, task);
    placed.add(taskId);
  }
  const newcomers = tasks.filter((task) => !placed.has(task.taskId)).sort(byStartThenId);
  let next = 1;
  for (const task of newcomers) {
    while (assigned.has(next)) next += 1;
    assigned.set(next, task);
  }
  return assigned;
}

function byStartThenId(a: PrivateNetworkTask, b: PrivateNetworkTask): number {
  const time = (a.startedAt?.getTime() ?? Number.MAX_SAFE_INTEGER) - (b.startedAt?.getTime() ?? Number.MAX_SAFE_INTEGER);
  return time !== 0 ? time : a.taskId.localeCompare(b.taskId);
}

function capValues(values: string[], what: string, problems: string[]): string[] {
  if (values.length <= MAX_VALUES_PER_RECORD) return values;
  problems.push(`${what} has ${values.length} running containers; its shared names hold the first ${MAX_VALUES_PER_RECORD} (Route 53's values per record)`);
  return values.slice(0, MAX_VALUES_PER_RECORD);
}

/** CREATE what is new, DELETE what is gone, DELETE-then-CREATE what changed (see docs/private-network.md). */
function diffRecords(current: readonly ZoneRecord[], desired: readonly ZoneRecord[]): RecordChange[] {
  const key = (record: ZoneRecord) => `${record.type} ${record.name}`;
  const now = new Map(current.map((record) => [key(record), record]));
  const wanted = new Map(desired.map((record) => [key(record), record]));
  const changes: RecordChange[] = [];
  for (const [id, record] of wanted) {
    const existing = now.get(id);
    if (!existing) changes.push({ action: "CREATE", record });
    else if (!sameRecord(existing, record)) changes.push({ action: "DELETE", record: existing }, { action: "CREATE", record });
  }
  for (const [id, record] of now) if (!wanted.has(id)) changes.push({ action: "DELETE", record });
  return changes;
}

function sameRecord(a: ZoneRecord, b: ZoneRecord): boolean {
  const values = (record: ZoneRecord) => [...record.values].sort().join(",");
  return a.ttl === b.ttl && values(a) === values(b);
}

function sortNames(names: ContainerName[]): ContainerName[] {
  const rank = (name: ContainerName) => ({ app: 0, service: 1, container: 2 })[name.kind];
  return [...names].sort(
    (a, b) =>
      a.appId.localeCompare(b.appId) ||
      Math.min(rank(a), 1) - Math.min(rank(b), 1) ||
      a.service.localeCompare(b.service) ||
      rank(a) - rank(b) ||
      (a.index ?? 0) - (b.index ?? 0),
  );
}

function aRecord(name: string, ips: string[]): ZoneRecord {
  return { name, type: "A", ttl: PRIVATE_NETWORK_TTL, values: ips };
}

export function taskMarker(taskId: string): string {
  return `"task=${taskId}"`;
}

function readMarker(value: string): string | undefined {
  return /^"task=([^"]+)"$/.exec(value)?.[1];
}

export function fqdn(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

/** `[N.][service.]<app-id>.<zone>.` → its parts; undefined for any other name. */
export function parseName(name: string, zone: string): { appId: string; service?: string; index?: number } | undefined {
  if (!name.endsWith(`.${zone}`)) return undefined;
  const labels = name.slice(0, -zone.length - 1).split(".");
  const appId = labels.at(-1) ?? "";
  if (!APP_ID_PATTERN.test(appId) || labels.length > 3) return undefined;
  if (labels.length === 1) return { appId };
  const service = labels.at(-2) ?? "";
  if (!SERVICE_PATTERN.test(service)) return undefined;
  if (labels.length === 2) return { appId, service };
  const index = labels[0] ?? "";
  return /^[1-9][0-9]*$/.test(index) ? { appId, service, index: Number(index) } : undefined;
}
