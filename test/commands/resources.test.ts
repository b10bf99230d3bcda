import "aws-sdk-client-mock-vitest/extend";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/index.js";
import { run as listWorkflow } from "../../src/operations/resources.js";
import { run as infoWorkflow } from "../../src/operations/resources-info.js";
import { violations } from "../json/schemas.js";
import { appStack, cfn, dayContext, rackStack } from "./day-fixtures.js";
import { printing } from "../support/printing.js";
const list = printing(listWorkflow);
const info = printing(infoWorkflow);

/** `racknet resources` and `resources info` (issue 29) over the in-memory CloudFormation and Secrets Manager. */

const secrets = mockClient(SecretsManagerClient);
const URL_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ResourceDbUrl-abc";
const THE_URL = "postgres://app:Zx81SpectrumZx81SpectrumZx81Spec@prod-shop-resourcedb.abc.us-east-1.rds.amazonaws.com:5432/app?sslmode=require";

const RESOURCES = [
  { name: "db", type: "postgres", engine: "postgres", version: "17.9", class: "db.t4g.micro", storage: 20, durable: false, nodes: 1, services: ["web"] },
  { name: "cache", type: "elasticache-redis", engine: "redis", version: "7.1", class: "cache.t4g.micro", storage: 0, durable: true, nodes: 2, services: ["web", "worker"] },
];

beforeEach(() => {
  cfn.reset();
  cfn.onAnyCommand().rejects(new Error("unmocked CloudFormation call"));
  cfn.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
    if (input.StackName === "prod") return { Stacks: [rackStack()] };
    const stack = appStack();
    return { Stacks: [{ ...stack, Outputs: [...(stack.Outputs ?? []), { OutputKey: "ResourceDbEndpoint", OutputValue: "prod-shop-resourcedb.abc.us-east-1.rds.amazonaws.com:5432" }] }] };
  });
  cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Metadata: { Racknet: { app: "shop", rack: "prod", version: "0.1.0", services: [], resources: RESOURCES } } }) });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: "ResourceDb", PhysicalResourceId: "prod-shop-resourcedb", ResourceType: "AWS::RDS::DBInstance", ResourceStatus: "CREATE_COMPLETE", LastUpdatedTimestamp: new Date() },
      { LogicalResourceId: "ResourceDbUrl", PhysicalResourceId: URL_ARN, ResourceType: "AWS::SecretsManager::Secret", ResourceStatus: "CREATE_COMPLETE", LastUpdatedTimestamp: new Date() },
      { LogicalResourceId: "ResourceCache", ResourceType: "AWS::ElastiCache::ReplicationGroup", ResourceStatus: "CREATE_IN_PROGRESS", LastUpdatedTimestamp: new Date() },
    ],
  });
  secrets.reset();
  secrets.onAnyCommand().rejects(new Error("unmocked Secrets Manager call"));
  secrets.on(GetSecretValueCommand, { SecretId: URL_ARN }).resolves({ SecretString: THE_URL });
});

describe("racknet resources", () => {
  it("--json: each resource with its engine, size, status and endpoint, in the contract, and no URL", async () => {
    const day = dayContext({ json: true });
    await list(day.context);
    const result = JSON.parse(day.stdout()) as { resources: { name: string; status: string; endpoint: unknown; storage: number | null }[] };
    expect(violations("resources", result)).toBe("");
    expect(result.resources.map((resource) => [resource.name, resource.status, resource.endpoint, resource.storage])).toEqual([
      ["db", "CREATE_COMPLETE", { host: "prod-shop-resourcedb.abc.us-east-1.rds.amazonaws.com", port: 5432 }, 20],
      ["cache", "CREATE_IN_PROGRESS", null, null],
    ]);
    expect(day.stdout()).not.toContain("postgres://");
    expect(secrets).not.toHaveReceivedCommand(GetSecretValueCommand);
  });

  it("a table on a terminal", async () => {
    const day = dayContext();
    await list(day.context);
    expect(day.stdout()).toMatch(/db\s+postgres\s+17\.9\s+db\.t4g\.micro, 20 GiB\s+CREATE_COMPLETE\s+prod-shop-resourcedb\.abc\.us-east-1\.rds\.amazonaws\.com:5432\s+web/);
    expect(day.stdout()).toMatch(/cache\s+elasticache-redis\s+7\.1\s+2 × cache\.t4g\.micro, failover\s+CREATE_IN_PROGRESS\s+-\s+web,worker/);
  });
});

describe("racknet resources info", () => {
  it("without --reveal: host and port, the URL hidden, Secrets Manager not asked", async () => {
    const day = dayContext({ json: true });
    await info(day.context, { name: "db", reveal: false });
    const result = JSON.parse(day.stdout()) as Record<string, unknown>;
    expect(violations("resources-info", result)).toBe("");
    expect(result).toMatchObject({ variable: "DB_URL", resource: { name: "db", endpoint: { port: 5432 } } });
    expect(result).not.toHaveProperty("url");
    expect(secrets).not.toHaveReceivedCommand(GetSecretValueCommand);
  });

  it("--reveal: the URL, password included, read from the URL secret (the printer's URL mask is off for it alone)", async () => {
    const day = dayContext();
    await info(day.context, { name: "db", reveal: true });
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: URL_ARN });
    expect(day.stdout()).toContain(`URL       ${THE_URL}`);
    const json = dayContext({ json: true });
    await info(json.context, { name: "db", reveal: true });
    expect(violations("resources-info", JSON.parse(json.stdout()))).toBe("");
    expect((JSON.parse(json.stdout()) as { url: string }).url).toBe(THE_URL);
  });

  it("a name that is not a resource: the closest one, nothing read", async () => {
    const error = (await info(dayContext().context, { name: "dbb", reveal: true }).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe("app shop has no resource dbb; did you mean db?");
    expect(secrets).not.toHaveReceivedCommand(GetSecretValueCommand);
  });

  it("--reveal before the URL secret exists says so", async () => {
    const error = (await info(dayContext().context, { name: "cache", reveal: true }).catch((caught: unknown) => caught)) as UserError;
    expect(error.message).toBe("resource cache has no URL yet (CREATE_IN_PROGRESS)");
  });
});
