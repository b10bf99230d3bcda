import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { startMoto, awsEnv, awsClients } from "../support/moto.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { runCli, hasStackTrace } from "../support/cli.js";

/**
 * Real AWS accounts throttle, answer 5xx and drop connections. With 30% of requests
 * faulted (seeded), every command still succeeds and leaves the same result in AWS.
 */
const root = join(__dirname, "..", "..");
let moto: Awaited<ReturnType<typeof startMoto>>;
let proxy: FaultProxy;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(args, { env });

beforeAll(async () => {
  // An account of its own: the seeded faults meet the same calls on every run only when no
  // other file's racks change what racknet reads (pages, the staging bucket's users).
  moto = await startMoto({ own: true });
  proxy = await startFaultProxy({ target: moto.endpoint, rate: 0.3, seed: 20261121 });
  env = awsEnv(proxy.endpoint);
});

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

describe("through 30% throttling, 5xx and dropped connections", () => {
  const steps: Array<[string, string[]]> = [
    ["rack install", ["rack", "install", "flaky", "--private", "--yes"]],
    ["rack params set", ["rack", "params", "set", "Internal=Yes", "-r", "flaky", "--yes"]],
    ["deploy", ["deploy", "-a", "shop", "-f", join(root, "examples", "shop", "convox.yml"), "-r", "flaky", "--yes"]],
    ["services", ["services", "-a", "shop", "-r", "flaky", "--json"]],
    ["private-networks-domain-names", ["private-networks-domain-names", "-a", "shop", "-r", "flaky", "--json"]],
    ["rack", ["rack", "-r", "flaky", "--json"]],
  ];
  for (const [name, args] of steps) {
    it(`${name} succeeds`, async () => {
      const result = await cli(...args);
      expect(result.stderr).not.toSatisfy(hasStackTrace);
      expect(result.code, result.stderr).toBe(0);
    });
  }

  it("left the rack in the state asked for", async () => {
    const aws = awsClients(moto.endpoint);
    const stack = (await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: "flaky" }))).Stacks?.[0];
    expect(stack?.StackStatus).toMatch(/_COMPLETE$/);
    const parameters = Object.fromEntries((stack?.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
    expect(parameters).toMatchObject({ Private: "Yes", Internal: "Yes" });
    const stats = proxy.stats();
    for (const kind of ["throttle", "server-error", "unavailable", "drop"] as const) expect(stats.byKind[kind], kind).toBeGreaterThan(0);
  });
});
