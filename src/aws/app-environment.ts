import type { SSMClient } from "@aws-sdk/client-ssm";
import { APP_TAG, RACK_TAG, appEnvironmentPath } from "../names/index.js";
import { sdk } from "./sdk.js";

/** A stored parameter: its value (decrypted) and its version, which changes with every write. */
export interface StoredParameter {
  value: string;
  version: number;
}

/** Every parameter under `path` (and below), by full name, decrypted. */
export async function readParametersUnder(ssm: SSMClient, path: string): Promise<Map<string, StoredParameter>> {
  const { paginateGetParametersByPath } = sdk.ssm();
  const found = new Map<string, StoredParameter>();
  for await (const page of paginateGetParametersByPath({ client: ssm }, { Path: path, Recursive: true, WithDecryption: true })) {
    for (const parameter of page.Parameters ?? []) {
      if (parameter.Name) found.set(parameter.Name, { value: parameter.Value ?? "", version: parameter.Version ?? 0 });
    }
  }
  return found;
}

/** The names under `path` (and below), values left encrypted: what is set, without reading what it is. */
export async function parameterNamesUnder(ssm: SSMClient, path: string): Promise<string[]> {
  const { paginateGetParametersByPath } = sdk.ssm();
  const names: string[] = [];
  for await (const page of paginateGetParametersByPath({ client: ssm }, { Path: path, Recursive: true, WithDecryption: false })) {
    for (const parameter of page.Parameters ?? []) if (parameter.Name) names.push(parameter.Name);
  }
  return names;
}

/** Everything the app keeps in Parameter Store: its environment and its manifest defaults. */
export function readAppParameters(ssm: SSMClient, rack: string, app: string): Promise<Map<string, StoredParameter>> {
  return readParametersUnder(ssm, appEnvironmentPath(rack, app).replace(/\/$/, ""));
}

/**
 * Write a value as a SecureString (encrypted with the account's aws/ssm key), tagged when it
 * is created (PutParameter refuses Tags with Overwrite); returns its new version.
 */
export async function writeSecret(ssm: SSMClient, name: string, value: string, owner: { rack: string; app: string }, exists: boolean): Promise<number> {
  const { PutParameterCommand } = sdk.ssm();
  try {
    const result = await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: "SecureString", Overwrite: exists, ...(exists ? {} : { Tags: ownerTags(owner) }) }));
    return result.Version ?? 0;
  } catch (error) {
    throw withoutValue(error, name);
  }
}

/** The refusals whose message names the caller, the parameter or a quota, never the request's fields. */
const MESSAGES_WITHOUT_INPUT = new Set(["AccessDenied", "AccessDeniedException", "ParameterLimitExceeded", "TooManyUpdates", "ThrottlingException", "ExpiredTokenException", "UnrecognizedClientException"]);

/**
 * A refusal of PutParameter without AWS's own words when they may quote the request: a
 * validation message ("Value '…' at 'value' failed to satisfy constraint") would carry the
 * value to the terminal. The error keeps its name and metadata, so it is described as AWS
 * errors are (src/aws/errors.ts), and names the parameter instead.
 */
export function withoutValue(error: unknown, parameter: string): unknown {
  // Only AWS's answers quote the request; a network error or a timeout does not.
  const answered = error instanceof Error && (error as { $metadata?: unknown }).$metadata !== undefined;
  if (!answered || MESSAGES_WITHOUT_INPUT.has(error.name)) return error;
  const shown = new Error(`SSM did not store ${parameter} (${error.name}; AWS's message is not shown, it may quote the value)`);
  shown.name = error.name;
  Object.assign(shown, { $metadata: (error as { $metadata?: unknown }).$metadata, $fault: (error as { $fault?: unknown }).$fault });
  return shown;
}

/** Delete parameters, ten per call (DeleteParameters' limit); absent ones are not an error. */
export async function deleteParameters(ssm: SSMClient, names: readonly string[]): Promise<void> {
  const { DeleteParametersCommand } = sdk.ssm();
  for (let start = 0; start < names.length; start += 10) {
    await ssm.send(new DeleteParametersCommand({ Names: names.slice(start, start + 10) }));
  }
}

function ownerTags(owner: { rack: string; app: string }) {
  return [
    { Key: RACK_TAG, Value: owner.rack },
    { Key: APP_TAG, Value: owner.app },
  ];
}
