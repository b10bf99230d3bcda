import { describe, expect, it } from "vitest";
import { AwsOperationFailed, ExitCode, Interrupted } from "../../src/errors/index.js";
import { anythingDone, parseJournal, progressLines, stoppedError, type JournalRecord } from "../../src/safety/journal.js";
import { STALE_AFTER_MS, lockIsLive, parseLock, type LockRecord } from "../../src/safety/lock.js";
import { canonicalAssignments } from "../../src/operations/rack-params-set.js";
import { applyAssignments, defaultParams } from "../../src/rack/params.js";
import { arnFacts, caKeyPolicy } from "../../src/ca/key-policy.js";

const record: JournalRecord = {
  v: 1,
  operation: "rack params set",
  key: "Private=Yes",
  command: "racknet rack params set Private=Yes -r prod",
  startedAt: "2026-12-01T00:00:00.000Z",
  updatedAt: "2026-12-01T00:01:00.000Z",
  state: "stopped",
  steps: [
    { id: "rack", what: "rack prod set to Private=Yes", state: "done" },
    { id: "app:shop", what: "app shop: onto the rack's new facts", state: "running" },
    { id: "app:zoo", what: "app zoo: onto the rack's new facts", state: "pending" },
  ],
};

describe("the journal", () => {
  it("says where each step stands, in order", () => {
    expect(progressLines(record)).toEqual(["done: rack prod set to Private=Yes", "still running in AWS: app shop: onto the rack's new facts", "not started: app zoo: onto the rack's new facts"]);
  });

  it("a failed step rolled back: a run whose only step failed changed nothing", () => {
    expect(anythingDone({ steps: [{ id: "rack", what: "x", state: "failed" }, { id: "a", what: "y", state: "pending" }] })).toBe(false);
    expect(anythingDone(record)).toBe(true);
  });

  it("reads back only what it wrote", () => {
    expect(parseJournal(JSON.stringify(record))).toEqual(record);
    expect(parseJournal(JSON.stringify({ ...record, v: 2 }))).toBeUndefined();
    expect(parseJournal("{")).toBeUndefined();
  });

  it("the error that stops a run keeps its kind and exit code, drops 'nothing changed', and names the command that finishes", () => {
    const cause = new Interrupted("cancelled; nothing changed", { fix: "the change set was deleted; app zoo on rack prod is as it was" });
    const error = stoppedError({ message: cause.message, exitCode: cause.exitCode, fix: cause.fix }, record, cause);
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toMatch(/^cancelled\nwhere things stand \(rack params set Private=Yes\):\n {2}done: rack prod/);
    expect(error.fix).toBe("the change set was deleted; app zoo on rack prod is as it was; then run `racknet rack params set Private=Yes -r prod` again to finish: it does only what is not done");
    const failed = stoppedError({ message: "the update failed", exitCode: ExitCode.awsFailed, fix: "fix the cause and run the command again" }, record, new AwsOperationFailed("the update failed"));
    expect(failed).toBeInstanceOf(AwsOperationFailed);
    expect(failed.fix).toBe("fix the cause; then run `racknet rack params set Private=Yes -r prod` again to finish: it does only what is not done");
  });
});

describe("the lock", () => {
  const lock = (heartbeatAt: Date, host = "runner-7", pid = 4242): LockRecord => ({
    v: 1, operation: "deploy", key: "shop", command: "racknet deploy -a shop", owner: { user: "ci", host, pid }, token: "t", startedAt: heartbeatAt.toISOString(), heartbeatAt: heartbeatAt.toISOString(),
  });
  const now = Date.parse("2026-12-01T12:00:00.000Z");

  it("is live while its holder beats, stale five minutes after the last beat", () => {
    expect(lockIsLive(lock(new Date(now - 60_000)), now, "here")).toBe(true);
    expect(lockIsLive(lock(new Date(now - STALE_AFTER_MS - 1)), now, "here")).toBe(false);
  });

  it("on this very host, a lock whose process is gone is stale at once; one whose process runs is not", () => {
    expect(lockIsLive(lock(new Date(now), "here", 77), now, "here", () => false)).toBe(false);
    expect(lockIsLive(lock(new Date(now), "here", 77), now, "here", () => true)).toBe(true);
    expect(lockIsLive(lock(new Date(now), "elsewhere", 77), now, "here", () => false)).toBe(true);
  });

  it("a lock that cannot be read counts as live: racknet never breaks what it does not understand", () => {
    expect(parseLock("garbage")).toBeUndefined();
    expect(lockIsLive(undefined, now)).toBe(true);
  });
});

describe("rack params set: what makes two runs the same", () => {
  it("the assignments in canonical spelling and order, whatever the user typed", () => {
    const args = ["internal=TRUE", "private=yes"];
    expect(canonicalAssignments(args, applyAssignments(defaultParams(), args, "update").params)).toBe("Private=Yes Internal=Yes");
  });
});

describe("the CA key's policy", () => {
  it("denies Decrypt except through Parameter Store for the CA key parameter and the apps' parameters (issue 21); the account administers the key", () => {
    const facts = arnFacts("arn:aws-cn:kms:cn-north-1:210987654321:key/abcd");
    expect(facts).toEqual({ partition: "aws-cn", region: "cn-north-1", account: "210987654321" });
    const policy = JSON.parse(caKeyPolicy({ rack: "prod", ...facts! })) as { Statement: Array<Record<string, unknown>> };
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Effect: "Allow", Principal: { AWS: "arn:aws-cn:iam::210987654321:root" }, Action: "kms:*" }),
      expect.objectContaining({ Effect: "Deny", Action: "kms:Decrypt", Condition: { StringNotEquals: { "kms:ViaService": "ssm.cn-north-1.amazonaws.com" } } }),
      expect.objectContaining({
        Effect: "Deny",
        Action: "kms:Decrypt",
        Condition: { StringNotLike: { "kms:EncryptionContext:PARAMETER_ARN": ["arn:aws-cn:ssm:cn-north-1:210987654321:parameter/racknet/prod/ca/key", "arn:aws-cn:ssm:cn-north-1:210987654321:parameter/racknet/prod/apps/*"] } },
      }),
    ]);
    expect(arnFacts("not-an-arn")).toBeUndefined();
  });
});
