import { mockClient } from "aws-sdk-client-mock";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterEach, describe, expect, it } from "vitest";
import { createIfAbsent } from "../../src/aws/ssm-create.js";
import { describeAwsError } from "../../src/aws/errors.js";

const ssm = mockClient(SSMClient);
const client = new SSMClient({ region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
const NAME = "/racknet/prod/ca/key";
const MINE = "-----BEGIN PRIVATE KEY-----\nMINE-SECRET\n-----END PRIVATE KEY-----\n";
const THEIRS = "-----BEGIN PRIVATE KEY-----\nTHEIRS-SECRET\n-----END PRIVATE KEY-----\n";

function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: status } });
}

afterEach(() => ssm.reset());

describe("createIfAbsent: a create that, when the name is taken, reads the parameter back", () => {
  it("creates without Overwrite: mine", async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
    expect(await createIfAbsent(client, { Name: NAME, Value: MINE, Type: "SecureString" })).toEqual({ owner: "mine" });
    expect(ssm.commandCalls(PutParameterCommand)[0]?.args[0].input).toMatchObject({ Name: NAME, Overwrite: false });
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it("taken, holding exactly what this call wrote (its own create sent twice): mine, read decrypted", async () => {
    ssm.on(PutParameterCommand).rejects(awsError("ParameterAlreadyExists", "The parameter already exists.", 400));
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: NAME, Value: MINE, Version: 1 } });
    expect(await createIfAbsent(client, { Name: NAME, Value: MINE, Type: "SecureString" })).toEqual({ owner: "mine" });
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({ Name: NAME, WithDecryption: true });
  });

  it("taken, holding anything else: theirs, with what stands", async () => {
    ssm.on(PutParameterCommand).rejects(awsError("ParameterAlreadyExists", "The parameter already exists.", 400));
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: NAME, Value: THEIRS, Version: 3 } });
    expect(await createIfAbsent(client, { Name: NAME, Value: MINE, Type: "SecureString" })).toEqual({ owner: "theirs", held: { value: THEIRS, version: 3 } });
    // A value that only starts like this call's is not this call's.
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: NAME, Value: `${MINE}\n`, Version: 3 } });
    expect(await createIfAbsent(client, { Name: NAME, Value: MINE, Type: "SecureString" })).toMatchObject({ owner: "theirs" });
  });

  it("taken, then gone before the read-back: theirs, nothing held", async () => {
    ssm.on(PutParameterCommand).rejects(awsError("ParameterAlreadyExists", "The parameter already exists.", 400));
    ssm.on(GetParameterCommand).rejects(awsError("ParameterNotFound", "", 400));
    expect(await createIfAbsent(client, { Name: NAME, Value: MINE, Type: "SecureString" })).toEqual({ owner: "theirs", held: undefined });
  });

  it("taken, and the read-back fails: the read's error, saying what it was for; never mine, never a value shown", async () => {
    ssm.on(PutParameterCommand).rejects(awsError("ParameterAlreadyExists", "The parameter already exists.", 400));
    ssm.on(GetParameterCommand).rejects(awsError("AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: kms:Decrypt", 400));
    const failure = await createIfAbsent(client, { Name: NAME, Value: MINE, Type: "SecureString" }).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    expect(failure).not.toHaveProperty("result");
    const error = (failure as { error: Error }).error;
    expect(error.name).toBe("AccessDeniedException");
    expect(error.message).toBe(`${NAME} already existed when racknet created it, and reading it back to tell whether this run's own create had landed failed: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: kms:Decrypt`);
    // Described as AWS's refusal (exit code and fix), not as a bug.
    expect(describeAwsError(error)?.message).toContain("AWS refused the request: /racknet/prod/ca/key already existed");
    expect(error.message).not.toContain("SECRET");
  });

  it("any other refusal of the create is the create's own error, nothing read", async () => {
    ssm.on(PutParameterCommand).rejects(awsError("ParameterLimitExceeded", "too many parameters", 400));
    await expect(createIfAbsent(client, { Name: NAME, Value: MINE, Type: "SecureString" })).rejects.toThrow("too many parameters");
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });
});
