import { getAtt, iff, join, ref, type Json, type Template } from "./cfn.js";
import type { RackOutputName } from "../names/rack-outputs.js";
import { joinedSubnets, rackVpcId } from "./rack-network.js";
import { privateNetworkZoneName } from "./rack-dns.js";
import { BuildResource, baseImageCachePrefix } from "./rack-build.js";
import { RackCondition, RackResource, balancerIds, type BalancerKind } from "./rack-ids.js";
import { AzResource } from "../names/rack-zone-ids.js";
import { RackParameter } from "../names/rack-parameters.js";

/** The rack's Outputs: every name of src/names/rack-outputs.ts but the template version, each under the condition its resources have. */

type Outputs = Template["Outputs"];

function output(Value: Json, condition?: string): Outputs[string] {
  return condition ? { Value, Condition: condition } : { Value };
}

/** The NAT gateways' addresses: one per zone under NatGateways=PerZone, the first zone's under One. */
function natAddresses(): Json {
  const two = [ref(AzResource.natAddress(0)), ref(AzResource.natAddress(1))];
  return iff(RackCondition.NatPerZone, iff(RackCondition.ThreeAzs, join(",", [...two, ref(AzResource.natAddress(2))]), join(",", two)), ref(AzResource.natAddress(0)));
}

function balancerOutputs(kind: BalancerKind, condition: string) {
  const ids = balancerIds(kind);
  return {
    dns: output(getAtt(ids.balancer, "DNSName"), condition),
    zoneId: output(getAtt(ids.balancer, "CanonicalHostedZoneID"), condition),
    listener: output(ref(ids.httpsListener), condition),
    securityGroup: output(getAtt(ids.securityGroup, "GroupId"), condition),
  };
}

export function rackOutputs(): Outputs {
  const external = balancerOutputs("External", RackCondition.External);
  const internal = balancerOutputs("Internal", RackCondition.Internal);
  const router = balancerOutputs("Router", RackCondition.Router);
  // TemplateVersion is stamped last, once the whole template is known (rack-version.ts).
  const outputs: Record<Exclude<RackOutputName, "TemplateVersion">, Outputs[string]> = {
    VpcId: output(rackVpcId()),
    // An existing VPC's range, read from AWS at install (its primary CIDR block).
    VpcCidr: output(iff(RackCondition.ExistingVpc, ref(RackParameter.VPCCIDR), getAtt(RackResource.Vpc, "CidrBlock"))),
    PublicSubnets: output(joinedSubnets("public")),
    PrivateSubnets: output(joinedSubnets("private"), RackCondition.Private),
    ServiceSubnets: output(iff(RackCondition.Private, joinedSubnets("private"), joinedSubnets("public"))),
    AssignPublicIp: output(iff(RackCondition.Private, "DISABLED", "ENABLED")),
    NatElasticIps: output(natAddresses(), RackCondition.Nat),
    Cluster: output(ref(RackResource.Cluster)),
    NetworkSecurityGroup: output(getAtt(RackResource.NetworkSecurityGroup, "GroupId")),
    ExecutionRoleArn: output(getAtt(RackResource.ExecutionRole, "Arn")),
    LogGroup: output(ref(RackResource.LogGroup)),
    TemplateBucket: output(ref(RackResource.TemplateBucket)),
    RackZoneId: output(ref(RackResource.RackZone)),
    ExternalLoadBalancerDns: external.dns,
    ExternalLoadBalancerZoneId: external.zoneId,
    ExternalListener: external.listener,
    ExternalLoadBalancerSecurityGroup: external.securityGroup,
    InternalLoadBalancerDns: internal.dns,
    InternalLoadBalancerZoneId: internal.zoneId,
    InternalListener: internal.listener,
    InternalLoadBalancerSecurityGroup: internal.securityGroup,
    RouterLoadBalancerDns: router.dns,
    RouterLoadBalancerZoneId: router.zoneId,
    RouterListener: router.listener,
    RouterLoadBalancerSecurityGroup: router.securityGroup,
    RouterZoneId: output(ref(RackResource.RouterZone), RackCondition.Router),
    PrivateNetworkZoneId: output(ref(RackResource.PrivateNetworkZone)),
    PrivateNetworkZoneName: output(privateNetworkZoneName),
    BuildProject: output(ref(BuildResource.project)),
    BuildLogGroup: output(ref(BuildResource.logGroup)),
    BaseImageCache: output(baseImageCachePrefix),
  };
  return outputs;
}
