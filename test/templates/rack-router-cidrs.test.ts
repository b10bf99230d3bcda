/**
 * Issue 9, item 8. EC2 refuses a rule identical to one the group already has
 * (AuthorizeSecurityGroupIngress: InvalidPermission.Duplicate), and a revoke removes the rule
 * from the group whoever declared it. CloudFormation replaces an AWS::EC2::SecurityGroupIngress
 * whose CidrIp changes (create the new one, delete the old one during cleanup), while the
 * inline SecurityGroupIngress of an AWS::EC2::SecurityGroup is updated in place by revoking
 * the rules no longer listed and authorizing the new ones. An edit of internal_router_cidrs
 * must therefore never create a rule that exists, never revoke one still listed, and end
 * with exactly the listed CIDRs (or the VPC CIDR for an empty list) admitted.
 */
import { describe, expect, it } from "vitest";
import type { Json } from "../../src/templates/cfn.js";
import type { EvaluatedStack } from "../support/cfn-eval.js";
import { pointsTo, rack } from "./rack-fixture.js";

const GROUP = "RouterBalancerSecurityGroup";
const VPC_CIDR = "10.0.0.0/16";

interface Rule {
  /** What EC2 knows a rule by: protocol, ports and source. */
  identity: string;
  /** What CloudFormation compares: the whole declaration, description included. */
  declaration: string;
}

function rule(properties: Record<string, Json>): Rule {
  const identity = `${String(properties.IpProtocol)} ${String(properties.FromPort)}-${String(properties.ToPort)} ${String(properties.CidrIp)}`;
  return { identity, declaration: `${identity} ${String(properties.Description)}` };
}

function inlineRules(stack: EvaluatedStack): Rule[] {
  return ((stack.resources[GROUP]?.Properties?.SecurityGroupIngress ?? []) as Record<string, Json>[]).map(rule);
}

function separateRules(stack: EvaluatedStack): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  for (const [id, resource] of Object.entries(stack.resources)) {
    if (resource.Type === "AWS::EC2::SecurityGroupIngress" && pointsTo(resource.Properties?.GroupId, GROUP)) rules.set(id, rule(resource.Properties ?? {}));
  }
  return rules;
}

/**
 * What EC2 sees when CloudFormation updates the stack from `before` to `after`: the update
 * phase (inline revokes, then inline authorizes, new and replacement ingress resources),
 * then cleanup (removed and replaced ingress resources revoke their rule). Returns the
 * errors EC2 would raise and the rules the group holds at the end.
 */
function applyUpdate(before: EvaluatedStack, after: EvaluatedStack): { errors: string[]; admitted: string[] } {
  const held: string[] = [...inlineRules(before), ...separateRules(before).values()].map((one) => one.identity);
  const errors: string[] = [];
  const authorize = (identity: string, by: string) => {
    if (held.includes(identity)) errors.push(`${by}: InvalidPermission.Duplicate ${identity}`);
    else held.push(identity);
  };
  const revoke = (identity: string) => {
    for (let index = held.indexOf(identity); index >= 0; index = held.indexOf(identity)) held.splice(index, 1);
  };
  const oldInline = inlineRules(before).map((one) => one.declaration);
  const newInline = inlineRules(after);
  for (const gone of inlineRules(before).filter((one) => !newInline.some((kept) => kept.declaration === one.declaration))) revoke(gone.identity);
  for (const added of newInline.filter((one) => !oldInline.includes(one.declaration))) authorize(added.identity, `inline ${added.declaration}`);

  const oldSeparate = separateRules(before);
  const newSeparate = separateRules(after);
  const cleanup: string[] = [];
  for (const [id, next] of newSeparate) {
    const previous = oldSeparate.get(id);
    if (previous?.declaration === next.declaration) continue;
    authorize(next.identity, id);
    if (previous) cleanup.push(previous.identity);
  }
  for (const [id, previous] of oldSeparate) if (!newSeparate.has(id)) cleanup.push(previous.identity);
  for (const identity of cleanup) revoke(identity);
  return { errors, admitted: [...new Set(held)].sort() };
}

const router = (cidrs: string[]) => rack({ internal_router: "true", VPCCIDR: VPC_CIDR, internal_router_cidrs: cidrs.join(",") });
const expected = (cidrs: string[]) => (cidrs.length > 0 ? cidrs : [VPC_CIDR]).flatMap((cidr) => [`tcp 443-443 ${cidr}`, `tcp 80-80 ${cidr}`]).sort();

const [A, B, C, D, E] = ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "172.16.0.0/12", "192.168.0.0/16"] as [string, string, string, string, string];
const LISTS: string[][] = [[], [A], [B], [A, B], [B, A], [VPC_CIDR], [VPC_CIDR, A], [A, VPC_CIDR], [A, B, C], [C, A], [A, B, C, D, E], [E, D, C, B, A]];

describe("editing internal_router_cidrs (EC2 refuses duplicate rules; a revoke removes the rule for every holder)", () => {
  it("replacing 10.1.0.0/16 with 10.2.0.0/16 leaves only 10.2.0.0/16 admitted", () => {
    expect(applyUpdate(router([A]), router([B]))).toEqual({ errors: [], admitted: expected([B]) });
  });

  it("removing the first entry creates no duplicate and keeps the second admitted", () => {
    expect(applyUpdate(router([A, B]), router([B]))).toEqual({ errors: [], admitted: expected([B]) });
  });

  it("listing the VPC CIDR, which the router admits by default, neither duplicates nor revokes it", () => {
    expect(applyUpdate(router([]), router([VPC_CIDR]))).toEqual({ errors: [], admitted: expected([VPC_CIDR]) });
    expect(applyUpdate(router([VPC_CIDR]), router([]))).toEqual({ errors: [], admitted: expected([]) });
  });

  it("every edit between these lists leaves exactly the listed CIDRs admitted, with no EC2 error", () => {
    for (const from of LISTS) {
      for (const to of LISTS) {
        expect(applyUpdate(router(from), router(to)), `${from.join(",") || "(empty)"} -> ${to.join(",") || "(empty)"}`).toEqual({ errors: [], admitted: expected(to) });
      }
    }
  });

  it("the same CIDR is declared the same way wherever it is listed, so reordering changes nothing", () => {
    expect(inlineRules(router([A, B])).map((one) => one.declaration).sort()).toEqual(inlineRules(router([B, A])).map((one) => one.declaration).sort());
    expect(inlineRules(router([VPC_CIDR]))).toEqual(inlineRules(router([])));
  });
});
