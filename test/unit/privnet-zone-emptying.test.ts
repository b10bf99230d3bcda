/**
 * Issue 9, item 14. "You can delete a hosted zone only if it contains only the default SOA
 * record and NS resource record sets" (Route 53 API Reference, DeleteHostedZone:
 * HostedZoneNotEmpty). Uninstall empties the private-network zone before deleting the stack.
 */
import { describe, expect, it } from "vitest";
import { emptyPrivateNetworkZone, planZoneEmptying } from "../../src/privnet/empty-zone.js";
import { MAX_RECORDS_PER_REQUEST } from "../../src/privnet/changes.js";
import type { Route53ChangeShape, Route53RecordSetShape } from "../../src/privnet/aws-shapes.js";

const zone = "pn-1b2c3d4e-0000-4000-8000-00000000abcd.private-network.internal";
const apex = `${zone}.`;
const records: Route53RecordSetShape[] = [
  { Name: apex, Type: "SOA", TTL: 900, ResourceRecords: [{ Value: "ns-1.awsdns. hostmaster. 1 7200 900 1209600 86400" }] },
  { Name: apex, Type: "NS", TTL: 172800, ResourceRecords: [{ Value: "ns-1.awsdns." }] },
  { Name: `web.ap-1.${apex}`, Type: "A", TTL: 5, ResourceRecords: [{ Value: "10.0.1.5" }] },
  { Name: `1.web.ap-1.${apex}`, Type: "TXT", TTL: 5, ResourceRecords: [{ Value: '"task=1111"' }] },
  { Name: `alias.${apex}`, Type: "A", AliasTarget: { DNSName: "x" } },
];

describe("emptying the private-network zone (Route 53 deletes only a zone holding nothing but SOA and NS)", () => {
  it("deletes every plain record but the apex SOA and NS, and names what it cannot delete", () => {
    const plan = planZoneEmptying(zone, records);
    expect(plan.batches.flat().map((change) => `${change.action} ${change.record.name} ${change.record.type}`)).toEqual([
      `DELETE web.ap-1.${apex} A`,
      `DELETE 1.web.ap-1.${apex} TXT`,
    ]);
    expect(plan.foreign).toEqual([`alias.${apex} A`]);
  });

  it("cuts thousands of records into requests within Route 53's limits", () => {
    const many = Array.from({ length: 2500 }, (_, index): Route53RecordSetShape => ({ Name: `${index}.web.ap-1.${apex}`, Type: "A", TTL: 5, ResourceRecords: [{ Value: "10.0.0.1" }] }));
    const batches = planZoneEmptying(zone, many).batches;
    expect(batches.length).toBe(3);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(MAX_RECORDS_PER_REQUEST);
  });

  it("reads again when a last sync run changed the zone meanwhile", async () => {
    let zoneRecords = records;
    const sent: Route53ChangeShape[][] = [];
    let failNext = true;
    const io = {
      readRecords: async () => zoneRecords,
      change: async (changes: Route53ChangeShape[]) => {
        if (failNext) {
          failNext = false;
          zoneRecords = records.filter((record) => record.Type !== "TXT");
          throw Object.assign(new Error("not found"), { name: "InvalidChangeBatch" });
        }
        sent.push(changes);
      },
    };
    expect(await emptyPrivateNetworkZone(io, zone)).toEqual({ deleted: 1, foreign: [`alias.${apex} A`] });
    expect(sent.flat().map((change) => change.ResourceRecordSet.Name)).toEqual([`web.ap-1.${apex}`]);
  });
});
