/**
 * The key policy of the rack's own KMS key (customer managed, rotation on), made for the CA.
 * The account administers the key as AWS's default key policy lets it (so IAM decides who may
 * manage it, and the key never becomes unmanageable), but the key decrypts only through
 * Parameter Store, and only two things: the CA's private key parameter and the apps' stored
 * environment under `/racknet/<rack>/apps/` (their secrets, since issue 21). Parameter Store passes the
 * parameter's ARN as the encryption context `PARAMETER_ARN` and calls KMS on the caller's
 * behalf (`kms:ViaService` = `ssm.<region>.amazonaws.com`), so a Decrypt that is not
 * "GetParameter WithDecryption of /racknet/<rack>/ca/key" is denied whatever IAM allows.
 * Sources: docs/safety.md, "The CA key". Pure: no AWS.
 */
import { appsParameterPath, caKeyParameter } from "../names/index.js";

export interface KeyPolicyFacts {
  rack: string;
  region: string;
  account: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: from the key's own ARN. */
  partition: string;
}

/** `arn:aws:kms:us-east-1:123456789012:key/...` → partition, region and account. */
export function arnFacts(arn: string): Omit<KeyPolicyFacts, "rack"> | undefined {
  const [prefix, partition, , region, account] = arn.split(":");
  if (prefix !== "arn" || !partition || !region || !account) return undefined;
  return { partition, region, account };
}

export function caKeyParameterArn(facts: KeyPolicyFacts): string {
  return `arn:${facts.partition}:ssm:${facts.region}:${facts.account}:parameter${caKeyParameter(facts.rack)}`;
}

/** Every app's stored environment on the rack, `/racknet/<rack>/apps/<app>/...`: the app secrets the key encrypts (issue 21). */
export function appSecretParametersArn(facts: KeyPolicyFacts): string {
  return `arn:${facts.partition}:ssm:${facts.region}:${facts.account}:parameter${appsParameterPath(facts.rack)}*`;
}

export function caKeyPolicy(facts: KeyPolicyFacts): string {
  const policy = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TheAccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${facts.partition}:iam::${facts.account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "DecryptOnlyThroughParameterStore",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringNotEquals: { "kms:ViaService": `ssm.${facts.region}.amazonaws.com` } },
      },
      {
        // A Deny with StringNotLike over a list applies when the context matches none of them.
        Sid: "DecryptOnlyTheRackParameters",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringNotLike: { "kms:EncryptionContext:PARAMETER_ARN": [caKeyParameterArn(facts), appSecretParametersArn(facts)] } },
      },
    ],
  };
  return JSON.stringify(policy);
}
