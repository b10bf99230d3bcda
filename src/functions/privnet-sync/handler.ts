/**
 * The rack's private-network sync function (AWS Lambda, nodejs24.x, the runtime's SDK v3).
 * EventBridge sends it every "ECS Task State Change" of the rack's cluster; whatever the
 * event says, it reads the whole cluster and zone again and applies the same plan the CLI
 * would, so a lost, late or duplicated event never leaves the zone wrong for long.
 * Bundled by scripts/build-sync-function.mjs; imports only the pure logic and the SDK.
 */
import { DescribeTasksCommand, ECSClient, paginateListTasks } from "@aws-sdk/client-ecs";
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { syncPrivateNetwork } from "../../privnet/sync.js";
import { privateNetworkIo } from "../../aws/privnet-io.js";

export interface TaskStateChangeEvent {
  "detail-type"?: string;
  detail?: { clusterArn?: string; taskArn?: string; lastStatus?: string };
}

/**
 * Route 53 allows five requests a second per account and answers Throttling or
 * PriorRequestNotComplete beyond that: retry long, and let the SDK's adaptive mode slow the
 * client's own sending once it is throttled (exponential backoff plus a client-side rate limit).
 */
export const SYNC_CLIENT_CONFIG = { maxAttempts: 10, retryMode: "adaptive" } as const;
let clients: { ecs: ECSClient; route53: Route53Client } | undefined;

export async function handler(event: TaskStateChangeEvent): Promise<{ changes: number; names: number; problems: string[] }> {
  const setting = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
  };
  const target = { cluster: setting("CLUSTER"), zoneId: setting("ZONE_ID"), zoneName: setting("ZONE_NAME") };
  clients ??= { ecs: new ECSClient(SYNC_CLIENT_CONFIG), route53: new Route53Client(SYNC_CLIENT_CONFIG) };
  const io = privateNetworkIo(
    { ...clients, ecsModule: { paginateListTasks, DescribeTasksCommand }, route53Module: { ListResourceRecordSetsCommand, ChangeResourceRecordSetsCommand } },
    target,
  );
  // Several events can run at once; a run that loses a race reads again (see sync.ts).
  const result = await syncPrivateNetwork(io, { zoneName: target.zoneName, attempts: 5 });
  const summary = { changes: result.applied, names: result.plan.names.length, problems: result.plan.problems };
  console.log(JSON.stringify({ task: event.detail?.taskArn, lastStatus: event.detail?.lastStatus, attempts: result.attempts, ...summary }));
  return summary;
}
