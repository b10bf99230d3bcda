import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExecuteChangeSetCommand } from "@aws-sdk/client-cloudformation";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { run as rackShow } from "../../src/operations/rack-show.js";
import { awsHarness, resourceWrites, type AwsHarness, type Outcome } from "../support/aws-harness.js";
import { INTERNAL_API, PUBLIC_WEB, deployedApp, installedRack } from "../support/workflows.js";

/** `racknet rack params set K=V ...` (SPEC section 2), on the in-memory AWS. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

function set(...params: string[]) {
  Object.assign(h.options, { rack: "prod", yes: true });
  return h.run(paramsSet, { params });
}

/** The rack goes private, then its three apps move side by side: billing and zoo move, shop fails. */
async function shopFailsToMove(): Promise<Outcome> {
  await installedRack(h, "prod", ["Internal=Yes"]);
  await deployedApp(h, "prod", "billing", INTERNAL_API);
  await deployedApp(h, "prod", "shop", PUBLIC_WEB);
  await deployedApp(h, "prod", "zoo", PUBLIC_WEB);
  h.cloudFormation.failNext("prod-shop", { logicalId: "WebService", reason: "ECS Deployment Circuit Breaker was triggered" });
  return set("Private=Yes");
}

/** The stacks CloudFormation changed, in order. */
const executed = () => h.cloudFormation.operations.filter((operation) => operation.operation === "execute" && operation.type === "UPDATE").map((operation) => operation.stackName);

describe("racknet rack params set: refusals, nothing written", () => {
  it("values the rack already has: says so, exit 0, no write", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    const result = await set("Private=no", "internal=YES");
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("no changes: rack prod already has Private=No Internal=Yes");
    expect(result.writes).toEqual([]);
  });

  it("an unknown parameter: the closest known name suggested, exit 1, no write", async () => {
    await installedRack(h, "prod");
    const result = await set("Privat=Yes");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Privat: unknown parameter "Privat"; did you mean Private?');
    expect(result.stderr).toContain("fix: Private=Yes");
    expect(result.writes).toEqual([]);
  });

  it("an install-only parameter: refused naming it", async () => {
    await installedRack(h, "prod");
    const result = await set("VPCCIDR=10.1.0.0/16");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("VPCCIDR can only be set at install");
    expect(result.writes).toEqual([]);
  });

  it("InternalOnly=Yes while an app's service is external: refused naming each app/service, nothing written", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    await deployedApp(h, "prod", "billing", INTERNAL_API);
    const result = await set("InternalOnly=Yes");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("InternalOnly=Yes removes the external load balancer, which these services use: shop/web");
    expect(result.stderr).not.toContain("billing/api");
    expect(result.writes).toEqual([]);
    expect(h.cloudFormation.stack("prod")?.parameters.InternalOnly).toBe("No");
  });

  it("a Domain that makes an app's external name longer than ALB's 128-character host condition: refused naming app/service and the longest Domain that fits", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    // web.shop.<domain>: 9 + 120 = 129 characters.
    const domain = `${"a".repeat(60)}.${"b".repeat(55)}.com`;
    const result = await set(`Domain=${domain}`);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`Domain=${domain}, these external names would be longer than the 128 characters a load balancer rule matches, and those apps could no longer be updated: shop/web (web.shop.${domain}, 129)`);
    expect(result.stderr).toContain("choose a Domain of at most 119 characters, or shorten those service or app names and deploy them first");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod")?.parameters.Domain).toBe("");
  });

  it("removing the Domain: external names fall back to the load balancer's own name, checked the same way", async () => {
    await installedRack(h, "prod", ["Domain=example.com"]);
    const dns = h.cloudFormation.stack("prod")?.outputs.ExternalLoadBalancerDns ?? "";
    // <service>.shop.<load balancer DNS> is 129 characters; <service>.shop.example.com fits.
    const service = `w${"e".repeat(128 - dns.length - "shop".length - 2)}`;
    await deployedApp(h, "prod", "shop", `services:\n  ${service}:\n    image: nginx:1.27\n    port: 80\n`);
    const result = await set("Domain=");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`without a Domain (external names end in the load balancer's name, ${dns}), these external names would be longer than the 128 characters`);
    expect(result.stderr).toContain(`shop/${service} (${service}.shop.${dns}, 129)`);
    expect(result.stderr).toContain("keep a Domain");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod")?.parameters.Domain).toBe("example.com");
  });

  it("Private=Yes on a rack whose app has a database: refused before any write, naming the app, its resources and the way to move them", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", "services:\n  web:\n    image: nginx:1.27\n    port: 80\n    resources: [db]\nresources:\n  db:\n    type: postgres\n  cache:\n    type: redis\n");
    await deployedApp(h, "prod", "blog", PUBLIC_WEB);
    const result = await set("Private=Yes");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("Private=Yes moves the apps' services to the private subnets, but a database or cache cannot change subnets in place");
    expect(result.stderr).toContain("these apps have some: shop (db: postgres, cache: redis)");
    expect(result.stderr).toContain("fix: keep Private=No; or take the data along by hand: remove those resources from each convox.yml and deploy with --allow-destroy");
    expect(result.stderr).not.toContain("blog");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod")?.parameters.Private).toBe("No");
  });

  it("a change that keeps the service subnets (Internal=Yes) on a rack with a database goes ahead", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", "services:\n  web:\n    image: nginx:1.27\n    port: 80\n    resources: [db]\nresources:\n  db:\n    type: postgres\n");
    const result = await set("Internal=Yes");
    expect(result.exitCode, result.stderr).toBe(0);
  });
});

