import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/index.js";
import { assignPriorities, startSlot, type ExistingRule } from "../../src/app-records/priorities.js";

const wanted = [
  { service: "web", kind: "external" as const },
  { service: "admin", kind: "internal" as const },
  { service: "admin", kind: "external" as const },
  { service: "api", kind: "internal" as const },
];

describe("listener rule priorities", () => {
  it("are deterministic, within 1..50000, and independent of the order services are listed", () => {
    const first = assignPriorities("shop", wanted, {});
    expect(assignPriorities("shop", [...wanted].reverse(), {})).toEqual(first);
    expect(Object.keys(first).sort()).toEqual(["admin:external", "admin:internal", "api:internal", "web:external"]);
    for (const priority of Object.values(first)) {
      expect(priority).toBeGreaterThanOrEqual(1);
      expect(priority).toBeLessThanOrEqual(50_000);
    }
    expect(first["web:external"]).toBe(startSlot("shop", "web", "external"));
  });

  it("start at a different slot for each app, service and kind", () => {
    const slots = new Set([startSlot("shop", "web", "external"), startSlot("billing", "web", "external"), startSlot("shop", "api", "external"), startSlot("shop", "web", "internal")]);
    expect(slots.size).toBe(4);
  });

  it("probe past priorities other apps hold on the same listener", () => {
    const slot = startSlot("shop", "web", "external");
    const taken: ExistingRule[] = [slot, slot + 1].map((priority) => ({ priority, app: "billing", hosts: [`x${priority}.billing.example.com`] }));
    expect(assignPriorities("shop", [{ service: "web", kind: "external" }], { external: taken })).toEqual({ "web:external": slot + 2 });
    // the same priorities on another listener do not matter
    expect(assignPriorities("shop", [{ service: "web", kind: "external" }], { internal: taken })).toEqual({ "web:external": slot });
  });

  it("wrap around from 50000 to 1", () => {
    const slot = startSlot("shop", "web", "external");
    const taken: ExistingRule[] = [];
    for (let priority = slot; priority <= 50_000; priority += 1) taken.push({ priority, app: "billing", hosts: [] });
    expect(assignPriorities("shop", [{ service: "web", kind: "external" }], { external: taken }, 60_000)["web:external"]).toBe(1);
  });

  it("keep the priority a rule of this app already has", () => {
    const existing = { internal: [{ priority: 7, app: "shop", hosts: ["api.shop.prod.convox"] }] };
    expect(assignPriorities("shop", [{ service: "api", kind: "internal" }], existing)).toEqual({ "api:internal": 7 });
  });

  it("do not reuse a priority this app's removed rule still holds during the update", () => {
    const slot = startSlot("shop", "web", "internal");
    const existing = { internal: [{ priority: slot, app: "shop", hosts: ["old.shop.prod.convox"] }] };
    expect(assignPriorities("shop", [{ service: "web", kind: "internal" }], existing)["web:internal"]).toBe(slot + 1);
  });

  it("refuse when a listener would exceed 100 rules, and say who uses them", () => {
    const rules: ExistingRule[] = [
      ...Array.from({ length: 60 }, (_, index) => ({ priority: index + 1, app: "billing", hosts: [] })),
      ...Array.from({ length: 39 }, (_, index) => ({ priority: index + 100, app: "search", hosts: [] })),
    ];
    const ask = () => assignPriorities("shop", wanted, { internal: rules });
    expect(ask).toThrow(UserError);
    expect(ask).toThrow(/internal load balancer's listener would need 101 rules; an Application Load Balancer allows 100\. 99 are used by other apps \(billing 60, search 39\) and shop needs 2/);
    // this app's own rules are replaced, not added to
    const withOwn = [...rules.slice(0, 98), { priority: 500, app: "shop", hosts: ["api.shop.prod.convox"] }];
    expect(() => assignPriorities("shop", wanted, { internal: withOwn })).not.toThrow();
  });
});
