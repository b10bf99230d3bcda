import type { PutParameterCommandInput, SSMClient } from "@aws-sdk/client-ssm";
import { sdk } from "./sdk.js";

/**
 * A parameter created only if absent: PutParameter without Overwrite, which fails with
 * ParameterAlreadyExists when the name is taken
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
 * The SDK sends a create again when its answer is lost (a timeout, a 5xx, throttling:
 * src/aws/retry.ts), and one that had landed then meets ParameterAlreadyExists on what this
 * very call wrote. So the parameter is read back: exactly the value this call wrote is "mine",
 * anything else is "theirs". A caller that must tell two of its own writes apart puts something
 * drawn for the run in the value (the lock's token, a release's creation time).
 */
export type CreateResult =
  | { owner: "mine" }
  /** `held`: the value that stands, undefined when it was gone by the time it was read back. */
  | { owner: "theirs"; held: { value: string; version: number } | undefined };

export async function createIfAbsent(ssm: SSMClient, input: Omit<PutParameterCommandInput, "Overwrite">): Promise<CreateResult> {
  const { GetParameterCommand, PutParameterCommand } = sdk.ssm();
  const name = input.Name ?? "";
  try {
    await ssm.send(new PutParameterCommand({ ...input, Overwrite: false }));
    return { owner: "mine" };
  } catch (error) {
    if (!(error instanceof Error && error.name === "ParameterAlreadyExists")) throw error;
  }
  let held: { value: string; version: number } | undefined;
  try {
    const result = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    held = result.Parameter?.Value === undefined ? undefined : { value: result.Parameter.Value, version: result.Parameter.Version ?? 0 };
  } catch (error) {
    // Deleted since: whoever held it, nothing of this call's stands.
    if (error instanceof Error && error.name === "ParameterNotFound") return { owner: "theirs", held: undefined };
    throw unreadable(error, name);
  }
  // Compared in memory only: a SecureString's value (the CA's key) is never shown.
  return held?.value === input.Value ? { owner: "mine" } : { owner: "theirs", held };
}

/**
 * The read-back's own error, saying what it was for. Not knowing whose the parameter is, the
 * caller must not go on as if it were its own (a CA or a lock it does not hold) nor as if it
 * were another's (a release number skipped, its own record left behind): it stops. The error
 * keeps its name and metadata, so it is described as AWS errors are (src/aws/errors.ts).
 */
function unreadable(error: unknown, name: string): unknown {
  if (!(error instanceof Error)) return error;
  const shown = new Error(`${name} already existed when racknet created it, and reading it back to tell whether this run's own create had landed failed: ${error.message}`, { cause: error });
  shown.name = error.name;
  const { $metadata, $fault, code } = error as { $metadata?: unknown; $fault?: unknown; code?: unknown };
  Object.assign(shown, { $metadata, $fault, code });
  return shown;
}
