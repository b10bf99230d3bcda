import type { SSMClient } from "@aws-sdk/client-ssm";
import { RACK_TAG, caCertParameter, caKeyParameter } from "../names/index.js";
import { sdk } from "./sdk.js";
import { createIfAbsent, type CreateResult } from "./ssm-create.js";

/** The rack CA's two parameters as Parameter Store holds them; either may be missing. */
export interface StoredCa {
  keyPem?: string;
  certPem?: string;
}

/** Both parameters in one call, the key decrypted. */
export async function readStoredCa(ssm: SSMClient, rack: string): Promise<StoredCa> {
  const { GetParametersCommand } = sdk.ssm();
  const result = await ssm.send(new GetParametersCommand({ Names: [caKeyParameter(rack), caCertParameter(rack)], WithDecryption: true }));
  const value = (name: string) => result.Parameters?.find((parameter) => parameter.Name === name)?.Value;
  return { keyPem: value(caKeyParameter(rack)), certPem: value(caCertParameter(rack)) };
}

/** The CA certificate alone: no decryption, so no access to the key is needed. */
export async function readStoredCaCertificate(ssm: SSMClient, rack: string): Promise<string | undefined> {
  const { GetParameterCommand } = sdk.ssm();
  try {
    const result = await ssm.send(new GetParameterCommand({ Name: caCertParameter(rack) }));
    return result.Parameter?.Value || undefined;
  } catch (error) {
    if (error instanceof Error && error.name === "ParameterNotFound") return undefined;
    throw error;
  }
}

/** Which of the CA's parameters this call created, which another writer holds, and a create that failed outright. */
export interface CaStored {
  mine: string[];
  theirs: string[];
  /** A create that neither landed nor was refused as taken (its parameter's owner is unknown). */
  failure?: unknown;
}

/**
 * The key as a SecureString (encrypted with `keyId`, the rack's own KMS key; without it,
 * Parameter Store's default aws/ssm), the certificate as a String, both tagged for the rack,
 * each created only if absent (src/aws/ssm-create.ts: a create the SDK sent twice is still this
 * call's; a different value, another racknet's CA, is never overwritten). Both settle before it
 * returns, so a caller that cleans up knows what it made.
 */
export async function storeCa(ssm: SSMClient, rack: string, ca: { keyPem: string; certPem: string }, keyId?: string): Promise<CaStored> {
  const tags = [{ Key: RACK_TAG, Value: rack }];
  const names = [caKeyParameter(rack), caCertParameter(rack)];
  const settled = await Promise.allSettled([
    createIfAbsent(ssm, { Name: caKeyParameter(rack), Value: ca.keyPem, Type: "SecureString", ...(keyId ? { KeyId: keyId } : {}), Tags: tags, Description: `racknet ${rack} CA private key` }),
    createIfAbsent(ssm, { Name: caCertParameter(rack), Value: ca.certPem, Type: "String", Tags: tags, Description: `racknet ${rack} CA certificate` }),
  ]);
  const owner = (result: PromiseSettledResult<CreateResult>) => (result.status === "fulfilled" ? result.value.owner : undefined);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
  return {
    mine: names.filter((_, index) => owner(settled[index]!) === "mine"),
    theirs: names.filter((_, index) => owner(settled[index]!) === "theirs"),
    ...(failed ? { failure: failed.reason } : {}),
  };
}

/**
 * The CA's parameters that exist, and the KMS key of the private key's (Parameter Store's
 * default is aws/ssm): DescribeParameters, which reads no value, so nothing is decrypted.
 */
export async function describeStoredCa(ssm: SSMClient, rack: string): Promise<{ names: string[]; keyId?: string }> {
  const { DescribeParametersCommand } = sdk.ssm();
  const result = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Option: "Equals", Values: [caKeyParameter(rack), caCertParameter(rack)] }] }));
  const parameters = result.Parameters ?? [];
  const key = parameters.find((parameter) => parameter.Name === caKeyParameter(rack));
  return { names: parameters.flatMap((parameter) => parameter.Name ?? []), ...(key ? { keyId: key.KeyId ?? "alias/aws/ssm" } : {}) };
}

/** Removes both parameters, or only `names` of them; absent ones are not an error. */
export async function deleteStoredCa(ssm: SSMClient, rack: string, names: readonly string[] = [caKeyParameter(rack), caCertParameter(rack)]): Promise<void> {
  if (names.length === 0) return;
  const { DeleteParametersCommand } = sdk.ssm();
  await ssm.send(new DeleteParametersCommand({ Names: [...names] }));
}
