import type { SSMClient } from "@aws-sdk/client-ssm";
import { sdk } from "./sdk.js";
import { createIfAbsent, type CreateResult } from "./ssm-create.js";

/**
 * Small JSON records in SSM Parameter Store: the locks and journals of racknet's operations
 * (src/safety/lock.ts, src/safety/journal.ts). PutParameter without Overwrite fails with
 * ParameterAlreadyExists when the name is taken, which makes `create` an atomic "take it if
 * nobody has it" (src/aws/ssm-create.ts). Tags can be given only when a parameter is created; an overwrite keeps them.
 */

/** Standard parameters hold 4 KB; a longer record goes to the advanced tier (8 KB). */
export const STANDARD_PARAMETER_BYTES = 4096;

export interface StoredRecord {
  value: string;
  /** Parameter Store's version: it grows by one at every write. */
  version: number;
}

function tier(value: string): "Standard" | "Advanced" {
  return Buffer.byteLength(value, "utf8") > STANDARD_PARAMETER_BYTES ? "Advanced" : "Standard";
}

/** Creates the record if absent: "mine" when it is this call's (src/aws/ssm-create.ts), "theirs" with what stands otherwise. */
export function createRecord(ssm: SSMClient, name: string, value: string, tags: Record<string, string>): Promise<CreateResult> {
  return createIfAbsent(ssm, {
    Name: name,
    Value: value,
    Type: "String",
    Tier: tier(value),
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    Description: "racknet operation record",
  });
}

/** Writes the record over what is there (or creates it, without tags). */
export async function overwriteRecord(ssm: SSMClient, name: string, value: string): Promise<void> {
  const { PutParameterCommand } = sdk.ssm();
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: "String", Tier: tier(value), Overwrite: true }));
}

export async function readRecord(ssm: SSMClient, name: string): Promise<StoredRecord | undefined> {
  const { GetParameterCommand } = sdk.ssm();
  try {
    const result = await ssm.send(new GetParameterCommand({ Name: name }));
    const value = result.Parameter?.Value;
    return value === undefined ? undefined : { value, version: result.Parameter?.Version ?? 0 };
  } catch (error) {
    if (error instanceof Error && error.name === "ParameterNotFound") return undefined;
    throw error;
  }
}

/** Every record under the path, by name. */
export async function readRecords(ssm: SSMClient, path: string): Promise<Map<string, string>> {
  const { GetParametersByPathCommand } = sdk.ssm();
  const records = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await ssm.send(new GetParametersByPathCommand({ Path: path, Recursive: true, NextToken: nextToken }));
    for (const parameter of page.Parameters ?? []) if (parameter.Name && parameter.Value !== undefined) records.set(parameter.Name, parameter.Value);
    nextToken = page.NextToken;
  } while (nextToken);
  return records;
}

/** Removes the records; absent ones are not an error. */
export async function deleteRecords(ssm: SSMClient, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const { DeleteParametersCommand } = sdk.ssm();
  await ssm.send(new DeleteParametersCommand({ Names: [...names] }));
}
