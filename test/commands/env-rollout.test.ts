import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run as envSet } from "../../src/operations/env-set.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { deployedApp, installedRack, withOptions } from "../support/workflows.js";

/** `racknet env set` changes no more than asked: new task definitions only for the services that read the name. */

const READER_AND_NOT = `services:
  web:
    image: nginx:1.27
    port: 80
    environment: [FLAG]
  worker:
    image: example/worker:3
    environment: [QUEUE=jobs]
`;

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

const resources = (stack: string) => h.cloudFormation.stack(stack)?.resources ?? {};

describe("env set rolls only the services that read the name", () => {
  it("FLAG=on gives web a new task definition and leaves worker's as it was", async () => {
    await installedRack(h, "prod");
    await withOptions(h, { yes: true, rack: "prod", app: "shop" }, () => h.run(envSet, { assignments: ["FLAG=off"] }));
    await deployedApp(h, "prod", "shop", READER_AND_NOT);
    const before = structuredClone(resources("prod-shop"));
    const outcome = await withOptions(h, { yes: true, rack: "prod", app: "shop" }, () => h.run(envSet, { assignments: ["FLAG=on"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain("1 to change; service web rolls (a rolling deployment)");
    expect(outcome.stderr).toContain("service web rolls to new tasks reading the new FLAG (a rolling deployment); no other service changes");
    expect(outcome.stderr).toMatch(/Modify +WebTaskDefinition +AWS::ECS::TaskDefinition +no +ContainerDefinitions$/m);
    expect(outcome.stderr).not.toMatch(/WorkerTaskDefinition|WorkerService/);
    const after = resources("prod-shop");
    expect(after.WorkerTaskDefinition).toEqual(before.WorkerTaskDefinition);
    expect(after.WebTaskDefinition).not.toEqual(before.WebTaskDefinition);
  });

  it("a name no service reads is stored without a change set", async () => {
    await installedRack(h, "prod");
    await withOptions(h, { yes: true, rack: "prod", app: "shop" }, () => h.run(envSet, { assignments: ["FLAG=off"] }));
    await deployedApp(h, "prod", "shop", READER_AND_NOT);
    const outcome = await withOptions(h, { yes: true, rack: "prod", app: "shop" }, () => h.run(envSet, { assignments: ["UNUSED=1"] }));
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.writes).not.toContain("CloudFormation.CreateChangeSet");
  });
});
