import type { KMSClient } from "@aws-sdk/client-kms";
import { RACK_TAG, caKeyAlias } from "../names/index.js";
import { sdk } from "./sdk.js";

/**
 * The rack CA's own KMS key, made by API before the rack stack (the CA, and so its key,
 * exists before the stack: its certificate's ARN is a stack parameter). Found again by its
 * alias, so a retry adopts it and `rack uninstall` removes it even when no stack was made.
 */
export interface CaKey {
  keyId: string;
  arn: string;
  /** `Enabled`, `PendingDeletion`, ... as KMS says. */
  state: string;
}

/** Waiting period before KMS deletes a key: the shortest AWS allows (7 to 30 days). */
export const KEY_DELETION_WINDOW_DAYS = 7;

export async function findCaKey(kms: KMSClient, rack: string): Promise<CaKey | undefined> {
  const { DescribeKeyCommand } = sdk.kms();
  try {
    const { KeyMetadata: key } = await kms.send(new DescribeKeyCommand({ KeyId: caKeyAlias(rack) }));
    if (!key?.KeyId || !key.Arn) return undefined;
    return { keyId: key.KeyId, arn: key.Arn, state: key.KeyState ?? "Enabled" };
  } catch (error) {
    if (error instanceof Error && error.name === "NotFoundException") return undefined;
    throw error;
  }
}

/**
 * A new symmetric key, tagged for the rack, found by its alias, rotated every year, and
 * with a policy that decrypts only the CA's key parameter through Parameter Store
 * (src/ca/key-policy.ts, handed in as `policyFor`: the key's ARN says the account and
 * partition it is written for). It is returned once it exists; `ready` settles when its
 * alias, rotation and policy are set, so the caller can encrypt with it meanwhile (the key's
 * default policy lets the account's IAM policies decide until then).
 */
export async function createCaKey(kms: KMSClient, rack: string, policyFor: string | ((keyArn: string) => string | undefined)): Promise<CaKey & { ready: Promise<void> }> {
  const { CreateKeyCommand, CreateAliasCommand, EnableKeyRotationCommand, PutKeyPolicyCommand } = sdk.kms();
  // A policy known before the key (the caller knows the account) goes with CreateKey: one call fewer.
  const atCreate = typeof policyFor === "string" ? policyFor : undefined;
  const created = await kms.send(
    new CreateKeyCommand({
      Description: `racknet ${rack}: encrypts the rack CA's private key in Parameter Store`,
      KeyUsage: "ENCRYPT_DECRYPT",
      KeySpec: "SYMMETRIC_DEFAULT",
      Tags: [{ TagKey: RACK_TAG, TagValue: rack }],
      ...(atCreate ? { Policy: atCreate } : {}),
    }),
  );
  const keyId = created.KeyMetadata?.KeyId ?? "";
  const arn = created.KeyMetadata?.Arn ?? "";
  const policy = typeof policyFor === "string" ? undefined : policyFor(arn);
  // Independent of each other once the key exists: side by side.
  const ready = Promise.all([
    kms.send(new CreateAliasCommand({ AliasName: caKeyAlias(rack), TargetKeyId: keyId })),
    kms.send(new EnableKeyRotationCommand({ KeyId: keyId })),
    ...(policy ? [kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: "default", Policy: policy }))] : []),
  ]).then(() => undefined);
  // Observed by the caller's await; this keeps a failure from being reported unhandled before then.
  ready.catch(() => undefined);
  return { keyId, arn, state: "Enabled", ready };
}

/** The alias goes at once, the key after the waiting period; "absent" when there is none. */
export async function scheduleCaKeyDeletion(kms: KMSClient, rack: string): Promise<"scheduled" | "absent"> {
  const { DeleteAliasCommand, ScheduleKeyDeletionCommand } = sdk.kms();
  const key = await findCaKey(kms, rack);
  if (!key) return "absent";
  await kms.send(new DeleteAliasCommand({ AliasName: caKeyAlias(rack) }));
  if (key.state !== "PendingDeletion") await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.keyId, PendingWindowInDays: KEY_DELETION_WINDOW_DAYS }));
  return "scheduled";
}

/** The key's policy as KMS holds it (GetKeyPolicy, policy name `default`). */
export async function keyPolicy(kms: KMSClient, keyId: string): Promise<string | undefined> {
  const { GetKeyPolicyCommand } = sdk.kms();
  return (await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: "default" }))).Policy;
}

export async function putKeyPolicy(kms: KMSClient, keyId: string, policy: string): Promise<void> {
  const { PutKeyPolicyCommand } = sdk.kms();
  await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: "default", Policy: policy }));
}
