import { UserError } from "../errors/index.js";
import type { AppInfo } from "../aws/stacks.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { appId, privateNetworkId, privateNetworkZoneName } from "../names/index.js";
import { planPrivateNetworkRecords, type PrivateNetworkPlan } from "../privnet/records.js";
import { readPrivateNetworkState, syncPrivateNetwork, type PrivateNetworkIo, type SyncResult } from "../privnet/sync.js";
import type { PrivateNetworkTarget } from "../aws/privnet-io.js";
import { privateNetworkIoFor } from "../aws/privnet-cli.js";
import type { Context } from "../runtime/context.js";

export function privateNetworkTarget(rack: RackInfo): PrivateNetworkTarget {
  const { Cluster: cluster, PrivateNetworkZoneId: zoneId, PrivateNetworkZoneName: zoneName } = rack.rackOutputs;
  if (!cluster || !zoneId) {
    throw new UserError(`rack ${rack.rack} has no private network (its stack has no Cluster or PrivateNetworkZoneId output)`, {
      fix: `run \`racknet rack -r ${rack.rack}\` to see its version: racks installed by this racknet have the private network`,
    });
  }
  return { cluster, zoneId, zoneName: zoneName || privateNetworkZoneName(privateNetworkId(rack.id)) };
}

/**
 * Bring the apps' names in line with their running containers now (after a deploy); the
 * rack's sync function keeps them so on every task change. A failure here is a warning:
 * the stack change is done and the sync function retries on the next task change.
 */
export async function reconcilePrivateNetwork(context: Context, rack: RackInfo, apps: AppInfo[]): Promise<SyncResult | undefined> {
  try {
    const target = privateNetworkTarget(rack);
    const io = await cliIo(context, target);
    const result = await syncPrivateNetwork(io, { zoneName: target.zoneName, appIds: apps.map((app) => appId(app.id)) });
    for (const problem of result.plan.problems) context.printer.warn(`private network: ${problem}`);
    context.printer.step(`private network: ${result.plan.names.length} names, ${result.applied} record changes`);
    return result;
  } catch (error) {
    context.printer.warn(`could not update the private network names: ${error instanceof Error ? error.message : String(error)}`);
    context.printer.debug(error instanceof Error ? (error.stack ?? "") : "");
    return undefined;
  }
}

/** The names the app's running containers have (or get within seconds), without writing. */
export async function privateNetworkNames(context: Context, rack: RackInfo, app: AppInfo): Promise<PrivateNetworkPlan> {
  const target = privateNetworkTarget(rack);
  const state = await readPrivateNetworkState(await cliIo(context, target));
  return planPrivateNetworkRecords({ zoneName: target.zoneName, ...state, appIds: [appId(app.id)] });
}

async function cliIo(context: Context, target: PrivateNetworkTarget): Promise<PrivateNetworkIo> {
  const [ecs, route53] = await Promise.all([context.aws.ecs(), context.aws.route53()]);
  return privateNetworkIoFor({ ecs, route53 }, target);
}
