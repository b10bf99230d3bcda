import { describe, expect, it } from "vitest";
import { rackParameterNotes } from "../../src/plan/rack-notes.js";

describe("rackParameterNotes", () => {
  it("Private No→Yes: one NAT gateway per AZ with its monthly cost, services in private subnets", () => {
    const notes = rackParameterNotes([{ name: "Private", from: "No", to: "Yes" }], 3, "us-east-1");
    expect(notes[0]).toBe("3 NAT gateways will be created: about $98.55/month plus $0.045/GB processed");
    expect(notes[1]).toContain("private subnets, without public IPs");
  });

  it("Private Yes→No: services move back first, the NAT gateways are released last", () => {
    const notes = rackParameterNotes([{ name: "Private", from: "Yes", to: "No" }], 2, "us-east-1");
    expect(notes[0]).toContain("public subnets, with public IPs");
    expect(notes[1]).toMatch(/^then the 2 NAT gateways .* released, last \(saving about \$65\.70\/month/);
  });

  it("Internal, InternalOnly and internal_router say which load balancer appears or goes", () => {
    expect(rackParameterNotes([{ name: "Internal", from: "No", to: "Yes" }], 3, "us-east-1")[0]).toMatch(/^an internal load balancer will be created/);
    expect(rackParameterNotes([{ name: "Internal", from: "Yes", to: "No" }], 3, "us-east-1")[0]).toMatch(/^the internal load balancer will be deleted/);
    expect(rackParameterNotes([{ name: "InternalOnly", from: "No", to: "Yes" }], 3, "us-east-1")[0]).toMatch(/^the external load balancer will be deleted/);
    expect(rackParameterNotes([{ name: "InternalOnly", from: "Yes", to: "No" }], 3, "us-east-1")[0]).toMatch(/^an external load balancer will be created/);
    expect(rackParameterNotes([{ name: "internal_router", from: "false", to: "true" }], 3, "us-east-1")[0]).toMatch(/^an internal router load balancer will be created/);
    expect(rackParameterNotes([{ name: "internal_router", from: "true", to: "false" }], 3, "us-east-1")[0]).toMatch(/^the internal router load balancer .* will be deleted/);
  });

  it("lists and the domain in words", () => {
    expect(rackParameterNotes([{ name: "internal_router_cidrs", from: "", to: "10.1.0.0/16,10.2.0.0/16" }], 3, "us-east-1")).toEqual([
      "the internal router will accept traffic from 10.1.0.0/16, 10.2.0.0/16 (was the VPC CIDR)",
    ]);
    expect(rackParameterNotes([{ name: "Domain", from: "", to: "apps.example.com" }], 3, "us-east-1")).toEqual([
      "external services will answer at <service>.<app>.apps.example.com",
    ]);
  });

  it("several changes: notes in the order of the changes", () => {
    const notes = rackParameterNotes(
      [
        { name: "Internal", from: "No", to: "Yes" },
        { name: "InternalOnly", from: "No", to: "Yes" },
      ],
      3,
      "us-east-1",
    );
    expect(notes).toHaveLength(2);
  });

  it("VPCCIDR: AWS's advice in words, for a publicly routable range or one overlapping 172.17.0.0/16", () => {
    expect(rackParameterNotes([{ name: "VPCCIDR", from: "10.0.0.0/16", to: "10.9.0.0/16" }], 3, "us-east-1")).toEqual(["the VPC will use 10.9.0.0/16"]);
    const publicRange = rackParameterNotes([{ name: "VPCCIDR", from: "10.0.0.0/16", to: "52.10.0.0/16" }], 3, "us-east-1");
    expect(publicRange[1]).toMatch(/^52\.10\.0\.0\/16 is publicly routable \(outside RFC 1918\)/);
    expect(rackParameterNotes([{ name: "VPCCIDR", from: "10.0.0.0/16", to: "172.17.0.0/16" }], 3, "us-east-1")[1]).toContain("overlaps 172.17.0.0/16");
  });

  it("internal_router_cidrs outside the private ranges are said, never silent", () => {
    expect(rackParameterNotes([{ name: "internal_router_cidrs", from: "", to: "10.1.0.0/16,0.0.0.0/0" }], 3, "us-east-1")).toEqual([
      "the internal router will accept traffic from 10.1.0.0/16, 0.0.0.0/0 (was the VPC CIDR)",
      "0.0.0.0/0 is outside the private ranges: anything routed to the VPC from there reaches the internal router",
    ]);
  });
});
