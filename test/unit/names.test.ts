import { describe, expect, it } from "vitest";
import * as names from "../../src/names/index.js";

const rackStackId = "arn:aws:cloudformation:us-east-1:123456789012:stack/prod/1b2c3d4e-0000-4000-8000-00000000abcd";
const appStackId = "arn:aws:cloudformation:us-east-1:123456789012:stack/prod-shop/9f8e7d6c-1111-4111-8111-0000000000ef";

describe("names (SPEC sections 3 and 5)", () => {
  it("internal, router and external hosts", () => {
    expect(names.internalHost("api", "shop", "prod")).toBe("api.shop.prod.convox");
    expect(names.routerHost("api", "shop", "prod")).toBe("api.shop.prod.router.convox");
    expect(names.externalHost("web", "shop", "example.com")).toBe("web.shop.example.com");
    expect(names.rackZoneName("prod")).toBe("prod.convox");
    expect(names.routerZoneName("prod")).toBe("prod.router.convox");
  });

  it("link variables are upper case with dashes as underscores", () => {
    expect(names.linkVariable("billing-api")).toBe("BILLING_API_URL");
  });

  it("private network ids come from the stacks' UUIDs", () => {
    const pn = names.privateNetworkId(rackStackId);
    const ap = names.appId(appStackId);
    expect(pn).toBe("pn-1b2c3d4e-0000-4000-8000-00000000abcd");
    expect(ap).toBe("ap-9f8e7d6c-1111-4111-8111-0000000000ef");
    expect(names.privateNetworkAppName(ap, pn)).toBe(`${ap}.${pn}.private-network.internal.`);
    expect(names.privateNetworkServiceName("backend", ap, pn)).toBe(`backend.${ap}.${pn}.private-network.internal.`);
    expect(names.privateNetworkContainerName(2, "backend", ap, pn)).toBe(`2.backend.${ap}.${pn}.private-network.internal.`);
    expect(() => names.stackUuid("prod")).toThrow("not a CloudFormation stack id");
  });

  it("DNS limits", () => {
    expect(names.dnsNameProblems(`${"a".repeat(64)}.convox`)[0]).toContain("limited to 63");
    expect(names.dnsNameProblems(Array.from({ length: 5 }, () => "a".repeat(60)).join("."))[0]).toContain("limited to 253");
    expect(names.dnsNameProblems("api.shop.prod.convox")).toEqual([]);
  });

  it("resource names", () => {
    expect(names.nameProblem("rack", "Prod", 24)).toContain("lowercase");
    expect(names.nameProblem("rack", "prod-", 24)).toContain("end with a dash");
    expect(names.nameProblem("rack", "p".repeat(25), 24)).toContain("limit is 24");
    expect(names.nameProblem("rack", "prod-eu-1", 24)).toBeUndefined();
  });
});
