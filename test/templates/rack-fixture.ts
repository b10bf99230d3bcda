/**
 * The rack template as the tests of test/templates/rack*.test.ts see it: the full template
 * (the sync and certificate renewal functions merged in), the CloudFormation parameters racknet passes for given rack
 * parameters, and the stack CloudFormation would make of them (test/support/cfn-eval.ts).
 */
import { getAtt, ref, type Json, type Template } from "../../src/templates/cfn.js";
import { rackTemplate } from "../../src/templates/rack.js";
import { privateNetworkSyncFragment } from "../../src/templates/rack-privnet-sync.js";
import { caRenewalFragment } from "../../src/templates/rack-ca-renewal.js";
import { renewalFunctionCode } from "../../src/functions/ca-renewal/bundle.js";
import { defaultParams, toCfnParameters, type RackParams } from "../../src/rack/params.js";
import { evaluate, type EvaluatedStack } from "../support/cfn-eval.js";

export const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
export const INTERNAL_APPS_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/22222222-2222-3333-4444-555555555555";
export const ROUTER_APPS_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/33333333-2222-3333-4444-555555555555";
export const STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/prod/6f1c2a4e-0b7d-4c3e-9a51-2d8e7f6a9b10";
export const ZONES = ["us-east-1a", "us-east-1b", "us-east-1d"];

/** The rack template without merged fragments, and the one racknet deploys (with the sync function). */
export const template = rackTemplate({ version: "0.0.0-test" });
export const fullTemplate = rackTemplate({
  version: "0.0.0-test",
  extra: [privateNetworkSyncFragment("exports.handler = async () => ({});"), caRenewalFragment(renewalFunctionCode())],
});

export interface Derived {
  zones?: string[];
  internalAppsCertificate?: string;
  routerAppsCertificate?: string;
}

/**
 * What racknet passes: toCfnParameters, plus the derived parameters the rack template added
 * for the lead's install and update (docs/rack-template.md, "Parameters").
 */
export function cfnParameters(params: Partial<RackParams>, azCount: 2 | 3 = 3, derived: Derived = {}): Record<string, string> {
  const zones = derived.zones ?? ZONES.slice(0, azCount);
  // The sync function's own parameter belongs to its fragment (rack-privnet-sync.test.ts), not rendered here.
  const { SyncReservedConcurrency: _sync, ...parameters } = toCfnParameters(
    { ...defaultParams(), ...params },
    {
      availabilityZones: zones,
      rackCertificateArn: CERTIFICATE,
      internalAppsCertificateArn: derived.internalAppsCertificate ?? INTERNAL_APPS_CERTIFICATE,
      routerAppsCertificateArn: derived.routerAppsCertificate ?? ROUTER_APPS_CERTIFICATE,
    },
  );
  return parameters;
}

/** The rack named `prod` as CloudFormation would create it from these parameters. */
export function rack(params: Partial<RackParams> = {}, azCount: 2 | 3 = 3, derived: Derived = {}, from: Template = template): EvaluatedStack {
  // Only what the template declares, so these tests also run against earlier templates.
  const given = Object.entries(cfnParameters(params, azCount, derived)).filter(([name]) => name in from.Parameters);
  return evaluate(from, Object.fromEntries(given), { stackName: "prod", stackId: STACK_ID });
}

export function propertiesOf(stack: EvaluatedStack, id: string): Record<string, Json> {
  const resource = stack.resources[id];
  if (!resource) throw new Error(`${id} does not exist; resources: ${Object.keys(stack.resources).join(", ")}`);
  return resource.Properties ?? {};
}

export function idsOfType(stack: EvaluatedStack, type: string): string[] {
  return Object.entries(stack.resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id);
}

export const pointsTo = (value: Json | undefined, id: string) =>
  JSON.stringify(value) === JSON.stringify(ref(id)) || JSON.stringify(value) === JSON.stringify(getAtt(id, "GroupId"));

/** Every ingress rule of a security group, inline or as its own resource, in one shape. */
export function ingressOf(stack: EvaluatedStack, group: string): string[] {
  const inline = (propertiesOf(stack, group).SecurityGroupIngress ?? []) as Record<string, Json>[];
  const separate = Object.values(stack.resources)
    .filter((resource) => resource.Type === "AWS::EC2::SecurityGroupIngress" && pointsTo(resource.Properties?.GroupId, group))
    .map((resource) => resource.Properties ?? {});
  return [...inline, ...separate]
    .map((rule) => {
      const source = rule.CidrIp ?? (pointsTo(rule.SourceSecurityGroupId, group) ? "itself" : JSON.stringify(rule.SourceSecurityGroupId));
      return `${String(rule.IpProtocol)} ${String(rule.FromPort)}-${String(rule.ToPort)} from ${String(source)}`;
    })
    .sort();
}

/** The 16 combinations of SPEC section 2's switches; InternalOnly=Yes brings Internal=Yes, as racknet requires. */
export function combinations(): { label: string; params: Partial<RackParams> }[] {
  const result: { label: string; params: Partial<RackParams> }[] = [];
  for (const Private of ["No", "Yes"])
    for (const Internal of ["No", "Yes"])
      for (const InternalOnly of ["No", "Yes"])
        for (const internal_router of ["false", "true"]) {
          const label = `private-${Private}-internal-${Internal}-only-${InternalOnly}-router-${internal_router}`;
          result.push({ label, params: { Private, Internal: InternalOnly === "Yes" ? "Yes" : Internal, InternalOnly, internal_router } });
        }
  return result;
}

/** A copy of the template whose parameter Defaults are this rack's values, for cfn-lint. */
export function withDefaults(params: Partial<RackParams>, azCount: 2 | 3 = 3, from: Template = fullTemplate): Template {
  const copy = structuredClone(from);
  for (const [name, value] of Object.entries(cfnParameters(params, azCount))) {
    const declaration = copy.Parameters[name];
    if (declaration) declaration.Default = declaration.Type === "Number" ? Number(value) : value;
  }
  return copy;
}