describe("racknet rack params set LoadBalancerIdleTimeout: apps deployed before racknet recorded their timeout", () => {
  const SLOW_WEB = "services:\n  web:\n    image: nginx:1.27\n    port: 80\n    timeout: 300\n";
  const SLOW_TCP = "services:\n  web:\n    image: nginx:1.27\n    port: 80\n    timeout: 300\n    nlb:\n      - port: 5432\n";

  /** The app's stack as a racknet before timeouts were recorded left it: no timeout in its metadata (or no metadata at all). */
  function asDeployedBeforeTimeouts(stackName: string, options: { metadata: boolean } = { metadata: true }): void {
    const stack = h.cloudFormation.stack(stackName);
    if (!stack) throw new Error(`no stack ${stackName}`);
    const template = JSON.parse(stack.templateBody) as { Metadata: { Racknet: { timeoutsRecorded?: true; services: { timeout?: number }[] } } };
    if (!options.metadata) {
      stack.templateBody = JSON.stringify({ ...template, Metadata: {} });
      return;
    }
    delete template.Metadata.Racknet.timeoutsRecorded;
    for (const service of template.Metadata.Racknet.services) delete service.timeout;
    stack.templateBody = JSON.stringify(template);
  }

  async function rackWithSlowApp(manifest: string): Promise<void> {
    await installedRack(h, "prod", ["LoadBalancerIdleTimeout=300"]);
    await deployedApp(h, "prod", "shop", manifest);
    await deployedApp(h, "prod", "blog", PUBLIC_WEB);
  }

  it("a service's TCP nlb listener still tells its timeout: lowering below it is refused, naming it", async () => {
    await rackWithSlowApp(SLOW_TCP);
    asDeployedBeforeTimeouts("prod-shop");
    const result = await set("LoadBalancerIdleTimeout=100");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("LoadBalancerIdleTimeout=100 would close idle connections sooner than these services' timeout allows: shop/web (timeout: 300)");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.cloudFormation.stack("prod")?.parameters.LoadBalancerIdleTimeout).toBe("300");
  });

  it("nothing in the stack tells the timeout: lowering is refused, naming the services and the redeploy that records it", async () => {
    await rackWithSlowApp(SLOW_WEB);
    asDeployedBeforeTimeouts("prod-shop");
    const result = await set("LoadBalancerIdleTimeout=100");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("LoadBalancerIdleTimeout=100 cannot be checked against the timeout of these services: their apps were deployed by a racknet that did not record it, and their stacks do not tell it: shop/web");
    expect(result.stderr).toContain("fix: deploy shop again with this racknet (the stack then records each service's timeout), then run this again; or keep LoadBalancerIdleTimeout at 300");
    expect(result.stderr).not.toContain("blog");
    expect(resourceWrites(result)).toEqual([]);
    // Raising it cuts nothing short: it goes ahead.
    const raised = await set("LoadBalancerIdleTimeout=400");
    expect(raised.exitCode, raised.stderr).toBe(0);
    expect(h.cloudFormation.stack("prod")?.parameters.LoadBalancerIdleTimeout).toBe("400");
  });

  it("a stack without racknet's metadata: lowering is refused for every service of the app", async () => {
    await rackWithSlowApp(SLOW_WEB);
    asDeployedBeforeTimeouts("prod-shop", { metadata: false });
    const result = await set("LoadBalancerIdleTimeout=100");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("and their stacks do not tell it: shop (every service)");
    expect(resourceWrites(result)).toEqual([]);
  });

  it("redeployed with this racknet: the recorded timeout is checked, and a value that keeps it goes ahead", async () => {
    await rackWithSlowApp(SLOW_WEB);
    asDeployedBeforeTimeouts("prod-shop");
    await deployedApp(h, "prod", "shop", SLOW_WEB.replace("nginx:1.27", "nginx:1.28"));
    expect((await set("LoadBalancerIdleTimeout=100")).stderr).toContain("shop/web (timeout: 300)");
    const kept = await set("LoadBalancerIdleTimeout=300", "Internal=Yes");
    expect(kept.exitCode, kept.stderr).toBe(0);
  });
});

