import { createHash } from "node:crypto";
import type { CreateChangeSetCommandInput } from "@aws-sdk/client-cloudformation";
import { UserError } from "../../errors/index.js";
import type { Run } from "./run.js";
import type { EngineAws, StackRequest, StagedTemplate, TemplateBucket } from "./types.js";
import { CHANGE_SET_PREFIX, type ChangeSetType } from "./preflight.js";
import { TEMPLATE_PREFIX } from "../../names/index.js";
import { sdk } from "../sdk.js";

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

export async function createChangeSet(run: Run, request: StackRequest, type: ChangeSetType): Promise<Created> {
  const { CreateChangeSetCommand } = sdk.cloudFormation();
  const what = run.options.what;
  const name = changeSetName(new Date());
  const source = await templateSource(run, request);
  const input: CreateChangeSetCommandInput = {
    StackName: request.stackName,
    ChangeSetName: name,
    ChangeSetType: type,
    Description: `racknet: ${what}`.slice(0, 1024),
    ...source.input,
    Parameters: Object.entries(request.parameters).map(([key, value]) => ({ ParameterKey: key, ParameterValue: value })),
    Tags: Object.entries(request.tags).map(([key, value]) => ({ Key: key, Value: value })),
    Capabilities: request.capabilities,
  };
  try {
    const created = await run.cfn.send(new CreateChangeSetCommand(input));
    return {
      kind: "created",
      changeSet: { id: created.Id ?? name, name, stackId: created.StackId ?? request.stackName, stackName: request.stackName, type },
    };
  } catch (error) {
    // moto (and old CloudFormation) refuse an empty update outright instead of a FAILED change set.
    if (error instanceof Error && isNoUpdatesMessage(error.message)) return { kind: "no-changes" };
    throw error;
  } finally {
    // Off the critical path: the upload is deleted while the change set is computed (the run
    // waits for it before it ends).
    run.alongside(source.cleanup());
  }
}

/** Both ways CloudFormation says a change set changes nothing. */
export function isNoUpdatesMessage(text: string): boolean {
  return /didn't contain changes|No updates are to be performed/i.test(text);
}

interface TemplateSource {
  input: Pick<CreateChangeSetCommandInput, "TemplateBody" | "TemplateURL" | "UsePreviousTemplate">;
  /** Removes what was uploaded: CloudFormation keeps its own copy once CreateChangeSet returns. */
  cleanup: () => Promise<void>;
}

const nothingToClean = async (): Promise<void> => undefined;

async function templateSource(run: Run, request: StackRequest): Promise<TemplateSource> {
  if ("usePrevious" in request.template) return { input: { UsePreviousTemplate: true }, cleanup: nothingToClean };
  if (request.template.staged) return stagedSource(run, await request.template.staged);
  const body = request.template.body;
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes <= MAX_TEMPLATE_BODY_BYTES) return { input: { TemplateBody: body }, cleanup: nothingToClean };
  if (!request.templateBucket) {
    throw new UserError(`the template of stack ${request.stackName} is ${bytes} bytes, over CloudFormation's ${MAX_TEMPLATE_BODY_BYTES}-byte limit, and there is no bucket to upload it to; nothing was changed`);
  }
  return stagedSource(run, await stageTemplate(run.aws, request.templateBucket, request.stackName, body));
}

/** `racknet/templates/<stack>/<sha256 of the body>.json`: named after the app, never reused for other content. */
export function templateKey(stackName: string, body: string): string {
  return `${TEMPLATE_PREFIX}${stackName}/${createHash("sha256").update(body).digest("hex")}.json`;
}

function stagedSource(run: Run, staged: StagedTemplate): TemplateSource {
  return {
    input: { TemplateURL: staged.url },
    cleanup: async () => {
      const warning = await staged.remove();
      if (warning) run.emit({ type: "warning", message: warning });
    },
  };
}

/**
 * Uploads a template over the inline limit now, so that the upload is off the critical path;
 * the request then names it (`template: { body, staged }`). The object is deleted as soon as
 * CreateChangeSet has answered (CloudFormation keeps its own copy), so the bucket stays empty
 * and can be deleted with the last rack.
 */
export async function stageTemplate(aws: Pick<EngineAws, "s3">, target: TemplateBucket, stackName: string, body: string): Promise<StagedTemplate> {
  const { PutObjectCommand, DeleteObjectCommand } = sdk.s3();
  const s3 = await aws.s3();
  const region = await s3.config.region();
  const key = templateKey(stackName, body);
  const bucket = typeof target === "string" ? target : target.name;
  const owner = typeof target === "string" ? {} : { ExpectedBucketOwner: target.expectedOwner };
  const put = () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json", ...owner }));
  try {
    await put();
  } catch (error) {
    if (typeof target === "string" || !(error instanceof Error && error.name === "NoSuchBucket")) throw error;
    await target.remake();
    await put();
  }
  return {
    // The S3 URL CloudFormation reads (virtual-hosted, the form AWS documents).
    url: `https://${bucket}.s3.${region}.amazonaws.com/${key}`,
    remove: async () => {
      try {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, ...owner }));
        return undefined;
      } catch (error) {
        return `could not delete the uploaded template s3://${bucket}/${key}: ${error instanceof Error ? error.message : String(error)}; delete it with \`aws s3 rm s3://${bucket}/${key}\``;
      }
    },
  };
}

