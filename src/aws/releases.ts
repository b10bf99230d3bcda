/**
 * Where an app's releases are kept: one SecureString per release under
 * `/racknet/<rack>/releases/<app>/` (src/names), tagged with the rack and app. A number is
 * claimed by creating its parameter (PutParameter without Overwrite fails when it exists),
 * so two racknets never record the same one.
 */
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { STSClient } from "@aws-sdk/client-sts";
import { APP_TAG, RACK_TAG, releaseParameter, releasesPath } from "../names/index.js";
import { sdk } from "./sdk.js";
import { createIfAbsent } from "./ssm-create.js";

export interface AppRef {
  rack: string;
  app: string;
}

/** The stored value of every release kept (src/app-records/releases.ts reads them). */
export async function readReleaseValues(ssm: SSMClient, ref: AppRef): Promise<string[]> {
  const { paginateGetParametersByPath } = sdk.ssm();
  const path = releasesPath(ref.rack, ref.app);
  const values: string[] = [];
  for await (const page of paginateGetParametersByPath({ client: ssm }, { Path: path.replace(/\/$/, ""), Recursive: true, WithDecryption: true })) {
    for (const parameter of page.Parameters ?? []) if (parameter.Name?.startsWith(path) && parameter.Value !== undefined) values.push(parameter.Value);
  }
  return values;
}

/**
 * Claim release `number` with its value: false when another racknet took it first. A create the
 * SDK sent twice, whose first had landed, is this run's own (src/aws/ssm-create.ts): the value
 * holds the run's creation time to the millisecond and its caller, so another's never reads the same.
 */
export async function createRelease(ssm: SSMClient, ref: AppRef, number: number, value: string): Promise<boolean> {
  const created = await createIfAbsent(ssm, {
    Name: releaseParameter(ref.rack, ref.app, number),
    Value: value,
    Type: "SecureString",
    // A standard parameter holds 4 KB; a bigger release becomes an advanced one (8 KB).
    Tier: "Intelligent-Tiering",
    Tags: [
      { Key: RACK_TAG, Value: ref.rack },
      { Key: APP_TAG, Value: ref.app },
    ],
  });
  return created.owner === "mine";
}

/** Write a release again (its outcome changed). */
export async function updateRelease(ssm: SSMClient, ref: AppRef, number: number, value: string): Promise<void> {
  const { PutParameterCommand } = sdk.ssm();
  await ssm.send(new PutParameterCommand({ Name: releaseParameter(ref.rack, ref.app, number), Value: value, Type: "SecureString", Tier: "Intelligent-Tiering", Overwrite: true }));
}

/** Forget these releases (ten names per DeleteParameters call). */
export async function deleteReleases(ssm: SSMClient, ref: AppRef, numbers: readonly number[]): Promise<void> {
  const { DeleteParametersCommand } = sdk.ssm();
  const names = numbers.map((number) => releaseParameter(ref.rack, ref.app, number));
  for (let start = 0; start < names.length; start += 10) await ssm.send(new DeleteParametersCommand({ Names: names.slice(start, start + 10) }));
}

/** Who is calling: the ARN STS answers, or "unknown" when it cannot be asked. */
export async function callerIdentity(sts: STSClient): Promise<string> {
  const { GetCallerIdentityCommand } = sdk.sts();
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? "unknown";
  } catch {
    return "unknown";
  }
}
