import type { Workflow } from "../../src/runtime/run-workflow.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Task } from "@aws-sdk/client-ecs";
import { run as apps } from "../../src/operations/apps.js";
import { run as privateNetworksDomainNames } from "../../src/operations/private-networks-domain-names.js";
import { run as rackCa } from "../../src/operations/rack-ca.js";
import { run as rackParams } from "../../src/operations/rack-params.js";
import { run as rackShow } from "../../src/operations/rack-show.js";
import { run as racks } from "../../src/operations/racks.js";
import { run as services } from "../../src/operations/services.js";
import { renderedTemplateVersion as latestTemplateVersion } from "../../src/rack-steps/rack-template.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { INTERNAL_API, PUBLIC_WEB, deployedApp, servedApp, installedRack } from "../support/workflows.js";

/** The commands that only read (SPEC sections 1 and 5): what they print, their --json, and that they write nothing. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

const EVERY_KIND = `services:
  web:
    image: nginx:1.27
    port: 80
    links: [api]
  api:
    image: example/api:1.4
    port: 4000
    internal: true
  peer:
    image: example/peer:1
    port: 9000
    internalRouter: true
  worker:
    image: example/worker:3
`;

async function read<A>(workflow: Workflow<A>, args: A, flags: Partial<AwsHarness["options"]> = {}) {
  Object.assign(h.options, { json: false, ...flags });
  const result = await h.run(workflow, args);
  expect(result.writes, "a read-only command writes nothing").toEqual([]);
  return result;
}

describe("racknet racks and racknet rack", () => {
  it("racks: each rack with its status, version, template standing and parameters in short; --json the same rows", async () => {
    await installedRack(h, "prod", ["Private=Yes", "Internal=Yes"]);
    await installedRack(h, "dev");
    const human = await read(racks, undefined);
    expect(human.stdout).toMatch(/^NAME\s+STATUS\s+VERSION\s+TEMPLATE\s+PARAMETERS$/m);
    expect(human.stdout).toMatch(/^prod\s+CREATE_COMPLETE\s+0\.1\.0\s+up to date\s+Private=Yes Internal=Yes$/m);
    expect(human.stdout).toMatch(/^dev\s+CREATE_COMPLETE\s+0\.1\.0\s+up to date\s+defaults$/m);
    const template = { version: latestTemplateVersion(), latest: latestTemplateVersion(), standing: "current" };
    const json = await read(racks, undefined, { json: true });
    expect(JSON.parse(json.stdout)).toEqual([
      { name: "prod", status: "CREATE_COMPLETE", version: "0.1.0", template, parameters: expect.objectContaining({ Private: "Yes", Internal: "Yes", InternalOnly: "No" }) },
      { name: "dev", status: "CREATE_COMPLETE", version: "0.1.0", template, parameters: expect.objectContaining({ Private: "No", Internal: "No" }) },
    ]);
  });

  it("racks in an empty region: says how to create one; --json is []", async () => {
    expect((await read(racks, undefined)).stderr).toContain("no racks in this region; create one with `racknet rack install NAME`");
    expect(JSON.parse((await read(racks, undefined, { json: true })).stdout)).toEqual([]);
  });

  it("rack: name, status, region, version, parameters, each load balancer, the NAT Elastic IPs of a private rack", async () => {
    await installedRack(h, "prod", ["Private=Yes", "Internal=Yes"]);
    const outputs = h.cloudFormation.stack("prod")?.outputs ?? {};
    const human = await read(rackShow, undefined, { rack: "prod" });
    expect(human.stdout).toMatch(/^Region\s+us-east-1$/m);
    expect(human.stdout).toContain(`External      ${outputs.ExternalLoadBalancerDns}`);
    expect(human.stdout).toContain(`Internal      ${outputs.InternalLoadBalancerDns}`);
    expect(human.stdout).toContain(`Outbound IPs  ${outputs.NatElasticIps?.split(",").join(", ")}`);
    const json = JSON.parse((await read(rackShow, undefined, { rack: "prod", json: true })).stdout);
    expect(json).toMatchObject({
      name: "prod",
      status: "CREATE_COMPLETE",
      region: "us-east-1",
      version: "0.1.0",
      parameters: { Private: "Yes", Internal: "Yes", InternalOnly: "No" },
      endpoints: { external: outputs.ExternalLoadBalancerDns, internal: outputs.InternalLoadBalancerDns },
      outboundIps: outputs.NatElasticIps?.split(","),
    });
  });

  it("rack with two racks and no -r: refused, listing them", async () => {
    await installedRack(h, "prod");
    await installedRack(h, "dev");
    const result = await read(rackShow, undefined);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("2 racks in this region; say which: prod, dev");
    expect(result.stderr).toContain("pass -r RACK or set RACKNET_RACK");
  });

  it("rack params: every parameter and its value; --json the parameters by name", async () => {
    await installedRack(h, "prod", ["Domain=example.com"]);
    expect((await read(rackParams, undefined)).stdout).toMatch(/^Domain\s+example\.com$/m);
    expect(JSON.parse((await read(rackParams, undefined, { json: true })).stdout)).toMatchObject({ Domain: "example.com", Private: "No", VPCCIDR: "10.0.0.0/16" });
  });

  it("rack ca: the CA certificate (PEM) on stdout; --json with the rack's name", async () => {
    await installedRack(h, "prod");
    const pem = h.parameters.values.get("/racknet/prod/ca/cert")?.value;
    expect((await read(rackCa, undefined)).stdout.trim()).toBe(pem?.trim());
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const json = JSON.parse((await read(rackCa, undefined, { json: true })).stdout) as { expiry: { kind: string; renewDue: boolean }[] };
    expect(json).toMatchObject({
      rack: "prod",
      certificate: pem,
      constraints: { status: "constrained", permittedDns: ["prod.convox", "prod.router.convox"], excludedIps: ["0.0.0.0/0", "::/0"] },
      keyEncryption: h.keys.aliases.get("alias/racknet/prod/ca"),
    });
    expect(json.expiry.map((entry) => [entry.kind, entry.renewDue])).toEqual([
      ["ca", false],
      ["rack", false],
      ["internal-apps", false],
      ["router-apps", false],
    ]);
  });

  it("rack ca: on stderr, the names it may sign, its expiry and the KMS key of its private key (nothing decrypted)", async () => {
    await installedRack(h, "prod");
    const result = await read(rackCa, undefined);
    expect(result.stderr).toContain("signs only: prod.convox, prod.router.convox (and names below them); never an IP address, an email address or a URI");
    expect(result.stderr).toMatch(/expires: /);
    expect(result.stderr).toContain(`private key encrypted with the rack's own KMS key ${h.keys.aliases.get("alias/racknet/prod/ca")}`);
    expect(result.calls.map((call) => call.operation)).not.toContain("SSM.GetParameters");
  });
});

describe("racknet apps and racknet services", () => {
  it("apps: each app with its status; --json the same rows", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    await deployedApp(h, "prod", "billing", INTERNAL_API);
    expect((await read(apps, undefined)).stdout).toMatch(/^shop\s+CREATE_COMPLETE\s+\S+$/m);
    const rows = JSON.parse((await read(apps, undefined, { json: true })).stdout) as { name: string; status: string; updated: string }[];
    expect(rows.map((row) => [row.name, row.status])).toEqual([
      ["shop", "CREATE_COMPLETE"],
      ["billing", "CREATE_COMPLETE"],
    ]);
    expect(rows.every((row) => !Number.isNaN(Date.parse(row.updated)))).toBe(true);
  });

  it("apps on a rack without apps: says how to deploy one", async () => {
    await installedRack(h, "prod");
    expect((await read(apps, undefined)).stderr).toContain("no apps on rack prod; deploy one with `racknet deploy -a APP`");
  });

  it("services: each service, how it is exposed, its endpoints by the SPEC's names, its ports; --json the same", async () => {
    await installedRack(h, "prod", ["Internal=Yes", "internal_router=true", "Domain=example.com"]);
    await servedApp(h, "prod", "shop", EVERY_KIND);
    const human = await read(services, undefined, { rack: "prod", app: "shop" });
    expect(human.stdout).toMatch(/^web\s+external\s+web\.shop\.example\.com\s+443:80$/m);
    expect(human.stdout).toMatch(/^api\s+internal\s+api\.shop\.prod\.convox\s+443:4000$/m);
    expect(human.stdout).toMatch(/^peer\s+internal-router\s+peer\.shop\.prod\.router\.convox\s+443:9000$/m);
    expect(human.stdout).toMatch(/^worker\s+private\s*$/m);
    const json = JSON.parse((await read(services, undefined, { rack: "prod", app: "shop", json: true })).stdout);
    expect(json).toContainEqual({ service: "api", visibility: "internal", endpoints: [{ kind: "internal", url: "https://api.shop.prod.convox" }], ports: [{ listener: 443, container: 4000 }] });
    expect(json).toContainEqual({ service: "worker", visibility: "private", endpoints: [], ports: [] });
  });

  it("services: an external name whose certificate is not issued and served yet is a host marked pending, never a URL", async () => {
    await installedRack(h, "prod", ["Domain=example.com"]);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const human = await read(services, undefined, { rack: "prod", app: "shop" });
    expect(human.stdout).toMatch(/^web\s+external\s+web\.shop\.example\.com \(pending certificate\)\s+443:80$/m);
    const json = JSON.parse((await read(services, undefined, { rack: "prod", app: "shop", json: true })).stdout);
    expect(json).toContainEqual({ service: "web", visibility: "external", endpoints: [{ kind: "external", url: null, pendingCertificate: true, host: "web.shop.example.com" }], ports: [{ listener: 443, container: 80 }] });
  });

  it("services of an app that is not on the rack: refused, naming `racknet apps`", async () => {
    await installedRack(h, "prod");
    const result = await read(services, undefined, { rack: "prod", app: "shop" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('app "shop" not found on rack prod');
    expect(result.stderr).toContain("racknet apps");
  });
});

describe("racknet private-networks-domain-names", () => {
  function task(appId: string, service: string, id: string, ip: string): Task {
    return {
      taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`,
      lastStatus: "RUNNING",
      desiredStatus: "RUNNING",
      startedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, Number(id.replace(/\D/g, "")))),
      tags: [
        { key: "racknet:app-id", value: appId },
        { key: "racknet:service", value: service },
      ],
      attachments: [{ type: "ElasticNetworkInterface", details: [{ name: "privateIPv4Address", value: ip }] }],
    };
  }

  it("the app alias, each service and each container, from the tasks running now; --json with the paging facts; no record written", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const appId = `ap-${h.cloudFormation.stack("prod-shop")?.id.split("/").at(-1)}`;
    const zone = h.cloudFormation.stack("prod")?.outputs.PrivateNetworkZoneName;
    h.privateNetwork.tasks = [task(appId, "web", "t1", "10.0.1.1"), task(appId, "web", "t2", "10.0.1.2"), task(appId, "worker", "t3", "10.0.2.1")];

    const human = await read(privateNetworksDomainNames, { page: "1", perPage: "20" }, { rack: "prod", app: "shop" });
    expect(human.stdout.split("\n")).toEqual([
      "CONTAINER TYPE  DOMAIN NAME",
      `web             ${appId}.${zone}.`,
      `web             web.${appId}.${zone}.`,
      `web             1.web.${appId}.${zone}.`,
      `web             2.web.${appId}.${zone}.`,
      `worker          worker.${appId}.${zone}.`,
      `worker          1.worker.${appId}.${zone}.`,
      "Page 1/1",
      "Total number of domains 6",
      "",
    ]);
    expect(human.stderr).toContain("record change(s) pending: the rack's sync function applies them within seconds");
    const json = JSON.parse((await read(privateNetworksDomainNames, { page: "2", perPage: "4" }, { rack: "prod", app: "shop", json: true })).stdout);
    expect(json).toEqual({
      data: [
        { type: "worker", domain_name: `worker.${appId}.${zone}.` },
        { type: "worker", domain_name: `1.worker.${appId}.${zone}.` },
      ],
      meta: { current_page: 2, per_page: 4, total_pages: 2, total_count: 6 },
    });
    expect(h.privateNetwork.records).toEqual([]);
  });
});