describe("racknet rack params set: changes", () => {
  it("InternalOnly=Yes once every service is internal: the rack's external load balancer goes, after the plan shows it", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "billing", INTERNAL_API);
    h.options.allowDestroy = true;
    const result = await set("InternalOnly=Yes");
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/Remove !\s+ExternalBalancer\s+AWS::ElasticLoadBalancingV2::LoadBalancer/);
    expect(result.stderr).toContain("rack prod updated: InternalOnly=Yes");
    expect(h.cloudFormation.stack("prod")?.outputs.ExternalLoadBalancerDns).toBeUndefined();
  });

  it("Private=Yes: the NAT cost in the plan, the rack updated first, then each app moved to the private subnets", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    await deployedApp(h, "prod", "billing", INTERNAL_API);
    const result = await set("Private=Yes");

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/3 NAT gateways will be created: about \$[\d.]+\/month/);
    expect(result.stderr).toContain("then the services of 2 app(s) (shop, billing) move to the private subnets by a rolling deployment");
    expect(executed()).toEqual(["prod", "prod-shop", "prod-billing"]);
    const rack = h.cloudFormation.stack("prod");
    for (const app of ["prod-shop", "prod-billing"]) {
      expect(h.cloudFormation.stack(app)?.parameters).toMatchObject({ ServiceSubnets: rack?.outputs.PrivateSubnets, AssignPublicIp: "DISABLED" });
    }
    expect(result.stderr).toContain("app shop: services moved to the private subnets, without public IPs (rolling deployment)");
    expect(result.stderr).toContain("rack prod updated: Private=Yes");
  });

  it("--yes alone does not remove the external load balancer: refused naming --allow-destroy, nothing changed", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "billing", INTERNAL_API);
    const result = await set("InternalOnly=Yes");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("Destroys or replaces");
    expect(result.stderr).toContain("--allow-destroy");
    expect(result.writes).not.toContain("CloudFormation.ExecuteChangeSet");
    expect(h.cloudFormation.stack("prod")?.parameters.InternalOnly).toBe("No");
  });

  it("--yes alone does not take a rack out of private mode (NAT IPs released, tasks get public IPs): refused naming both flags, no app moved", async () => {
    await installedRack(h, "prod", ["Private=Yes"]);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const result = await set("Private=No");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("--require-approval never --allow-destroy");
    expect(result.writes).not.toContain("CloudFormation.ExecuteChangeSet");
    expect(h.cloudFormation.stack("prod-shop")?.parameters.AssignPublicIp).toBe("DISABLED");
  });

  it("Private=No: the apps move to the public subnets first, then the rack releases its NAT gateways", async () => {
    await installedRack(h, "prod", ["Private=Yes"]);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    h.options.allowDestroy = true;
    h.options.requireApproval = "never";
    const result = await set("Private=No");

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("first the services of 1 app(s) (shop) move to the public subnets by a rolling deployment; the NAT gateways are released after");
    expect(executed()).toEqual(["prod-shop", "prod"]);
    const rack = h.cloudFormation.stack("prod");
    expect(h.cloudFormation.stack("prod-shop")?.parameters).toMatchObject({ ServiceSubnets: rack?.outputs.PublicSubnets, AssignPublicIp: "ENABLED" });
    expect(Object.values(rack?.resources ?? {}).filter((resource) => resource.Type === "AWS::EC2::NatGateway")).toEqual([]);
  });

  it("--dry-run: the plan, and no stack changes", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    h.options.dryRun = true;
    const result = await set("Private=Yes");
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/Add\s+NatGateway1\s+AWS::EC2::NatGateway/);
    // The cost table lists what changes; the app's unchanged tasks are counted, not listed.
    const costTable = result.stderr.slice(result.stderr.indexOf("Monthly cost"));
    expect(costTable).toMatch(/NAT gateways/);
    expect(costTable).not.toMatch(/Fargate vCPU, shop\/web/);
    expect(costTable).toMatch(/\(\d+ items unchanged, not listed; --json has every line\)/);
    expect(result.writes).not.toContain("CloudFormation.ExecuteChangeSet");
    expect(h.cloudFormation.stack("prod")?.parameters.Private).toBe("No");
  });

  it("an app that fails to move after the rack changed: the root cause, exit 3; the rack and the apps moving beside it changed", async () => {
    const result = await shopFailsToMove();
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/root cause: WebService \(AWS::ECS::Service\) UPDATE_FAILED/);
    expect(result.stderr).toContain("ECS Deployment Circuit Breaker was triggered");
    expect(h.cloudFormation.stack("prod")?.parameters.Private).toBe("Yes");
    expect(h.cloudFormation.stack("prod-billing")?.parameters.AssignPublicIp).toBe("DISABLED");
    expect(h.cloudFormation.stack("prod-shop")?.status).toBe("UPDATE_ROLLBACK_COMPLETE");
    expect(h.cloudFormation.stack("prod-zoo")?.parameters.AssignPublicIp).toBe("DISABLED");
    expect(executed()[0]).toBe("prod");
    expect(executed().slice(1).sort()).toEqual(["prod-billing", "prod-shop", "prod-zoo"]);
  });

  it("an app that fails to move after the rack changed: the error says the rack changed, which apps moved and which did not", async () => {
    const result = await shopFailsToMove();
    const error = result.stderr.slice(result.stderr.lastIndexOf("error:"));
    expect(error).toMatch(/rack prod .*Private=Yes/);
    expect(error).toMatch(/billing/);
    expect(error).toMatch(/zoo/);
  });

  it("after an app failed to move, running the command again moves the apps still on the old subnets", async () => {
    await shopFailsToMove();
    const again = await set("Private=Yes");
    expect(again.exitCode).toBe(0);
    expect(h.cloudFormation.stack("prod-shop")?.parameters.AssignPublicIp).toBe("DISABLED");
    expect(h.cloudFormation.stack("prod-zoo")?.parameters.AssignPublicIp).toBe("DISABLED");
  });
});

