/**
 * From the shapes ECS and Route 53 return to the private network's model, and back. Pure and
 * structural (no SDK import), so the in-rack sync function and the CLI share it.
 */
import type { PrivateNetworkTask } from "./records.js";
import type { RecordChange, ZoneRecord } from "./changes.js";

import { APP_ID_TAG, SERVICE_TAG } from "../names/index.js";

export interface EcsTaskShape {
  taskArn?: string;
  lastStatus?: string;
  desiredStatus?: string;
  startedAt?: Date;
  tags?: Array<{ key?: string; value?: string }>;
  attachments?: Array<{ type?: string; details?: Array<{ name?: string; value?: string }> }>;
  containers?: Array<{ networkInterfaces?: Array<{ privateIpv4Address?: string }> }>;
}

/** A task of a racknet service, or undefined for tasks that are not (no racknet tags). */
export function privateNetworkTask(task: EcsTaskShape): PrivateNetworkTask | undefined {
  const tag = (key: string) => task.tags?.find((one) => one.key === key)?.value;
  const appId = tag(APP_ID_TAG);
  const service = tag(SERVICE_TAG);
  const taskId = task.taskArn?.split("/").at(-1);
  if (!appId || !service || !taskId) return undefined;
  return {
    appId,
    service,
    taskId,
    privateIp: privateIp(task),
    startedAt: task.startedAt,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
  };
}

/** Fargate (awsvpc): the ENI attachment's `privateIPv4Address`, else the container's interface. */
function privateIp(task: EcsTaskShape): string | undefined {
  for (const attachment of task.attachments ?? []) {
    if (attachment.type !== "ElasticNetworkInterface") continue;
    const value = attachment.details?.find((detail) => detail.name === "privateIPv4Address")?.value;
    if (value) return value;
  }
  return task.containers?.flatMap((container) => container.networkInterfaces ?? []).find((nic) => nic.privateIpv4Address)?.privateIpv4Address;
}

export interface Route53RecordSetShape {
  Name?: string;
  Type?: string;
  TTL?: number;
  SetIdentifier?: string;
  AliasTarget?: unknown;
  ResourceRecords?: Array<{ Value?: string }>;
}

/** Plain A and TXT records only: alias and routing-policy records are never racknet's. */
export function zoneRecord(set: Route53RecordSetShape): ZoneRecord | undefined {
  if (!set.Name || !set.Type || set.AliasTarget || set.SetIdentifier) return undefined;
  return { name: set.Name, type: set.Type, ttl: set.TTL, values: (set.ResourceRecords ?? []).map((record) => record.Value ?? "") };
}

export interface Route53ChangeShape {
  Action: RecordChange["action"];
  ResourceRecordSet: { Name: string; Type: "A" | "TXT"; TTL?: number; ResourceRecords: Array<{ Value: string }> };
}

export function route53Change(change: RecordChange): Route53ChangeShape {
  const { name, type, ttl, values } = change.record;
  return {
    Action: change.action,
    ResourceRecordSet: { Name: name, Type: type === "TXT" ? "TXT" : "A", TTL: ttl, ResourceRecords: values.map((Value) => ({ Value })) },
  };
}
