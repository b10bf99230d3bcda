/**
 * The KMS key app secrets are stored with (issue 21, least privilege): the rack's own key, the
 * one its CA key is encrypted with, not the account's aws/ssm key that every principal of the
 * account may decrypt through Parameter Store. The key's policy lets it decrypt, through
 * Parameter Store only, the CA key and the apps' parameters under `/racknet/<rack>/apps/`
 * (src/ca/key-policy.ts); a key made by a racknet before this has a policy that decrypts the
 * CA key only, and gets the current one before the first secret is written with it, or
 * every task that reads the secret would fail to start.
 *
 * A rack without its own key (installed before racks had one) keeps aws/ssm, and says so.
 */
import { arnFacts, caKeyPolicy } from "../ca/key-policy.js";
import { findCaKey, keyPolicy, putKeyPolicy } from "../aws/kms.js";
import type { Context } from "../runtime/context.js";

export async function appSecretsKey(context: Context, rack: string): Promise<string | undefined> {
  const kms = await context.aws.kms();
  const key = await findCaKey(kms, rack);
  const facts = key ? arnFacts(key.arn) : undefined;
  if (!key || key.state !== "Enabled" || !facts) {
    context.printer.info(`rack ${rack} has no KMS key of its own (installed by an older racknet): the values are encrypted with Parameter Store's default key (aws/ssm)`);
    return undefined;
  }
  const wanted = caKeyPolicy({ rack, ...facts });
  const current = await keyPolicy(kms, key.keyId);
  if (!current || !samePolicy(current, wanted)) {
    await putKeyPolicy(kms, key.keyId, wanted);
    context.printer.step(`the rack's KMS key ${key.keyId} may now decrypt the apps' stored environment (through Parameter Store only)`);
  }
  return key.arn;
}

function samePolicy(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}
