import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as deploy } from "../../src/operations/deploy.js";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";
import { deployedApp, installedRack, manifestFile } from "../support/workflows.js";

/** `racknet deploy` of an app with nlb: ports and balancers: (issue 28), and the rack changes they constrain, on the in-memory AWS. */

const MANIFEST = `services:
  db:
    image: example/db:1
    timeout: 120
    nlb:
      - port: 5432
        allow_cidr: [203.0.113.0/24]
      - port: 6432
        scheme: internal
  mqtt:
    image: example/mqtt:1
balancers:
  broker:
    service: mqtt
    ports: {1883: 1883}
`;

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

function deployAs(app: string, manifest: string, flags: Partial<AwsHarness["options"]> = { yes: true }) {
  Object.assign(h.options, { rack: "prod", app, ...flags });
  return h.run(deploy, { file: manifestFile(manifest) });
}

const ofType = (type: string) => Object.entries(h.cloudFormation.stack("prod-shop")?.resources ?? {}).filter(([, resource]) => resource.Type === type);

describe("racknet deploy: network load balancers", () => {
  it("creates the app's public and internal network load balancers in its stack, with the rack's public subnets and VPC range as parameters", async () => {
    await installedRack(h, "prod");
    const result = await deployAs("shop", MANIFEST);
    expect(result.exitCode).toBe(0);
    const balancers = ofType("AWS::ElasticLoadBalancingV2::LoadBalancer").map(([, resource]) => resource.Properties);
    expect(balancers.map((properties) => [properties?.Type, properties?.Scheme])).toEqual([
      ["network", "internet-facing"],
      ["network", "internal"],
    ]);
    const stack = h.cloudFormation.stack("prod-shop");
    const rack = h.cloudFormation.stack("prod");
    expect(stack?.parameters.PublicSubnets).toBe(rack?.outputs.PublicSubnets);
    expect(stack?.parameters.VpcCidr).toBe(rack?.outputs.VpcCidr);
    expect(ofType("AWS::ElasticLoadBalancingV2::Listener").map(([id]) => id).sort()).toEqual(["DbNlb5432Listener", "DbNlb6432Listener", "MqttNlb1883Listener"]);
  });

  it("states each listener, its sources and idle timeout, and the load balancers' cost in the plan", async () => {
    await installedRack(h, "prod");
    const result = await deployAs("shop", MANIFEST, { dryRun: true });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("the app's public (internet-facing) network load balancer: 5432/tcp → db:5432 from 203.0.113.0/24 (idle 120 s); 1883/tcp → mqtt:1883 from anywhere (idle 350 s)");
    expect(result.stderr).toContain("the app's internal network load balancer: 6432/tcp → db:6432 from the VPC (idle 120 s)");
    expect(result.stderr).toMatch(/Network load balancers of shop\s+2\s+\$0\.0225\/hour per load balancer/);
    expect(result.stderr).toContain("Public IPv4 addresses of shop's public network load balancer (one per zone)");
    expect(h.cloudFormation.stack("prod-shop")).toBeUndefined();
  });

  it("on an InternalOnly=Yes rack a public port is refused at its line before anything is written; an internal one deploys", async () => {
    await installedRack(h, "prod", ["Internal=Yes", "InternalOnly=Yes"]);
    const refused = await deployAs("shop", MANIFEST);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/convox\.yml:6:\d+ services\.db\.nlb\[0\]\.scheme: .*puts port 5432 on a public network load balancer, and the rack is InternalOnly=Yes/);
    expect(refused.stderr).toMatch(/convox\.yml:13:\d+ balancers\.broker: /);
    expect(resourceWrites(refused)).toEqual([]);
    const internal = await deployAs("shop", "services:\n  db:\n    image: example/db:1\n    nlb:\n      - port: 6432\n        scheme: internal\n");
    expect(internal.exitCode).toBe(0);
    expect(ofType("AWS::ElasticLoadBalancingV2::LoadBalancer").map(([, resource]) => resource.Properties?.Scheme)).toEqual(["internal"]);
  });

  it("rack params set InternalOnly=Yes is refused while an app has a public nlb port, naming it", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "shop", MANIFEST);
    Object.assign(h.options, { rack: "prod", yes: true });
    const result = await h.run(paramsSet, { params: ["InternalOnly=Yes"] });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("InternalOnly=Yes removes the external load balancer, which these services use: shop/db, shop/mqtt");
    expect(h.cloudFormation.stack("prod")?.parameters.InternalOnly).toBe("No");
  });
});
