import { describe, expect, it } from "vitest";
import { endpointName } from "../../src/names/index.js";
import { ENDPOINT_KINDS, LOAD_BALANCERS, VISIBILITY_KINDS, missingLoadBalancers, mostPrivate } from "../../src/rack/load-balancers.js";
import { defaultParams } from "../../src/rack/params.js";
import { KindParameters } from "../../src/templates/app-contract.js";
import { deployedEndpoint } from "../../src/templates/app-endpoints.js";
import { RackOutput } from "../../src/names/rack-outputs.js";

describe("one endpoint function", () => {
  it("names each kind's host and URL; without a Domain an external name is marked, never usable-looking", () => {
    expect(endpointName("internal", "api", "shop", "prod")).toEqual({ kind: "internal", host: "api.shop.prod.convox", url: "https://api.shop.prod.convox", needsDomain: false });
    expect(endpointName("router", "api", "shop", "prod")).toMatchObject({ host: "api.shop.prod.router.convox", needsDomain: false });
    expect(endpointName("external", "web", "shop", "prod", "example.com")).toMatchObject({ url: "https://web.shop.example.com", needsDomain: false });
    expect(endpointName("external", "web", "shop", "prod")).toMatchObject({ host: "web.shop.<Domain>", needsDomain: true });
  });

  it("a deployed stack's endpoint comes from its Domain parameter: none means needsDomain, not the load balancer's unresolvable name", () => {
    const parameters = { Domain: "", ExternalLoadBalancerDns: "ext-1.us-east-1.elb.amazonaws.com" };
    expect(deployedEndpoint("web", "external", "shop", "prod", parameters)).toMatchObject({ needsDomain: true, host: "web.shop.<Domain>" });
    expect(deployedEndpoint("web", "external", "shop", "prod", { Domain: "example.com" })).toMatchObject({ needsDomain: false, url: "https://web.shop.example.com" });
  });
});

describe("one table per load balancer", () => {
  it("every output it names is a rack output and an app-stack parameter", () => {
    for (const kind of ENDPOINT_KINDS) {
      for (const output of Object.values(LOAD_BALANCERS[kind].outputs)) expect(Object.keys(RackOutput), `${kind}: ${output}`).toContain(output);
      expect(KindParameters[kind]).toBe(LOAD_BALANCERS[kind].outputs);
    }
  });

  it("which visibility needs which rack parameter", () => {
    expect(Object.fromEntries(ENDPOINT_KINDS.map((kind) => [kind, LOAD_BALANCERS[kind].visibilities]))).toEqual({
      external: ["internal-and-external", "external"],
      internal: ["internal-and-external", "internal"],
      router: ["internal-router"],
    });
    const params = { ...defaultParams(), InternalOnly: "Yes", Internal: "Yes" };
    expect(missingLoadBalancers("internal-and-external", params).map((balancer) => balancer.param)).toEqual(["InternalOnly"]);
    expect(missingLoadBalancers("internal-router", defaultParams()).map((balancer) => balancer.param)).toEqual(["internal_router"]);
    expect(missingLoadBalancers("private", defaultParams())).toEqual([]);
  });

  it("the most private link: internal, then the router, then external", () => {
    expect(mostPrivate(VISIBILITY_KINDS["internal-and-external"])).toBe("internal");
    expect(mostPrivate(["external", "router"])).toBe("router");
    expect(mostPrivate([])).toBeUndefined();
  });
});
