/**
 * Before the rack's stack is deleted: empty its private-network zone. Route 53 deletes a
 * hosted zone only when it holds nothing but its SOA and NS records (HostedZoneNotEmpty,
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHostedZone.html), and the
 * sync function that removes the names of stopped containers goes with the stack.
 */
import { UserError } from "../errors/index.js";
import { emptyPrivateNetworkZone, isZoneApexRecord, planZoneEmptying } from "../privnet/empty-zone.js";
import { privateNetworkIoFor } from "../aws/privnet-cli.js";
import { zoneRecordSets } from "../aws/hosted-zones.js";
import type { Context } from "../runtime/context.js";
import { privateNetworkTarget } from "./private-network.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { RackOutput } from "../names/rack-outputs.js";

/**
 * Deletes every A and TXT record racknet wrote in the zone. Records racknet never writes (an
 * alias, a weighted record, another type) are not touched: uninstall is refused before
 * anything is deleted, naming each, since CloudFormation could not delete the zone.
 * A rack without a private network (installed by an older racknet) has nothing to empty.
 */
export async function emptyZoneBeforeUninstall(context: Context, rack: RackInfo): Promise<{ deleted: number }> {
  if (!rack.rackOutputs[RackOutput.PrivateNetworkZoneId] || !rack.rackOutputs[RackOutput.Cluster]) return { deleted: 0 };
  const target = privateNetworkTarget(rack);
  const [ecs, route53] = await Promise.all([context.aws.ecs(), context.aws.route53()]);
  const io = privateNetworkIoFor({ ecs, route53 }, target);
  const { foreign } = planZoneEmptying(target.zoneName, await io.readRecords());
  if (foreign.length > 0) {
    throw new UserError(`the private-network zone of rack ${rack.rack} (${target.zoneName}, ${target.zoneId}) holds records racknet did not write, so CloudFormation could not delete it; nothing was deleted: ${foreign.join(", ")}`, {
      fix: `delete them (aws route53 change-resource-record-sets --hosted-zone-id ${target.zoneId} ...), then run \`racknet rack uninstall ${rack.rack}\` again`,
    });
  }
  const { deleted, foreign: left } = await emptyPrivateNetworkZone(io, target.zoneName);
  if (left.length > 0) {
    throw new UserError(`records appeared in the private-network zone of rack ${rack.rack} while it was emptied, and racknet cannot delete them: ${left.join(", ")}; the stack was not deleted`, {
      fix: `delete them (aws route53 change-resource-record-sets --hosted-zone-id ${target.zoneId} ...), then run \`racknet rack uninstall ${rack.rack}\` again`,
    });
  }
  if (deleted > 0) context.printer.step(`removed ${deleted} private-network name(s) from ${target.zoneName}`);
  return { deleted };
}

/**
 * Before anything is stopped or deleted: the rack's other zones (`<rack>.convox`, the router's)
 * hold no record of the rack's own stack (the apps' records go with the apps), so any record
 * other than their SOA and NS was written by someone else, and would stop the deletion half
 * way with HostedZoneNotEmpty. Refused naming each; racknet does not delete what it did not
 * write. The private-network zone is read too: what racknet never writes there is refused now,
 * before its own records are emptied.
 */
export async function refuseZonesHeldByOthers(context: Context, rack: RackInfo): Promise<void> {
  const outputs = rack.rackOutputs;
  const zones = [outputs[RackOutput.RackZoneId], outputs[RackOutput.RouterZoneId]].filter((id): id is string => Boolean(id));
  const route53 = await context.aws.route53();
  const held = await Promise.all(
    zones.map(async (zoneId) => {
      const records = await zoneRecordSets(route53, zoneId);
      const apex = records.find((record) => record.Type === "SOA")?.Name ?? "";
      return records.filter((record) => !isZoneApexRecord(record, apex)).map((record) => `${record.Name ?? "?"} ${record.Type ?? "?"} (zone ${zoneId})`);
    }),
  );
  const foreign = held.flat();
  if (outputs[RackOutput.PrivateNetworkZoneId] && outputs[RackOutput.Cluster]) {
    const target = privateNetworkTarget(rack);
    foreign.push(...planZoneEmptying(target.zoneName, await zoneRecordSets(route53, target.zoneId)).foreign.map((record) => `${record} (zone ${target.zoneId})`));
  }
  if (foreign.length === 0) return;
  throw new UserError(`the hosted zones of rack ${rack.rack} hold records racknet did not write, so CloudFormation could not delete them; nothing was stopped or deleted: ${foreign.join(", ")}`, {
    fix: `delete them (aws route53 change-resource-record-sets --hosted-zone-id ZONE ...), then run \`racknet rack uninstall ${rack.rack}\` again`,
  });
}
