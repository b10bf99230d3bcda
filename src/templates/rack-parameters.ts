import { and, condition, equals, not, or, ref, type Json, type TemplateFragment } from "./cfn.js";
import { ALB_IDLE_TIMEOUT, BUILD_INSTANCES, EXISTING_SUBNETS_MAX, LIST_MAX, NAT_GATEWAYS, PARAMS, type ParamSpec } from "../rack/params.js";
import { LIST_SLOTS, RackCondition, routerCidrCondition, routerVpcCondition, transitGatewayCidrCondition, type ListSlot } from "./rack-ids.js";
import { RackParameter } from "../names/rack-parameters.js";

/**
 * The rack template's Parameters and Conditions. Every parameter is here, so that
 * `rack params set` can reuse the deployed template with new values; what a value
 * implies is a Condition, never a different template.
 */

/** /16 to /24 for a VPC racknet makes (src/rack/params.ts); up to /28, the smallest VPC AWS allows, for an existing one. */
const VPC_CIDR_PATTERN = "^(\\d{1,3}\\.){3}\\d{1,3}/(1[6-9]|2[0-8])$";
/** Two or three zone names, comma-separated, as DescribeAvailabilityZones spells them. */
const ZONES_PATTERN = "^[a-z0-9-]+,[a-z0-9-]+(,[a-z0-9-]+)?$";
const ACM_ARN = "arn:aws[a-z-]*:acm:.+";
const COUNTS = ["0", ...LIST_SLOTS.map(String)];

function userParameter(spec: ParamSpec): Record<string, Json> {
  const base = { Type: "String", Default: spec.default, Description: spec.description };
  switch (spec.kind) {
    case "yes-no":
      return { ...base, AllowedValues: ["Yes", "No"] };
    case "true-false":
      return { ...base, AllowedValues: ["true", "false"] };
    case "cidr":
      return { ...base, AllowedPattern: VPC_CIDR_PATTERN, ConstraintDescription: "an IPv4 CIDR from /16 to /28" };
    case "build-instance":
      return { ...base, AllowedValues: [...BUILD_INSTANCES] };
    case "nat-gateways":
      return { ...base, AllowedValues: [...NAT_GATEWAYS] };
    case "vpc-id":
      return { ...base, AllowedPattern: "^(vpc-[0-9a-f]{8}([0-9a-f]{9})?)?$", ConstraintDescription: "a VPC id, or empty" };
    case "subnet-list":
      return { ...base, AllowedPattern: `^(subnet-[0-9a-f]+(,subnet-[0-9a-f]+){0,${EXISTING_SUBNETS_MAX - 1}})?$`, ConstraintDescription: "subnet ids separated by commas, or empty" };
    case "transit-gateway":
      return { ...base, AllowedPattern: "^(tgw-[0-9a-f]{8}([0-9a-f]{9})?)?$", ConstraintDescription: "a transit gateway id, or empty" };
    case "hosted-zone":
      return { ...base, AllowedPattern: "^[A-Z0-9]{0,32}$", ConstraintDescription: "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, or empty" };
    case "idle-seconds":
      return { ...base, Type: "Number", MinValue: ALB_IDLE_TIMEOUT.min, MaxValue: ALB_IDLE_TIMEOUT.max };
    case "cidr-list":
    case "vpc-list":
    case "hostname":
      return base;
  }
}

/** Parameters racknet computes; `racknet rack params` does not show them. */
const derivedParameters: Record<string, Record<string, Json>> = {
  [RackParameter.AvailabilityZones]: {
    Type: "String",
    AllowedPattern: ZONES_PATTERN,
    ConstraintDescription: "two or three zone names separated by commas, such as us-east-1a,us-east-1b,us-east-1c",
    Description: "derived: the zones the rack's subnets are in, chosen once at install and passed unchanged on every update",
  },
  [RackParameter.AvailabilityZoneCount]: {
    Type: "String",
    Default: "2",
    AllowedValues: ["2", "3"],
    Description: "derived: the number of entries in AvailabilityZones",
  },
  [RackParameter.SubnetBits]: {
    Type: "Number",
    Default: 13,
    MinValue: 5,
    MaxValue: 13,
    Description: "derived: host bits of each subnet; the VPC is cut into eight equal subnets",
  },
  [RackParameter.InternalRouterCidrCount]: {
    Type: "String",
    Default: "0",
    AllowedValues: COUNTS,
    Description: `derived: number of entries in InternalRouterCidrs (0 to ${LIST_MAX})`,
  },
  [RackParameter.InternalRouterVpcCount]: {
    Type: "String",
    Default: "0",
    AllowedValues: COUNTS,
    Description: `derived: number of entries in InternalRouterVpcs (0 to ${LIST_MAX})`,
  },
  [RackParameter.TransitGatewayCidrCount]: {
    Type: "String",
    Default: "0",
    AllowedValues: COUNTS,
    Description: `derived: number of entries in TransitGatewayCidrs routed through TransitGatewayId (0 to ${LIST_MAX})`,
  },
  [RackParameter.RackCertificateArn]: {
    Type: "String",
    AllowedPattern: `^${ACM_ARN}`,
    Description: "derived: ACM certificate signed by the rack CA, the default certificate of every HTTPS listener",
  },
  [RackParameter.InternalAppsCertificateArn]: appsCertificate("internal"),
  [RackParameter.RouterAppsCertificateArn]: appsCertificate("internal router"),
};

