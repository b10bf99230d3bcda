import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetTemplateCommand } from "@aws-sdk/client-cloudformation";
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import { startMoto, awsEnv, awsClients, describeTestStack } from "../support/moto.js";
import { runCli, hasStackTrace } from "../support/cli.js";

/**
 * The rack template through S3 (docs/decisions.md, "The rack template through S3"), end to end:
 * the built CLI, its real rack template padded past the 51,200-byte inline limit by a
 * test-only loader hook (test/support/pad-rack-template.mjs), installs through the account's
 * staging bucket on the patched moto, and the last uninstall leaves no bucket behind.
 */
const STAGING = "racknet-staging-123456789012-us-east-1-an";
const padHook = pathToFileURL(new URL("../support/pad-rack-template.mjs", import.meta.url).pathname).href;

let moto: Awaited<ReturnType<typeof startMoto>>;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof awsClients>;
const cli = (...args: string[]) => runCli(args, { env });

beforeAll(async () => {
  // An account of its own: the staging bucket is the account's, and the last rack's uninstall removes it.
  moto = await startMoto({ own: true });
  env = awsEnv(moto.endpoint, { NODE_OPTIONS: `--import=${padHook}` });
  aws = awsClients(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
});

describe("a rack template over 51,200 bytes", () => {
  it("installs through the staging bucket: the whole plan and its cost shown, the whole template deployed, the bucket locked down and left empty", async () => {
    const result = await cli("rack", "install", "big", "--yes");
    expect(result.stderr).not.toSatisfy(hasStackTrace);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Add\s+Vpc\s+AWS::EC2::VPC/);
    expect(result.stderr).toMatch(/Monthly cost: \$[\d.]+ -> \$[\d.]+/);
    expect(result.stderr).toContain(`the template staging bucket ${STAGING} was made for it`);

    const stack = await describeTestStack(aws.cloudFormation, "big");
    expect(stack.status).toBe("CREATE_COMPLETE");
    const deployed = (await aws.cloudFormation.send(new GetTemplateCommand({ StackName: "big" }))).TemplateBody ?? "";
    expect(Buffer.byteLength(deployed)).toBeGreaterThan(51_200);
    expect(deployed).toContain('"Padding"');

    await aws.s3.send(new HeadBucketCommand({ Bucket: STAGING }));
    expect((await aws.s3.send(new ListObjectsV2Command({ Bucket: STAGING }))).KeyCount ?? 0).toBe(0);
    const block = (await aws.s3.send(new GetPublicAccessBlockCommand({ Bucket: STAGING }))).PublicAccessBlockConfiguration;
    expect(block).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const encryption = (await aws.s3.send(new GetBucketEncryptionCommand({ Bucket: STAGING }))).ServerSideEncryptionConfiguration;
    expect(encryption?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe("AES256");
    const policy = JSON.parse((await aws.s3.send(new GetBucketPolicyCommand({ Bucket: STAGING }))).Policy ?? "{}") as { Statement: { Effect: string; Condition: unknown }[] };
    expect(policy.Statement).toEqual([expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
    const lifecycle = (await aws.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: STAGING }))).Rules ?? [];
    expect(lifecycle).toEqual([expect.objectContaining({ Status: "Enabled", Expiration: expect.objectContaining({ Days: 1 }) })]);
  });

  it("params set on it reuses the deployed template and shows the plan and the cost", async () => {
    const result = await cli("rack", "params", "set", "Internal=Yes", "-r", "big", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Monthly cost: \$[\d.]+ -> \$[\d.]+/);
    expect((await describeTestStack(aws.cloudFormation, "big")).parameters.Internal).toBe("Yes");
  });

  it("uninstall of the last rack removes the staging bucket with it: no bucket is left", async () => {
    const result = await cli("rack", "uninstall", "big", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`removed the template staging bucket ${STAGING} (no rack is left in us-east-1)`);
    await expect(aws.s3.send(new HeadBucketCommand({ Bucket: STAGING }))).rejects.toThrow();
    expect((await aws.s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });
});
