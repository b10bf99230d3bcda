import { describe, expect, it } from "vitest";
import { PARAMS, RackParam, applyAssignments, defaultParams, fromCfnParameters, isOn, normaliseCidr, suggestParam, toCfnParameters } from "../../src/rack/params.js";

const install = (...args: string[]) => applyAssignments(defaultParams(), args, "install");
const update = (...args: string[]) => applyAssignments(defaultParams(), args, "update");

describe("rack parameters (SPEC section 2)", () => {
  it("match names case-insensitively and store the canonical spelling", () => {
    const { params, problems } = install("private=yes", "INTERNAL=TRUE", "Internal_Router=YES", "domain=Apps.Example.COM");
    expect(problems).toEqual([]);
    expect(params.Private).toBe("Yes");
    expect(params.Internal).toBe("Yes");
    expect(params.internal_router).toBe("true");
    expect(params.Domain).toBe("apps.example.com");
  });

  it("BuildInstance: small, medium or large in any case, or CodeBuild's own names, stored as CodeBuild spells them; a rack update may change it", () => {
    expect(defaultParams().BuildInstance).toBe("BUILD_GENERAL1_SMALL");
    expect(install("buildinstance=Medium").params.BuildInstance).toBe("BUILD_GENERAL1_MEDIUM");
    expect(update("BuildInstance=build_general1_large").params.BuildInstance).toBe("BUILD_GENERAL1_LARGE");
    expect(update("BuildInstance=SMALL").problems).toEqual([]);
    for (const value of ["xlarge", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL2_SMALL", ""]) {
      const { problems } = update(`BuildInstance=${value}`);
      expect(problems.map((problem) => problem.message), value).toEqual([`BuildInstance must be small, medium or large (BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM, BUILD_GENERAL1_LARGE), not "${value}"`]);
      expect(problems[0]?.fix).toBe("BuildInstance=medium");
    }
    expect(toCfnParameters(install("BuildInstance=large").params, { availabilityZones: ["a", "b"], rackCertificateArn: "arn" }).BuildInstance).toBe("BUILD_GENERAL1_LARGE");
    // A rack installed before builds existed has no BuildInstance in its stack: the default.
    expect(fromCfnParameters({ Private: "No" }).BuildInstance).toBe("BUILD_GENERAL1_SMALL");
  });

  it("accept the CloudFormation spelling of internal_router too", () => {
    expect(install("InternalRouter=true").params.internal_router).toBe("true");
  });

  it("refuse an unknown name and suggest the closest", () => {
    const { problems } = install("Privat=Yes");
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('unknown parameter "Privat"; did you mean Private?');
    expect(problems[0]?.fix).toBe("Private=Yes");
  });

  it("list the known names when nothing is close", () => {
    const { problems } = install("Zzzzzzzzzzzz=1");
    expect(problems[0]?.fix).toContain("known parameters: Private, Internal");
  });

  it("refuse values that are not Yes/No, naming both", () => {
    const { problems } = install("Private=maybe");
    expect(problems[0]?.message).toBe('Private must be Yes or No, not "maybe"');
  });

  it("refuse an assignment without =", () => {
    expect(install("Private").problems[0]?.message).toContain("is not a parameter assignment");
  });

  it("refuse install-only parameters in params set, naming the parameter", () => {
    const { problems } = update("VPCCIDR=10.1.0.0/16");
    expect(problems[0]?.param).toBe("VPCCIDR");
    expect(problems[0]?.message).toContain("VPCCIDR can only be set at install");
  });

  it("refuse InternalOnly=Yes without the internal load balancer", () => {
    const { problems } = install("InternalOnly=Yes");
    expect(problems.map((problem) => problem.param)).toEqual(["InternalOnly"]);
    expect(problems[0]?.fix).toContain("Internal=Yes");
    expect(install("InternalOnly=Yes", "Internal=Yes").problems).toEqual([]);
  });

  it("report every problem at once", () => {
    const { problems } = install("Privat=Yes", "Internal=nah", "VPCCIDR=10.0.0.0/8", "Domain=-bad-");
    expect(problems).toHaveLength(4);
  });

  it("refuse an IP address, or a name whose top-level label is a number, as Domain (issue 21, item 11)", () => {
    expect(install("Domain=10.0.0.1").problems[0]?.message).toBe('Domain: "10.0.0.1" is an IP address, not a domain name');
    expect(install("Domain=apps.example.123").problems[0]?.message).toContain("top-level label");
    expect(install("Domain=apps.example.com").problems).toEqual([]);
    expect(install("Domain=1password.com").problems).toEqual([]);
  });

  it("validate CIDRs and VPC ids, and normalise them", () => {
    expect(install("VPCCIDR=10.20.3.4/16").params.VPCCIDR).toBe("10.20.0.0/16");
    expect(install("VPCCIDR=300.0.0.0/16").problems[0]?.message).toContain("octet above 255");
    expect(install("VPCCIDR=10.0.0.0/28").problems[0]?.message).toContain("between /16 and /24");
    expect(install("internal_router_cidrs=10.1.0.0/16, 10.2.0.0/16").params.internal_router_cidrs).toBe("10.1.0.0/16,10.2.0.0/16");
    expect(install("internal_router_cidrs=10.1.0.0/16,nope").problems).toHaveLength(1);
    expect(install("internal_router_vpcs=vpc-0123456789ABCDEF0").params.internal_router_vpcs).toBe("vpc-0123456789abcdef0");
    expect(install("internal_router_vpcs=vpc-xyz").problems[0]?.message).toContain("is not a VPC id");
    expect(install(`internal_router_cidrs=${Array.from({ length: 6 }, (_, i) => `10.${i}.0.0/16`).join(",")}`).problems[0]?.message).toContain("at most 5");
  });

  it("refuse VPC CIDRs AWS refuses and other reserved ranges, naming the range", () => {
    const refused = (cidr: string) => install(`VPCCIDR=${cidr}`).problems.map((problem) => problem.message).join("; ");
    expect(refused("169.254.0.0/16")).toBe('VPCCIDR: "169.254.0.0/16" (169.254.0.0/16) is in the link-local range (169.254.0.0/16), which AWS does not allow for a VPC');
    expect(refused("224.1.0.0/16")).toContain("is in the multicast range (224.0.0.0/4), which AWS does not allow for a VPC");
    expect(refused("127.0.0.0/16")).toContain("loopback");
    expect(refused("0.0.0.0/16")).toContain('"this network" (0.0.0.0/8)');
    expect(refused("240.0.0.0/16")).toContain("240.0.0.0/4");
    expect(refused("192.0.0.0/16")).toContain("overlaps the IETF protocol assignments range (192.0.0.0/24)");
    expect(install("VPCCIDR=169.254.0.0/16").problems[0]?.fix).toContain("VPCCIDR=10.0.0.0/16");
    // AWS allows publicly routable and shared-address VPCs: accepted (the plan warns).
    for (const cidr of ["172.16.0.0/16", "192.168.0.0/20", "100.64.0.0/16", "52.10.0.0/16"]) expect(install(`VPCCIDR=${cidr}`).problems, cidr).toEqual([]);
  });

  it("accept internal_router_cidrs outside the private ranges (the plan lists them as widening), refuse ones inside a reserved range", () => {
    expect(install("internal_router_cidrs=0.0.0.0/0").problems).toEqual([]);
    expect(install("internal_router_cidrs=0.0.0.0/0").params.internal_router_cidrs).toBe("0.0.0.0/0");
    expect(install("internal_router_cidrs=10.1.0.0/16,127.0.0.1/32").problems[0]?.message).toBe('internal_router_cidrs: "127.0.0.1/32" is in the loopback range (127.0.0.0/8), which AWS does not allow for a VPC: no peered network has such addresses');
  });

  it("refuse internal_router_cidrs that name one network twice once normalised (a duplicate rule drifts, and removing it revokes the real one), as internal_router_vpcs does", () => {
    expect(install("internal_router_cidrs=10.1.3.0/16,10.1.0.0/16").problems).toEqual([
      { param: "internal_router_cidrs", message: "internal_router_cidrs lists 10.1.0.0/16 twice: 10.1.3.0/16 and 10.1.0.0/16 are the same network", fix: "list each network once: internal_router_cidrs=10.1.0.0/16" },
    ]);
    expect(install("internal_router_cidrs=10.2.0.0/16, 10.1.0.0/16,10.2.0.0/16").problems[0]?.message).toBe("internal_router_cidrs lists 10.2.0.0/16 twice");
    expect(update("internal_router_cidrs=10.1.0.0/16,10.1.255.255/16").problems[0]?.param).toBe("internal_router_cidrs");
    // Overlapping but different networks are two rules, not one twice.
    expect(install("internal_router_cidrs=10.1.0.0/16,10.1.2.0/24").problems).toEqual([]);
  });

  it("name constants match the parameters", () => {
    expect(Object.values(RackParam).sort()).toEqual(PARAMS.map((spec) => spec.name).sort());
    expect(isOn(install("Private=on").params, RackParam.Private)).toBe(true);
    expect(isOn(install("internal_router=1").params, RackParam.InternalRouter)).toBe(true);
    expect(isOn(defaultParams(), RackParam.InternalOnly)).toBe(false);
  });

  it("refuse the same parameter given twice with different values", () => {
    expect(install("Private=Yes", "private=No").problems[0]?.message).toContain("given twice");
  });

  it("report what changes", () => {
    expect(update("Private=Yes", "Internal=No").changes).toEqual([{ name: "Private", from: "No", to: "Yes" }]);
  });

  it("derive the hidden template parameters", () => {
    const { params } = install("VPCCIDR=10.0.0.0/20", "internal_router_cidrs=10.1.0.0/16,10.2.0.0/16");
    const cfn = toCfnParameters(params, { availabilityZones: ["us-east-1a", "us-east-1b"], rackCertificateArn: "arn:cert" });
    expect(cfn).toMatchObject({ VPCCIDR: "10.0.0.0/20", SubnetBits: "9", AvailabilityZones: "us-east-1a,us-east-1b", AvailabilityZoneCount: "2", InternalRouterCidrCount: "2", InternalRouterVpcCount: "0", RackCertificateArn: "arn:cert", InternalRouter: "false" });
    expect(fromCfnParameters(cfn)).toEqual(params);
  });

  it("suggests only close names", () => {
    expect(suggestParam("internal_routr")).toBe("internal_router");
    expect(suggestParam("qqqq")).toBeUndefined();
    expect(normaliseCidr("192.168.7.9/24")).toBe("192.168.7.0/24");
  });
});
