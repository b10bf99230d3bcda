import { describe, expect, it } from "vitest";
import { checkManifest, parseManifest } from "../../src/manifest/index.js";
import { applyAssignments, defaultParams } from "../../src/rack/params.js";

/** `domain:` (issue 23, items 4 and 7): Convox's forms, and what racknet refuses before any AWS call, with the line. */

function parse(yaml: string) {
  return parseManifest(yaml, "convox.yml");
}

const web = (domain: string) => `services:\n  web:\n    image: nginx:1.27\n    port: 80\n    domain: ${domain}\n`;

describe("domain: in convox.yml", () => {
  it("reads one name, names separated by commas, or a list, as Convox does (lower case, trimmed)", () => {
    expect(parse(web("Shop.Example.com")).manifest?.services[0]?.domains).toEqual(["shop.example.com"]);
    expect(parse(web("shop.example.com, www.shop.example.com")).manifest?.services[0]?.domains).toEqual(["shop.example.com", "www.shop.example.com"]);
    expect(parse(web("[shop.example.com, www.shop.example.com]")).manifest?.services[0]?.domains).toEqual(["shop.example.com", "www.shop.example.com"]);
    expect(parse(web("shop.example.com")).warnings).toEqual([]);
  });

  it("refuses a wildcard, an IP address and what is not a host name, at the key's line", () => {
    for (const [value, message] of [
      ['"*.example.com"', "is a wildcard"],
      ["10.0.0.1", "is an IP address"],
      ['"::1"', "is an IP address"],
      ["shop_example.com", "is not a host name"],
      ["localhost", "is a single label"],
      ["web.prod.convox", "the .convox names"],
      ['"${SHOP_DOMAIN}"', "uses ${...}"],
      [`${"a".repeat(64)}.example.com`, "has the label"],
    ] as const) {
      const { problems } = parse(web(value));
      expect(problems.map((problem) => problem.where), value).toContain("convox.yml:5:5");
      expect(problems.map((problem) => problem.message).join("\n"), value).toContain(message);
    }
  });

  it("refuses more names than one ACM certificate takes (10), a name listed twice, and a list whose names are all too long to lead a certificate", () => {
    const eleven = Array.from({ length: 11 }, (_, index) => `n${index}.example.com`).join(", ");
    expect(parse(web(eleven)).problems.map((problem) => problem.message)).toEqual([expect.stringContaining("lists 11 names; a service's names share one ACM certificate, which takes 10")]);
    const twice = "services:\n  web:\n    image: nginx:1.27\n    port: 80\n    domain: shop.example.com\n  api:\n    image: nginx:1.27\n    port: 80\n    domain: [Shop.example.com]\n";
    expect(parse(twice).problems.map((problem) => [problem.where, problem.message])).toEqual([["convox.yml:9:5", expect.stringContaining("shop.example.com is listed by services.web.domain too")]]);
    const long = `${"a".repeat(60)}.example.com`;
    expect(parse(web(long)).problems.map((problem) => problem.message)).toEqual([expect.stringContaining("every name is over 64 characters")]);
  });

  it("refuses a domain on a service the external load balancer does not serve", () => {
    const internal = "services:\n  api:\n    image: nginx:1.27\n    port: 80\n    internal: true\n    domain: api.example.com\n  worker:\n    image: nginx:1.27\n    domain: worker.example.com\n";
    const problems = parse(internal).problems;
    expect(problems.map((problem) => problem.path)).toEqual(["services.api.domain", "services.worker.domain"]);
    expect(problems[0]?.message).toContain("it is internal, and a domain is served by the external load balancer only");
    expect(problems[1]?.fix).toContain("give the service a port");
  });

  it("refuses an app whose *.<app>.<Domain> certificate name would pass ACM's 64 characters", () => {
    const { manifest } = parse(web("shop.example.com"));
    if (!manifest) throw new Error("should parse");
    const params = applyAssignments(defaultParams(), [`Domain=${"d".repeat(40)}.example.com`], "install").params;
    const problems = checkManifest(manifest, { app: "storefront", rack: "prod", params });
    expect(problems.map((problem) => problem.message)).toEqual([expect.stringContaining("need the certificate *.storefront.dddd")]);
    expect(problems[0]?.fix).toContain("at most 51 characters");
    expect(checkManifest(manifest, { app: "storefront", rack: "prod", params: applyAssignments(defaultParams(), ["Domain=apps.example.com"], "install").params })).toEqual([]);
  });
});
