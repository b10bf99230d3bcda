import { describe, expect, it } from "vitest";
import { etaText, expectedRange, observedDurations, remaining, typicalRange, type PlannedResource, type TimedEvent } from "../../src/plan/eta.js";

/** The live view's ETA (src/plan/eta.ts): a range from the plan's resource types, refined by the stack's last operation. */

const INSTALL: PlannedResource[] = [
  { logicalId: "Vpc", resourceType: "AWS::EC2::VPC", action: "Add" },
  { logicalId: "Nat0", resourceType: "AWS::EC2::NatGateway", action: "Add" },
  { logicalId: "External", resourceType: "AWS::ElasticLoadBalancingV2::LoadBalancer", action: "Add" },
  { logicalId: "Cluster", resourceType: "AWS::ECS::Cluster", action: "Add" },
];

const at = (seconds: number) => new Date(Date.parse("2026-03-01T10:00:00Z") + seconds * 1000);
const event = (logicalId: string, resourceType: string, status: string, seconds: number): TimedEvent => ({ logicalId, resourceType, status, timestamp: at(seconds), isStack: false });

describe("ETA", () => {
  it("before anything runs: the slowest planned type decides, as a range", () => {
    const [low, high] = remaining(INSTALL, new Map());
    expect([low, high]).toEqual([typicalRange("AWS::ElasticLoadBalancingV2::LoadBalancer", "Add")[0], typicalRange("AWS::ElasticLoadBalancingV2::LoadBalancer", "Add")[1]]);
    expect(etaText([low, high])).toBe("about 2–4 min left");
  });

  it("shrinks as resources finish and run; what has not started may wait for what runs", () => {
    const progress = new Map([
      ["Vpc", { logicalId: "Vpc", settled: true }],
      ["Nat0", { logicalId: "Nat0", settled: false, runningMs: 50_000 }],
      ["External", { logicalId: "External", settled: true }],
    ]);
    const [low, high] = remaining(INSTALL, progress);
    const nat = typicalRange("AWS::EC2::NatGateway", "Add");
    expect(low).toBe(nat[0] - 50);
    expect(high).toBe(nat[1] - 50 + typicalRange("AWS::ECS::Cluster", "Add")[1]);
    expect(remaining(INSTALL, new Map(INSTALL.map((resource) => [resource.logicalId, { logicalId: resource.logicalId, settled: true }])))).toEqual([0, 0]);
  });

  it("the stack's last operation narrows a type's range around what it took there", () => {
    const history = observedDurations([
      event("Nat0", "AWS::EC2::NatGateway", "CREATE_IN_PROGRESS", 0),
      event("Nat1", "AWS::EC2::NatGateway", "CREATE_IN_PROGRESS", 2),
      event("Nat0", "AWS::EC2::NatGateway", "CREATE_COMPLETE", 95),
      event("Nat1", "AWS::EC2::NatGateway", "CREATE_COMPLETE", 112),
      event("Web", "AWS::ECS::Service", "UPDATE_IN_PROGRESS", 0),
    ]);
    expect(history.get("AWS::EC2::NatGateway create")).toEqual([95, 110]);
    expect(history.has("AWS::ECS::Service update")).toBe(false);
    expect(expectedRange(INSTALL[1]!, history)).toEqual([77, 159]);
    expect(expectedRange({ logicalId: "Web", resourceType: "AWS::ECS::Service", action: "Modify" }, history)).toEqual(typicalRange("AWS::ECS::Service", "Modify"));
  });

  it("a resource past its high end is late: a little more, not zero", () => {
    const [, high] = remaining([INSTALL[1]!], new Map([["Nat0", { logicalId: "Nat0", settled: false, runningMs: 400_000 }]]));
    expect(high).toBeGreaterThan(0);
    expect(etaText([40, 130])).toBe("about 40s–2 min left");
  });

  it("under a minute, in seconds rounded outwards, so the text holds the whole range", () => {
    expect(etaText([0, 30])).toBe("under 30s left");
    expect(etaText([3, 17.2])).toBe("under 20s left");
    expect(etaText([12.4, 38.1])).toBe("about 10–40s left");
  });
});
