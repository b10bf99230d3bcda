import "aws-sdk-client-mock-vitest/extend";
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CreateChangeSetCommand } from "@aws-sdk/client-cloudformation";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { MAX_TEMPLATE_BODY_BYTES, createChangeSet } from "../../src/aws/changeset/create.js";
import { withRun } from "../../src/aws/changeset/run.js";
import type { StackRequest, TemplateBucket } from "../../src/aws/changeset/types.js";
import { UserError } from "../../src/errors/index.js";
import { CHANGE_SET_ID, STACK, STACK_ID, harness, type Harness } from "./changeset-harness.js";

/** Templates over CloudFormation's inline limit travel through the rack's bucket, which they leave empty. */

const BUCKET = "prod-templatebucket-1a2b3c";
const big = JSON.stringify({ Description: "x".repeat(MAX_TEMPLATE_BODY_BYTES) });
const key = `racknet/templates/${STACK}/${createHash("sha256").update(big).digest("hex")}.json`;
const request = (body: string, templateBucket: TemplateBucket | undefined): StackRequest => ({
  stackName: STACK,
  template: { body },
  parameters: {},
  tags: {},
  templateBucket,
});

let h: Harness;
let order: string[];
beforeEach(() => {
  h = harness();
  order = [];
  h.s3.on(PutObjectCommand).callsFake(() => void order.push("put"));
  h.s3.on(DeleteObjectCommand).callsFake(() => void order.push("delete"));
});
afterEach(() => {
  h.cfn.restore();
  h.s3.restore();
});

const create = async (body: string, templateBucket?: TemplateBucket) =>
  withRun(h.context.aws, h.options({ what: "app big on rack prod" }), (run) => createChangeSet(run, request(body, templateBucket), "CREATE"));

describe("the template of a change set", () => {
  it("up to 51,200 bytes goes inline as TemplateBody; S3 is not touched", async () => {
    h.cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
    await create(JSON.stringify({ Description: "x".repeat(MAX_TEMPLATE_BODY_BYTES - 20) }), BUCKET);
    expect(h.cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.TemplateBody).toBeDefined();
    expect(order).toEqual([]);
  });

  it("over 51,200 bytes is uploaded under the app's name and content hash, passed as its S3 URL, then deleted once the change set exists", async () => {
    h.cfn.on(CreateChangeSetCommand).callsFake(() => {
      order.push("create");
      return { Id: CHANGE_SET_ID, StackId: STACK_ID };
    });
    const created = await create(big, BUCKET);
    expect(created.kind).toBe("created");
    expect(h.s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: key, Body: big });
    const input = h.cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input;
    expect(input?.TemplateBody).toBeUndefined();
    expect(input?.TemplateURL).toBe(`https://${BUCKET}.s3.us-east-1.amazonaws.com/${key}`);
    expect(h.s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: key });
    expect(order).toEqual(["put", "create", "delete"]);
  });

  it("is deleted when CreateChangeSet fails, and the failure is what the user sees", async () => {
    h.cfn.on(CreateChangeSetCommand).rejects(Object.assign(new Error("Template format error: bad"), { name: "ValidationError" }));
    await expect(create(big, BUCKET)).rejects.toThrow(/Template format error/);
    expect(order).toEqual(["put", "delete"]);
  });

  it("is deleted when the update changes nothing", async () => {
    h.cfn.on(CreateChangeSetCommand).rejects(Object.assign(new Error("No updates are to be performed."), { name: "ValidationError" }));
    expect((await create(big, BUCKET)).kind).toBe("no-changes");
    expect(order).toEqual(["put", "delete"]);
  });

  it("a failed delete is a warning with the command that removes the object, not a failed deploy", async () => {
    h.cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
    h.s3.on(DeleteObjectCommand).rejects(new Error("Access Denied"));
    expect((await create(big, BUCKET)).kind).toBe("created");
    expect(h.stderr()).toContain(`aws s3 rm s3://${BUCKET}/${key}`);
  });

  it("through a bucket outside any stack (the staging bucket): every call names the account that must own it", async () => {
    h.cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
    let remade = 0;
    await create(big, { name: "racknet-staging-123456789012-us-east-1-an", expectedOwner: "123456789012", remake: async () => void (remade += 1) });
    expect(h.s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: "racknet-staging-123456789012-us-east-1-an", Key: key, ExpectedBucketOwner: "123456789012" });
    expect(h.s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: "racknet-staging-123456789012-us-east-1-an", Key: key, ExpectedBucketOwner: "123456789012" });
    expect(h.cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.TemplateURL).toBe(`https://racknet-staging-123456789012-us-east-1-an.s3.us-east-1.amazonaws.com/${key}`);
    expect(remade).toBe(0);
  });

  it("a staging bucket gone since it was made (the last rack's uninstall, meanwhile) is made again and the upload tried once more", async () => {
    h.cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
    h.s3.on(PutObjectCommand).rejectsOnce(Object.assign(new Error("The specified bucket does not exist"), { name: "NoSuchBucket" })).resolves({});
    let remade = 0;
    expect((await create(big, { name: "staging", expectedOwner: "123456789012", remake: async () => void (remade += 1) })).kind).toBe("created");
    expect(remade).toBe(1);
    expect(h.s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it("the rack's own bucket gone is the error, not a retry", async () => {
    h.s3.on(PutObjectCommand).rejects(Object.assign(new Error("The specified bucket does not exist"), { name: "NoSuchBucket" }));
    await expect(create(big, BUCKET)).rejects.toThrow(/does not exist/);
    expect(h.s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(h.cfn.commandCalls(CreateChangeSetCommand)).toEqual([]);
  });

  it("over 51,200 bytes without a bucket is refused before any call", async () => {
    await expect(create(big, undefined)).rejects.toThrow(UserError);
    expect(h.cfn.commandCalls(CreateChangeSetCommand)).toEqual([]);
    expect(order).toEqual([]);
  });
});
