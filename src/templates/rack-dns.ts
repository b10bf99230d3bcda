import { iff, join, noValue, ref, select, split, sub, tags, thisStackUuid, type Json, type Resource, type TemplateFragment } from "./cfn.js";
import { PRIVATE_NETWORK_ID_PREFIX, RACK_TAG, privateNetworkZoneName as zoneOfNetwork, rackZoneName, routerZoneName } from "../names/index.js";
import { LIST_SLOTS, RackCondition, RackResource, routerVpcCondition } from "./rack-ids.js";
import { rackVpcId } from "./rack-network.js";
import { RackParameter } from "../names/rack-parameters.js";

/**
 * The rack's private hosted zones, all on the rack's VPC: `<rack>.convox` (internal
 * services), `<rack>.router.convox` (internal router, also on each peered VPC of
 * InternalRouterVpcs) and `pn-<uuid>.private-network.internal` (SPEC section 5).
 * The stack name is the rack name.
 */

const rackVpc: Json = { VPCId: rackVpcId(), VPCRegion: ref("AWS::Region") };

/** `pn-<uuid>.private-network.internal`, without the trailing dot. */
export const privateNetworkZoneName: Json = sub(zoneOfNetwork(`${PRIVATE_NETWORK_ID_PREFIX}\${Uuid}`), { Uuid: thisStackUuid });

function privateZone(name: Json, comment: string, vpcs: Json[], condition?: string): Resource {
  return {
    Type: "AWS::Route53::HostedZone",
    ...(condition ? { Condition: condition } : {}),
    Properties: {
      Name: name,
      HostedZoneConfig: { Comment: comment },
      VPCs: vpcs,
      HostedZoneTags: tags({ [RACK_TAG]: ref("AWS::StackName") }),
    },
  };
}

/**
 * An InternalRouterVpcs entry is `vpc-…` (the rack's region) or `<region>:vpc-…`. CloudFormation
 * has no conditional on text, so both forms are taken apart the same way: `:` + entry split
 * on `:vpc-` gives `["", id]` or `[":<region>", id]`; that first part + `:` + the stack's
 * region, split on `:`, has the entry's region, else the stack's, at index 1.
 */
export function routerVpc(entry: Json): Json {
  const parts = split(":vpc-", join("", [":", entry]));
  return {
    VPCId: join("", ["vpc-", select(1, parts)]),
    VPCRegion: select(1, split(":", join("", [select(0, parts), ":", ref("AWS::Region")]))),
  };
}

/** Each InternalRouterVpcs entry is a list slot, present only when the list is that long. */
function peeredRouterVpcs(): Json[] {
  return LIST_SLOTS.map((slot) => iff(routerVpcCondition(slot), routerVpc(select(slot - 1, split(",", ref(RackParameter.InternalRouterVpcs)))), noValue));
}

export function dnsFragment(): TemplateFragment {
  return {
    Resources: {
      [RackResource.RackZone]: privateZone(sub(rackZoneName("${AWS::StackName}")), "racknet: internal services of the rack", [rackVpc]),
      [RackResource.RouterZone]: privateZone(
        sub(routerZoneName("${AWS::StackName}")),
        "racknet: internal router names, also resolved by peered VPCs",
        [rackVpc, ...peeredRouterVpcs()],
        RackCondition.Router,
      ),
      [RackResource.PrivateNetworkZone]: privateZone(privateNetworkZoneName, "racknet: private network names of every container", [rackVpc]),
    },
  };
}
