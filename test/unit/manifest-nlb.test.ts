import { describe, expect, it } from "vitest";
import { exposureSummary, parseManifest } from "../../src/manifest/index.js";
import { applyAssignments, defaultParams, type RackParams } from "../../src/rack/params.js";

/** nlb: and balancers: as racknet reads them; Convox's per-port checks are in test/fixtures/manifests/bad/nlb-bad.yml (manifest-corpus.test.ts). */

function params(...assignments: string[]): RackParams {
  const result = applyAssignments(defaultParams(), assignments, "install");
  expect(result.problems).toEqual([]);
  return result.params;
}

const check = (text: string, rack?: RackParams) => parseManifest(text, "convox.yml", { app: "shop", rack: "prod", ...(rack ? { params: rack } : {}) });
const placed = (text: string, rack?: RackParams) => check(text, rack).problems.map((problem) => `${problem.where} ${problem.path}: ${problem.message} | ${problem.fix}`);

describe("nlb: ports", () => {
  it("are accepted with Convox's defaults: tcp, public, containerPort = port", () => {
    const { manifest, problems } = check("services:\n  db:\n    image: a:1\n    nlb:\n      - port: 5432\n");
    expect(problems).toEqual([]);
    expect(manifest?.services[0]?.nlb).toEqual([{ port: 5432, protocol: "tcp", containerPort: 5432, scheme: "public", allowCidr: [] }]);
  });

  it("show in the exposure summary beside the HTTPS port: listener:container (protocol, scheme nlb)", () => {
    const { manifest } = check("services:\n  api:\n    image: a:1\n    port: 3000\n    nlb:\n      - port: 443\n        protocol: tls\n        containerPort: 8443\n        scheme: internal\n        certificate: arn:aws:acm:us-east-1:123456789012:certificate/abc\n");
    expect(exposureSummary(manifest!, { app: "shop", rack: "prod" })[0]?.ports).toBe("443:3000 443:8443 (tls, internal nlb)");
  });

  it("let a service without port: say internal: true (Convox's nlb-tls-internal), but not internalRouter", () => {
    expect(placed("services:\n  db:\n    image: a:1\n    internal: true\n    nlb:\n      - port: 5432\n        scheme: internal\n")).toEqual([]);
    expect(placed("services:\n  db:\n    image: a:1\n    internalRouter: true\n    nlb:\n      - port: 5432\n")).toEqual([
      expect.stringContaining("convox.yml:4:5 services.db.internalRouter: services.db sets internalRouter: true but has no port"),
    ]);
  });

  it("refuses a public port on an InternalOnly=Yes rack, at its scheme, and accepts an internal one there", () => {
    const text = "services:\n  db:\n    image: a:1\n    nlb:\n      - port: 5432\n        scheme: internal\n      - port: 6432\n";
    expect(placed(text, params("Internal=Yes", "InternalOnly=Yes"))).toEqual([
      "convox.yml:7:9 services.db.nlb[1].scheme: services.db.nlb[1].scheme puts port 6432 on a public network load balancer, and the rack is InternalOnly=Yes: nothing of it faces the internet | write scheme: internal (reached from the VPC and its peers)",
    ]);
    expect(placed(text, params("Private=Yes"))).toEqual([]);
  });
});

describe("target groups", () => {
  it("more than ECS's 5 per service (a port on two load balancers and 4 nlb ports) is refused at nlb:", () => {
    const ports = [5000, 5001, 5002, 5003].map((port) => `      - port: ${port}\n`).join("");
    expect(placed(`services:\n  api:\n    image: a:1\n    port: 3000\n    internalAndExternal: true\n    nlb:\n${ports}`)).toEqual([
      "convox.yml:6:5 services.api.nlb: services.api needs 6 target groups (2 for port:, 4 for network load balancer ports); ECS attaches at most 5 to a service | serve fewer ports from this service, or split it into two services",
    ]);
    expect(placed(`services:\n  api:\n    image: a:1\n    port: 3000\n    nlb:\n${ports}`)).toEqual([]);
  });
});

describe("security group rules", () => {
  it("more than 60 on one network load balancer (ports × allow_cidr ranges) is refused; 60 is accepted", () => {
    const service = (name: string, first: number, count: number) =>
      `  ${name}:\n    image: a:1\n    nlb:\n${Array.from({ length: count }, (_, index) => `      - {port: ${first + index}, allow_cidr: [10.1.0.0/16, 10.2.0.0/16, 10.3.0.0/16]}\n`).join("")}`;
    const manifest = (ports: number) => `services:\n${[0, 1, 2, 3, 4].map((n) => service(`s${n}`, 5000 + n * 10, Math.max(0, Math.min(5, ports - n * 5)))).filter((text) => !text.endsWith("nlb:\n")).join("")}`;
    expect(placed(manifest(20))).toEqual([]);
    expect(placed(manifest(21))).toEqual([expect.stringContaining("services: the app's public network load balancer would need 63 security group rules")]);
  });
});

