/** A hosted zone's record sets, read for uninstall (Route 53 deletes a zone only when it holds nothing but its SOA and NS). */
import type { ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { sdk } from "./sdk.js";

/** ListResourceRecordSets returns at most 300 record sets a page. */
const PAGE = 300;

export async function zoneRecordSets(route53: Route53Client, zoneId: string): Promise<ResourceRecordSet[]> {
  const { ListResourceRecordSetsCommand } = sdk.route53();
  const records: ResourceRecordSet[] = [];
  let next: { StartRecordName?: string; StartRecordType?: ResourceRecordSet["Type"]; StartRecordIdentifier?: string } = {};
  for (;;) {
    const page = await route53.send(new ListResourceRecordSetsCommand({ ...next, HostedZoneId: zoneId, MaxItems: PAGE }));
    records.push(...(page.ResourceRecordSets ?? []));
    if (!page.IsTruncated) return records;
    next = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType, StartRecordIdentifier: page.NextRecordIdentifier };
  }
}
