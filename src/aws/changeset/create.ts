import type { CloudFormationClient, CreateChangeSetCommandInput } from "@aws-sdk/client-cloudformation";
import type { Context } from "../../core/context.js";
import { UserError } from "../../core/errors.js";
import type { StackRequest } from "./types.js";
import { CHANGE_SET_PREFIX, type ChangeSetType } from "./preflight.js";

/** CloudFormation's limit for TemplateBody; larger templates go through S3 (TemplateURL). */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

export interface ChangeSetRef {
  /** The change set's ARN: every later call names it by ARN, never by name alone. */
  id: string;
  name: string;
  stackId: string;
  stackName: string;
  type: ChangeSetType;
}

export type Created = { kind: "created"; changeSet: ChangeSetRef } | { kind: "no-changes" };

export function changeSetName(now: Date): string {
  return `${CHANGE_SET_PREFIX}${now.toISOString().replace(/[-:.]/g, "")}`;
}

export async function createChangeSet(context: Context, cfn: CloudFormationClient, request: StackRequest, type: ChangeSetType, what: string): Promise<Created> {
  const { CreateChangeSetCommand } = await import("@aws-sdk/client-cloudformation");
  const name = changeSetName(new Date());
  const input: CreateChangeSetCommandInput = {
    StackName: request.stackName,
    ChangeSetName: name,
    ChangeSetType: type,
    Description: `racknet: ${what}`.slice(0, 1024),
    ...(await templateSource(context, request, name)),
    Parameters: Object.entries(request.parameters).map(([key, value]) => ({ ParameterKey: key, ParameterValue: value })),
    Tags: Object.entries(request.tags).map(([key, value]) => ({ Key: key, Value: value })),
    Capabilities: request.capabilities,
  };
  try {
    const created = await cfn.send(new CreateChangeSetCommand(input));
    return {
      kind: "created",
      changeSet: { id: created.Id ?? name, name, stackId: created.StackId ?? request.stackName, stackName: request.stackName, type },
    };
  } catch (error) {
    // moto (and old CloudFormation) refuse an empty update outright instead of a FAILED change set.
    if (error instanceof Error && isNoUpdatesMessage(error.message)) return { kind: "no-changes" };
    throw error;
  }
}

/** Both ways CloudFormation says a change set changes nothing. */
export function isNoUpdatesMessage(text: string): boolean {
  return /didn't contain changes|No updates are to be performed/i.test(text);
}

async function templateSource(context: Context, request: StackRequest, name: string): Promise<Pick<CreateChangeSetCommandInput, "TemplateBody" | "TemplateURL" | "UsePreviousTemplate">> {
  if ("usePrevious" in request.template) return { UsePreviousTemplate: true };
  const body = request.template.body;
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes <= MAX_TEMPLATE_BODY_BYTES) return { TemplateBody: body };
  if (!request.templateBucket) {
    throw new UserError(`the template of stack ${request.stackName} is ${bytes} bytes, over CloudFormation's ${MAX_TEMPLATE_BODY_BYTES}-byte limit, and there is no bucket to upload it to; nothing was changed`);
  }
  return { TemplateURL: await uploadTemplate(context, request.templateBucket, `racknet/templates/${request.stackName}/${name}.json`, body) };
}

async function uploadTemplate(context: Context, bucket: string, key: string, body: string): Promise<string> {
  const { PutObjectCommand } = await import("@aws-sdk/client-s3");
  const s3 = await context.aws.s3();
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }));
  const region = await context.aws.region();
  return `https://${bucket}.s3.${region}.amazonaws.com/${key.split("/").map(encodeURIComponent).join("/")}`;
}
