import { describe, expect, it } from "vitest";
import { appRuleProblems, resourceSubnetProblems } from "../../src/rack/app-rules.js";
import { defaultParams, type RackParams } from "../../src/rack/params.js";

const params = (overrides: Partial<RackParams>): RackParams => ({ ...defaultParams(), ...overrides });
const apps = [
  { app: "shop", services: [{ name: "web", visibility: "external" as const }, { name: "api", visibility: "internal" as const }] },
  { app: "peer", services: [{ name: "sync", visibility: "internal-router" as const }, { name: "worker", visibility: "private" as const }] },
];

describe("rack changes never break a running app", () => {
  it("InternalOnly=Yes is refused while web is external, naming app and service", () => {
    const problems = appRuleProblems(defaultParams(), params({ Internal: "Yes", InternalOnly: "Yes", internal_router: "true" }), apps);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain("shop/web");
    expect(problems[0]?.message).not.toContain("shop/api");
  });

  it("InternalOnly=Yes is refused while a service has a public nlb: port, though it has no HTTP port; internal nlb ports are no obstacle", () => {
    const tcp = [{ app: "db", services: [{ name: "proxy", visibility: "private" as const, nlb: [{ port: 5432, protocol: "tcp" as const, scheme: "public" as const, containerPort: 5432 }] }, { name: "replica", visibility: "private" as const, nlb: [{ port: 5432, protocol: "tcp" as const, scheme: "internal" as const, containerPort: 5432 }] }] }];
    const problems = appRuleProblems(defaultParams(), params({ Internal: "Yes", InternalOnly: "Yes" }), tcp);
    expect(problems.map((problem) => problem.message)).toEqual(["InternalOnly=Yes removes the external load balancer, which these services use: db/proxy"]);
    expect(problems[0]?.fix).toContain("public nlb: port `scheme: internal`");
  });

  it("LoadBalancerIdleTimeout below a deployed service's timeout is refused, naming it and the least value that keeps it", () => {
    const slow = [{ app: "shop", services: [{ name: "web", visibility: "external" as const, timeout: 300 }, { name: "api", visibility: "internal" as const, timeout: 120 }, { name: "quick", visibility: "external" as const, timeout: 30 }] }];
    const problems = appRuleProblems(defaultParams(), params({ Internal: "Yes", LoadBalancerIdleTimeout: "100" }), slow);
    expect(problems).toEqual([
      {
        param: "LoadBalancerIdleTimeout",
        message: "LoadBalancerIdleTimeout=100 would close idle connections sooner than these services' timeout allows: shop/web (timeout: 300), shop/api (timeout: 120)",
        fix: "keep LoadBalancerIdleTimeout at 300 or more, or lower their timeout in convox.yml and deploy first",
      },
    ]);
    expect(appRuleProblems(defaultParams(), params({ Internal: "Yes", LoadBalancerIdleTimeout: "300" }), slow)).toEqual([]);
  });

  it("LoadBalancerIdleTimeout lowered while a service's timeout is unknown: refused unless what bounds it fits; raising it is never refused", () => {
    const unrecorded = [{ app: "old", services: [{ name: "web", visibility: "external" as const }, { name: "tcp", visibility: "external" as const }], unknownTimeouts: [{ service: "web" }, { service: "tcp", atMost: 60 }] }];
    const was = params({ LoadBalancerIdleTimeout: "300" });
    expect(appRuleProblems(was, params({ LoadBalancerIdleTimeout: "90" }), unrecorded).map((problem) => problem.message)).toEqual([
      "LoadBalancerIdleTimeout=90 cannot be checked against the timeout of these services: their apps were deployed by a racknet that did not record it, and their stacks do not tell it: old/web",
    ]);
    expect(appRuleProblems(was, params({ LoadBalancerIdleTimeout: "30" }), unrecorded)[0]?.message).toContain("old/web, old/tcp");
    expect(appRuleProblems(was, params({ LoadBalancerIdleTimeout: "400" }), unrecorded)).toEqual([]);
    expect(appRuleProblems(was, params({ LoadBalancerIdleTimeout: "90" }), [{ app: "old", services: [], unknownTimeouts: [{ service: "tcp", atMost: 60 }] }])).toEqual([]);
  });

  it("Internal=No is refused while api is internal", () => {
    const problems = appRuleProblems(defaultParams(), params({ internal_router: "true" }), apps);
    expect(problems.map((problem) => problem.param)).toEqual(["Internal"]);
    expect(problems[0]?.message).toContain("shop/api");
  });

  it("internal_router=false is refused while a service uses the router", () => {
    const problems = appRuleProblems(defaultParams(), params({ Internal: "Yes" }), apps);
    expect(problems.map((problem) => problem.param)).toEqual(["internal_router"]);
    expect(problems[0]?.message).toContain("peer/sync");
  });

  it("accepts changes no app depends on", () => {
    expect(appRuleProblems(defaultParams(), params({ Internal: "Yes", internal_router: "true", Private: "Yes" }), apps)).toEqual([]);
  });
});

describe("a change of the service subnets with databases and caches (issue 29)", () => {
  const withData = [{ app: "shop", services: [], resources: [{ name: "db", engine: "postgres" }] }, { app: "blog", services: [], resources: [] }];

  it("Private=No on a private rack is refused too, naming the public subnets and keeping Private=Yes as the fix", () => {
    const [problem, ...rest] = resourceSubnetProblems(params({ Private: "Yes" }), params({ Private: "No" }), withData);
    expect(rest).toEqual([]);
    expect(problem?.message).toContain("Private=No moves the apps' services to the public subnets");
    expect(problem?.message).toContain("shop (db: postgres)");
    expect(problem?.message).not.toContain("blog");
    expect(problem?.fix).toMatch(/^keep Private=Yes;/);
  });

  it("no refusal when Private stays, or when no app has a resource", () => {
    expect(resourceSubnetProblems(params({ Private: "Yes" }), params({ Private: "Yes", NatGateways: "One" }), withData)).toEqual([]);
    expect(resourceSubnetProblems(params({}), params({ Private: "Yes" }), [{ app: "blog", services: [] }])).toEqual([]);
  });
});
