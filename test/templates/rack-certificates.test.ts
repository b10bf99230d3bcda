/**
 * Issue 9, item 4. "Certificates per Application Load Balancer (excluding default
 * certificates): 25" and "Target Groups per Application Load Balancer: 100, not adjustable"
 * (ELB User Guide, "Quotas for your Application Load Balancers"). One certificate per app on
 * the shared listener stopped the 26th app; the rack's listeners carry one certificate of the
 * apps' wildcard names instead, re-imported under the same ARN as apps come and go (ACM:
 * "You can add or remove domain names" on a re-import; ImportCertificate takes a certificate
 * of at most 32,768 bytes; the 10-names quota applies only to certificates ACM issues).
 */
import { describe, expect, it } from "vitest";
import { APP_NAME_MAX, RACK_NAME_MAX, internalHost, routerHost } from "../../src/names/index.js";
import { createCa, issueServerCertificate } from "../../src/ca/index.js";
import { MAX_APPS_PER_CERTIFICATE, appsCertificateNames, appsInCertificate } from "../../src/templates/rack-certificates.js";
import { TARGET_GROUPS_PER_BALANCER, listenerCapacityProblem } from "../../src/templates/rack-quotas.js";
import { INTERNAL_APPS_CERTIFICATE, ROUTER_APPS_CERTIFICATE, idsOfType, propertiesOf, rack } from "./rack-fixture.js";

/** ImportCertificate's Certificate blob: "Maximum length of 32768" (ACM API Reference). */
const IMPORT_CERTIFICATE_MAX_BYTES = 32_768;

const listenerCertificates = (params: Parameters<typeof rack>[0]) => {
  const stack = rack(params);
  return idsOfType(stack, "AWS::ElasticLoadBalancingV2::ListenerCertificate").map((id) => {
    const properties = propertiesOf(stack, id);
    return { listener: (properties.ListenerArn as { Ref: string }).Ref, certificates: properties.Certificates };
  });
};

/** A wildcard covers exactly one label (RFC 6125 6.4.3), as TLS clients match it. */
const covers = (pattern: string, host: string) => (pattern.startsWith("*.") ? host.slice(host.indexOf(".") + 1) === pattern.slice(2) : host === pattern);

describe("certificates per load balancer (25 besides the default, adjustable; 100 target groups, not adjustable)", () => {
  it("the internal and router HTTPS listeners carry one apps certificate each, whatever the number of apps; the external one none", () => {
    expect(listenerCertificates({ Internal: "Yes", internal_router: "true" })).toEqual([
      { listener: "InternalHttpsListener", certificates: [{ CertificateArn: INTERNAL_APPS_CERTIFICATE }] },
      { listener: "RouterHttpsListener", certificates: [{ CertificateArn: ROUTER_APPS_CERTIFICATE }] },
    ]);
    expect(listenerCertificates({})).toEqual([]);
  });

  it("one certificate covers the internal hosts of as many apps as the listener's target groups allow, and no other app", () => {
    const apps = Array.from({ length: MAX_APPS_PER_CERTIFICATE }, (_, index) => `app-${index}`);
    expect(MAX_APPS_PER_CERTIFICATE).toBe(TARGET_GROUPS_PER_BALANCER);
    const internal = appsCertificateNames("internal", "prod", apps);
    const router = appsCertificateNames("router", "prod", apps);
    expect(internal).toHaveLength(101);
    for (const app of apps) {
      expect(internal.filter((name) => covers(name, internalHost("web", app, "prod"))), app).toHaveLength(1);
      expect(router.filter((name) => covers(name, routerHost("web", app, "prod"))), app).toHaveLength(1);
    }
    expect(internal.some((name) => covers(name, internalHost("web", "other", "prod")))).toBe(false);
    expect(internal.some((name) => covers(name, routerHost("web", "app-1", "prod")))).toBe(false);
    expect(appsInCertificate("internal", "prod", internal)).toEqual([...apps].sort());
    expect(() => appsCertificateNames("internal", "prod", [...apps, "one-more"])).toThrow(/at most 100 target groups/);
  });

  it("keeps its first name whatever apps remain, since a re-import may not remove every name", () => {
    expect(appsCertificateNames("router", "prod", [])).toEqual(["prod.router.convox"]);
    expect(appsCertificateNames("router", "prod", ["b", "a", "b"])).toEqual(["prod.router.convox", "*.a.prod.router.convox", "*.b.prod.router.convox"]);
  });

  it("with 100 apps of the longest names, the certificate ACM imports stays under ImportCertificate's 32,768 bytes", async () => {
    const rackName = "r".repeat(RACK_NAME_MAX);
    const apps = Array.from({ length: MAX_APPS_PER_CERTIFICATE }, (_, index) => `a${String(index).padStart(3, "0")}`.padEnd(APP_NAME_MAX, "x"));
    const dnsNames = appsCertificateNames("router", rackName, apps);
    const ca = await createCa(rackName);
    const issued = await issueServerCertificate(ca, { commonName: dnsNames[0] ?? "", dnsNames });
    expect(Buffer.byteLength(issued.certPem)).toBeLessThan(IMPORT_CERTIFICATE_MAX_BYTES);
  });

  it("a load balancer that would pass 100 endpoints is refused without advising a quota increase", () => {
    expect(listenerCapacityProblem({ balancer: "internal", targetGroups: 90, rules: 90, adding: 10 })).toBeUndefined();
    const full = listenerCapacityProblem({ balancer: "internal", targetGroups: 95, rules: 95, adding: 6, rulesLimit: 200 });
    expect(full?.message).toMatch(/serves 95 endpoints and this deploy adds 6; it holds at most 100/);
    expect(`${full?.message} ${full?.fix}`).not.toMatch(/quota|increase|raise the/i);
  });
});