/** The rack-CA certificate holding every app's wildcard on one listener (docs/rack-template.md, "Certificates"). */
function appsCertificate(listener: string): Record<string, Json> {
  return {
    Type: "String",
    Default: "",
    AllowedPattern: `^(${ACM_ARN})?$`,
    Description: `derived: ACM certificate with every app's wildcard name on the ${listener} listener (empty: none yet)`,
  };
}

/** `HasRouterCidr<n>`: the router (or what `base` names) exists and the list has at least n entries. */
function slotConditions(countParameter: string, name: (slot: ListSlot) => string, base: string = RackCondition.Router): Record<string, Json> {
  const conditions: Record<string, Json> = {};
  for (const slot of LIST_SLOTS) {
    const exactly = equals(ref(countParameter), String(slot));
    const next = LIST_SLOTS.find((candidate) => candidate === slot + 1);
    conditions[name(slot)] = and(condition(base), next ? or(exactly, condition(name(next))) : exactly);
  }
  return conditions;
}

export function rackParametersFragment(): TemplateFragment {
  const Parameters = Object.fromEntries(PARAMS.map((spec) => [spec.cfnName, userParameter(spec)]));
  const isYes = (parameter: string) => equals(ref(parameter), "Yes");
  const Conditions: Record<string, Json> = {
    [RackCondition.Private]: isYes(RackParameter.Private),
    [RackCondition.ThreeAzs]: equals(ref(RackParameter.AvailabilityZoneCount), "3"),
    [RackCondition.ExistingVpc]: not(equals(ref(RackParameter.ExistingVpc), "")),
    [RackCondition.OwnNetwork]: equals(ref(RackParameter.ExistingVpc), ""),
    [RackCondition.OwnThirdAz]: and(condition(RackCondition.OwnNetwork), condition(RackCondition.ThreeAzs)),
    [RackCondition.OwnPrivateNetwork]: and(condition(RackCondition.Private), condition(RackCondition.OwnNetwork)),
    [RackCondition.OwnPrivateThirdAz]: and(condition(RackCondition.OwnPrivateNetwork), condition(RackCondition.ThreeAzs)),
    [RackCondition.Nat]: and(condition(RackCondition.OwnPrivateNetwork), not(equals(ref(RackParameter.NatGateways), "None"))),
    [RackCondition.NatThirdAz]: and(condition(RackCondition.Nat), condition(RackCondition.ThreeAzs)),
    [RackCondition.NatPerZone]: and(condition(RackCondition.OwnPrivateNetwork), equals(ref(RackParameter.NatGateways), "PerZone")),
    [RackCondition.NatPerZoneThirdAz]: and(condition(RackCondition.NatPerZone), condition(RackCondition.ThreeAzs)),
    [RackCondition.VpcEndpoints]: and(condition(RackCondition.Private), isYes(RackParameter.VpcEndpoints)),
    [RackCondition.External]: not(isYes(RackParameter.InternalOnly)),
    [RackCondition.Internal]: isYes(RackParameter.Internal),
    [RackCondition.Router]: equals(ref(RackParameter.InternalRouter), "true"),
    [RackCondition.InternalAppsCertificate]: and(condition(RackCondition.Internal), not(equals(ref(RackParameter.InternalAppsCertificateArn), ""))),
    [RackCondition.RouterAppsCertificate]: and(condition(RackCondition.Router), not(equals(ref(RackParameter.RouterAppsCertificateArn), ""))),
    ...slotConditions(RackParameter.InternalRouterCidrCount, routerCidrCondition),
    ...slotConditions(RackParameter.InternalRouterVpcCount, routerVpcCondition),
    [RackCondition.TransitGateway]: and(condition(RackCondition.OwnPrivateNetwork), not(equals(ref(RackParameter.TransitGatewayId), ""))),
    [RackCondition.TransitGatewayThirdAz]: and(condition(RackCondition.TransitGateway), condition(RackCondition.ThreeAzs)),
    [RackCondition.TransitGatewayRouter]: and(condition(RackCondition.TransitGateway), condition(RackCondition.Router)),
    ...slotConditions(RackParameter.TransitGatewayCidrCount, transitGatewayCidrCondition, RackCondition.TransitGateway),
    ...Object.fromEntries(LIST_SLOTS.map((slot) => [transitGatewayCidrCondition(slot, "third"), and(condition(transitGatewayCidrCondition(slot)), condition(RackCondition.ThreeAzs))])),
  };
  return { Parameters: { ...Parameters, ...derivedParameters }, Conditions };
}