describe("timeout", () => {
  it("above 350 is refused on a service with a TLS listener, whose idle timeout AWS fixes at 350", () => {
    const text = "services:\n  db:\n    image: a:1\n    timeout: 600\n    nlb:\n      - port: 443\n        protocol: tls\n        containerPort: 5432\n        certificate: arn:aws:acm:us-east-1:123456789012:certificate/abc\n";
    expect(placed(text)).toEqual([expect.stringMatching(/^convox.yml:4:5 services.db.timeout: services.db.timeout is 600 seconds; the TLS listener of services.db.nlb\[0\] closes a connection idle for 350, .*\| write timeout: 350 or less/)]);
    expect(placed(text.replace("600", "350"))).toEqual([]);
  });

  it("up to 6000 is accepted on a service with TCP listeners only; more is refused by the schema", () => {
    expect(placed("services:\n  db:\n    image: a:1\n    timeout: 6000\n    nlb:\n      - port: 5432\n")).toEqual([]);
    expect(placed("services:\n  db:\n    image: a:1\n    timeout: 6001\n    nlb:\n      - port: 5432\n")).toEqual([expect.stringContaining("services.db.timeout: services.db.timeout must be a whole number of seconds, 1–6000")]);
  });

  it("on a service the rack's HTTPS load balancers serve: refused above the rack's LoadBalancerIdleTimeout, naming it; accepted up to it", () => {
    const web = (timeout: number) => `services:\n  web:\n    image: a:1\n    port: 3000\n    timeout: ${timeout}\n`;
    expect(placed(web(120), params())).toEqual([
      "convox.yml:5:5 services.web.timeout: services.web.timeout is 120 seconds; the rack's HTTPS load balancers close a connection idle for 60 (LoadBalancerIdleTimeout=60) | raise it for the whole rack: racknet rack params set LoadBalancerIdleTimeout=120; or write timeout: 60 or less",
    ]);
    expect(placed(web(120), params("LoadBalancerIdleTimeout=120"))).toEqual([]);
    expect(placed(web(600), params("LoadBalancerIdleTimeout=300"))).toEqual([expect.stringContaining("close a connection idle for 300 (LoadBalancerIdleTimeout=300)")]);
    // Above AWS's 4000 no rack can serve it, with or without the rack's parameters.
    expect(placed(web(4500))).toEqual([expect.stringContaining("services.web.timeout is 4500 seconds; an HTTPS load balancer closes a connection idle for at most 4000 (AWS's limit) | write timeout: 4000 or less, stream a response to keep the connection busy, or serve the long connections on an nlb: TCP port")]);
  });

  it("LoadBalancerIdleTimeout takes whole seconds from 1 to 4000, as an application load balancer does", () => {
    expect(applyAssignments(defaultParams(), ["loadbalanceridletimeout=0300"], "install").params.LoadBalancerIdleTimeout).toBe("300");
    for (const value of ["0", "4001", "60s", "1.5", ""]) {
      expect(applyAssignments(defaultParams(), [`LoadBalancerIdleTimeout=${value}`], "install").problems).toEqual([expect.objectContaining({ message: expect.stringContaining("from 1 to 4000") })]);
    }
  });
});

describe("balancers: (Convox 3)", () => {
  it("become public TCP listeners of the named service, with the whitelist as their only sources", () => {
    const { manifest, problems } = check("services:\n  mqtt:\n    image: a:1\nbalancers:\n  broker:\n    service: mqtt\n    ports:\n      1883: 1883\n      8883: {port: 9883, protocol: TCP}\n    whitelist: [192.0.2.0/24]\n");
    expect(problems).toEqual([]);
    expect(manifest?.services[0]?.nlb).toEqual([
      { port: 1883, protocol: "tcp", containerPort: 1883, scheme: "public", allowCidr: ["192.0.2.0/24"], balancer: "broker" },
      { port: 8883, protocol: "tcp", containerPort: 9883, scheme: "public", allowCidr: ["192.0.2.0/24"], balancer: "broker" },
    ]);
  });

  it("are checked as Convox checks them (validate.yml: no ports, blank service, a whitelist that is no CIDR, an unknown service)", () => {
    const problems = placed("services:\n  api:\n    image: a:1\nbalancers:\n  alpha:\n    whitelist: 1.1.1.1\n  bravo:\n    ports:\n      3000: 3001\n    service: apii\n");
    expect(problems).toEqual([
      expect.stringContaining("convox.yml:5:3 balancers.alpha: balancer alpha has no ports"),
      expect.stringContaining("convox.yml:5:3 balancers.alpha: balancer alpha has blank service"),
      expect.stringContaining("balancers.bravo.service: balancer bravo refers to unknown service apii; did you mean \"api\"? | write service: api"),
    ]);
  });

  it("refuse what racknet cannot make faithfully: UDP, annotations, host bits, IPv6, a port another listener has", () => {
    const problems = placed(
      "services:\n  api:\n    image: a:1\n    nlb:\n      - port: 5000\nbalancers:\n  one:\n    service: api\n    ports:\n      5000: 5000\n      53: {port: 53, protocol: UDP}\n    annotations: {service.beta.kubernetes.io/aws-load-balancer-internal: \"true\"}\n    whitelist: [10.0.0.1/8, \"2001:db8::/32\"]\n",
    );
    expect(problems).toEqual([
      expect.stringContaining("balancers.one.ports.5000: balancers.one.ports: 5000 is also a listener of services.api"),
      expect.stringContaining("balancers.one.ports.53.protocol: balancers.one.ports.53.protocol is udp"),
      expect.stringContaining("balancers.one.annotations: racknet cannot do balancers.one.annotations"),
      expect.stringContaining("balancers.one.whitelist: balancer one whitelist 10.0.0.1/8 has host bits set | write 10.0.0.0/8"),
      expect.stringContaining("balancers.one.whitelist: balancer one whitelist 2001:db8::/32 is not a valid IPv4 cidr range"),
    ]);
  });

  it("on an InternalOnly=Yes rack are refused: Convox's balancer faces the internet", () => {
    expect(placed("services:\n  mqtt:\n    image: a:1\nbalancers:\n  broker:\n    service: mqtt\n    ports: {1883: 1883}\n", params("Internal=Yes", "InternalOnly=Yes"))).toEqual([
      expect.stringContaining("convox.yml:5:3 balancers.broker: balancers.broker puts port 1883 on a public network load balancer, and the rack is InternalOnly=Yes"),
    ]);
  });
});
