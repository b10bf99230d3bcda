import { describe, expect, it } from "vitest";
import { closestName } from "../../src/rack/closest-name.js";

describe("closestName", () => {
  const keys = ["image", "environment", "internal", "internalRouter", "port"];

  it("suggests a typo's candidate in its own spelling, case-insensitively", () => {
    expect(closestName("imgae", keys)).toBe("image");
    expect(closestName("INTERNALROUTR", keys)).toBe("internalRouter");
  });

  it("stays quiet when nothing is close, or there is nothing to suggest", () => {
    expect(closestName("qqqqqq", keys)).toBeUndefined();
    expect(closestName("image", [])).toBeUndefined();
  });

  it("with fragments, a real fragment suggests the name containing it; a letter or two does not", () => {
    const params = ["Private", "Internal", "InternalOnly", "internal_router", "internal_router_cidrs", "internal_router_vpcs", "Domain", "VPCCIDR"];
    expect(closestName("cidr", params, { fragments: true })).toBe("VPCCIDR");
    expect(closestName("cidr", params)).toBeUndefined();
    expect(closestName("in", params, { fragments: true })).toBeUndefined();
  });
});
