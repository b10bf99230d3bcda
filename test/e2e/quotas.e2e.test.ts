import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { startMoto, awsEnv, awsClients } from "../support/moto.js";
import { runCli } from "../support/cli.js";

/**
 * Quotas are checked before anything is created (issue 9 item 3), against an account with
 * AWS's default quotas: 5 Elastic IPs a region, and a private rack takes one per zone.
 */
let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env });

beforeAll(async () => {
  moto = await startMoto({ accountQuotas: {} });
  env = awsEnv(moto.endpoint);
  aws = awsClients(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
});

describe("an account at AWS's default quotas", () => {
  it("takes one private rack (3 of its 5 Elastic IPs)", async () => {
    const result = await cli("rack", "install", "first", "--private", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("did not answer");
  });

  it("refuses a second before anything is made, saying what is used, the limit and how to raise it", async () => {
    const result = await cli("rack", "install", "second", "--private", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("rack second does not fit in the account's quotas in us-east-1; nothing was changed");
    expect(result.stderr).toContain("the account uses 3 of its 5");
    expect(result.stderr).toContain("--quota-code L-0263D0A3");
    const stacks = (await aws.cloudFormation.send(new ListStacksCommand({}))).StackSummaries ?? [];
    expect(stacks.filter((stack) => stack.StackName === "second" && stack.StackStatus !== "DELETE_COMPLETE")).toEqual([]);
    await expect(aws.ssm.send(new GetParameterCommand({ Name: "/racknet/second/ca/cert" }))).rejects.toThrow();
  });

  it("takes a public rack (no Elastic IP of its own)", async () => {
    const result = await cli("rack", "install", "third", "--yes");
    expect(result.code, result.stderr).toBe(0);
  });
});
