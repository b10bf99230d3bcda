/**
 * Issue 9, item 9. EC2 refuses to delete a subnet that network interfaces still use ("The
 * subnet ... has dependencies and cannot be deleted", DependencyViolation), and to detach an
 * internet gateway while the VPC has public addresses mapped ("Network ... has some mapped
 * public address(es)"). CloudFormation deletes a resource only after every resource that
 * references it (Ref, Fn::GetAtt, DependsOn), so whatever places interfaces in a subnet or
 * maps a public address must reference the subnet and the gateway attachment.
 */
import { describe, expect, it } from "vitest";
import type { Json, Resource } from "../../src/templates/cfn.js";
import type { EvaluatedStack } from "../support/cfn-eval.js";
import { combinations, fullTemplate, rack } from "./rack-fixture.js";

function references(value: Json): string[] {
  if (Array.isArray(value)) return value.flatMap(references);
  if (value === null || typeof value !== "object") return [];
  const found: string[] = [];
  if (typeof value.Ref === "string") found.push(value.Ref);
  const target = value["Fn::GetAtt"];
  if (Array.isArray(target) && typeof target[0] === "string") found.push(target[0]);
  return [...found, ...Object.values(value).flatMap(references)];
}

function dependencies(resource: Resource): string[] {
  const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
  // A Ref in Metadata is a dependency too: the conditional one of the external balancer on the gateway attachment.
  return [...dependsOn, ...references((resource.Properties ?? {}) as Json), ...references((resource.Metadata ?? {}) as Json)];
}

/** Every resource `id` waits for on creation, so CloudFormation deletes `id` before any of them. */
function deletedBefore(stack: EvaluatedStack, id: string, seen = new Set<string>()): Set<string> {
  const resource = stack.resources[id];
  if (!resource) return seen;
  for (const next of dependencies(resource)) {
    if (next in stack.resources && !seen.has(next)) {
      seen.add(next);
      deletedBefore(stack, next, seen);
    }
  }
  return seen;
}

/** Resources that place network interfaces in the rack's subnets, and the subnets they name. */
function interfaceHolders(stack: EvaluatedStack): { id: string; subnets: string[] }[] {
  return Object.entries(stack.resources).flatMap(([id, resource]) => {
    // An association routes a subnet; it places no interface in it.
    if (resource.Type === "AWS::EC2::SubnetRouteTableAssociation") return [];
    const properties = resource.Properties ?? {};
    const named = [properties.Subnets, properties.SubnetId, (properties.VpcConfig as Record<string, Json> | undefined)?.SubnetIds].filter((value) => value !== undefined);
    const subnets = references(named as Json).filter((ref) => stack.resources[ref]?.Type === "AWS::EC2::Subnet");
    return named.length > 0 ? [{ id, subnets }] : [];
  });
}

const stacks = () => combinations().flatMap(({ label, params }) => [2, 3].map((azCount) => ({ label: `${label}, ${azCount} AZs`, stack: rack(params, azCount as 2 | 3, {}, fullTemplate) })));

describe("deletion order (EC2 refuses to delete a subnet in use, or to detach a gateway with public addresses mapped)", () => {
  it("every load balancer and NAT gateway is deleted before each subnet it has interfaces in", () => {
    for (const { label, stack } of stacks()) {
      for (const holder of interfaceHolders(stack)) {
        expect(holder.subnets.length, `${label}: ${holder.id}`).toBeGreaterThan(0);
        for (const subnet of holder.subnets) expect(deletedBefore(stack, holder.id).has(subnet), `${label}: ${holder.id} before ${subnet}`).toBe(true);
      }
      const types = new Set(interfaceHolders(stack).map((holder) => stack.resources[holder.id]?.Type));
      expect([...types].filter((type) => type !== "AWS::ElasticLoadBalancingV2::LoadBalancer" && type !== "AWS::EC2::NatGateway"), label).toEqual([]);
    }
  });

  it("everything that maps a public address is deleted before the internet gateway is detached", () => {
    for (const { label, stack } of stacks()) {
      const mapsPublic = Object.entries(stack.resources)
        .filter(([, resource]) => resource.Type === "AWS::EC2::EIP" || resource.Type === "AWS::EC2::NatGateway" || (resource.Type === "AWS::ElasticLoadBalancingV2::LoadBalancer" && resource.Properties?.Scheme === "internet-facing"))
        .map(([id]) => id);
      for (const id of mapsPublic) expect(deletedBefore(stack, id).has("InternetGatewayAttachment"), `${label}: ${id}`).toBe(true);
    }
  });

  it("the private-network sync function runs outside the VPC, so it holds no interface in any subnet", () => {
    expect(fullTemplate.Resources.PrivateNetworkSyncFunction?.Properties?.VpcConfig).toBeUndefined();
  });

  it("each private route goes before its NAT gateway, each NAT gateway before its Elastic IP", () => {
    const stack = rack({ Private: "Yes" }, 3, {}, fullTemplate);
    for (const az of [1, 2, 3]) {
      expect(deletedBefore(stack, `PrivateDefaultRoute${az}`).has(`NatGateway${az}`)).toBe(true);
      expect(deletedBefore(stack, `NatGateway${az}`).has(`NatAddress${az}`)).toBe(true);
    }
  });
});