describe("racknet rack params set: one racknet at a time, and where things stand on Ctrl-C", () => {
  const lockOf = (operation: string, heartbeat: Date, host = "runner-7", pid = 4242) =>
    JSON.stringify({ v: 1, operation, key: "shop", command: `racknet ${operation}`, owner: { user: "ci", host, pid }, token: "t", startedAt: heartbeat.toISOString(), heartbeatAt: heartbeat.toISOString() });

  it("refused while a deploy holds one of the rack's apps, naming it; nothing changed", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    h.parameters.putParameter({ Name: "/racknet/prod/locks/apps/shop", Value: lockOf("deploy", new Date()) });
    const result = await set("Private=Yes");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("app shop on rack prod is busy: racknet deploy shop is running");
    expect(resourceWrites(result)).toEqual([]);
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);
  });

  it("a lock whose holder stopped beating more than 5 minutes ago is taken over, with a word", async () => {
    await installedRack(h, "prod");
    h.parameters.putParameter({ Name: "/racknet/prod/locks/rack", Value: lockOf("rack params set", new Date(Date.now() - 6 * 60_000)) });
    const result = await set("Domain=example.com");
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("taking over the lock of rack prod left by racknet rack params set (pid 4242 on runner-7");
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);
  });

  it("a fresh lock of a process that is gone from this very host is taken over too", async () => {
    await installedRack(h, "prod");
    h.parameters.putParameter({ Name: "/racknet/prod/locks/rack", Value: lockOf("rack params set", new Date(), hostname(), 2 ** 22 + 17) });
    const result = await set("Domain=example.com");
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it("a change set a dead run left on an app's stack is deleted under the lock, not a blocker", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const shop = h.cloudFormation.stack("prod-shop");
    h.cloudFormation.createChangeSet({ StackName: "prod-shop", ChangeSetName: "racknet-20261201T000000000Z", ChangeSetType: "UPDATE", UsePreviousTemplate: true, Capabilities: ["CAPABILITY_IAM"], Parameters: Object.entries(shop?.parameters ?? {}).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })) });
    const result = await set("Private=Yes");
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("deleted change set racknet-20261201T000000000Z of stack prod-shop, left by a racknet run that stopped before it could");
    expect(h.cloudFormation.stack("prod-shop")?.parameters.AssignPublicIp).toBe("DISABLED");
  });

  it("`racknet rack` shows the unfinished operation: which apps moved, which did not, and the command that finishes it", async () => {
    await shopFailsToMove();
    Object.assign(h.options, { json: false });
    const shown = await h.run(rackShow, undefined);
    expect(shown.stderr).toContain("racknet rack params set Private=Yes is not finished");
    expect(shown.stderr).toContain("done: app billing: onto the rack's new facts");
    expect(shown.stderr).toContain("failed: app shop: onto the rack's new facts");
    expect(shown.stderr).toContain("finish it with `racknet rack params set Private=Yes -r prod`");
    Object.assign(h.options, { json: true });
    const json = JSON.parse((await h.run(rackShow, undefined)).stdout) as { unfinished: Array<{ operation: string; command: string }> };
    expect(json.unfinished).toMatchObject([{ operation: "rack params set", command: "racknet rack params set Private=Yes -r prod" }]);
  });

  it("a different operation left unfinished: refused, naming the command that finishes it", async () => {
    await shopFailsToMove();
    const result = await set("Domain=example.com");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("rack prod has an unfinished operation: racknet rack params set Private=Yes is not finished");
    expect(result.stderr).toContain("finish it first with `racknet rack params set Private=Yes -r prod`");
  });

  it("Ctrl-C while an app moves: exit 130, the app's update goes on in AWS, the others not started; running it again finishes", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    await deployedApp(h, "prod", "billing", INTERNAL_API);
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const billing = h.cloudFormation.stack("prod-billing")?.id;
    h.stubs.CloudFormation?.on(ExecuteChangeSetCommand).callsFake(async (input: { ChangeSetName?: string; StackName?: string }) => {
      const answer = h.cloudFormation.executeChangeSet(input);
      if (input.StackName === billing) process.emit("SIGINT");
      return answer;
    });
    const result = await set("Private=Yes");
    expect(result.exitCode).toBe(130);
    const error = result.stderr.slice(result.stderr.lastIndexOf("error:"));
    expect(error).toContain("stopped watching: the update of app billing on rack prod continues in AWS");
    expect(error).toContain("done: rack prod set to Private=Yes");
    expect(error).toContain("still running in AWS: app billing");
    expect(error).toContain("not started: app shop");
    expect(error).toContain("fix: follow it to its end with `racknet apps wait billing -r prod`; then run `racknet rack params set Private=Yes -r prod` again to finish");
    expect(h.parameters.values.has("/racknet/prod/locks/rack")).toBe(false);

    const again = await set("private=yes");
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain("finishing racknet rack params set Private=Yes");
    expect(h.cloudFormation.stack("prod-shop")?.parameters.AssignPublicIp).toBe("DISABLED");
    expect(h.parameters.values.has("/racknet/prod/journal/rack")).toBe(false);
  });
});
