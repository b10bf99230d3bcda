import type { Context } from "../core/context.js";
import type { AppInfo } from "../aws/stacks.js";
import type { Visibility } from "../manifest/model.js";
import { sdk } from "../aws/sdk.js";

/**
 * What an app stack records about its services in its template's Metadata, so rack
 * changes can check running apps without the app's convox.yml.
 */
export interface AppMetadata {
  app: string;
  rack: string;
  version: string;
  services: { name: string; visibility: Visibility; port?: number }[];
}

export const METADATA_KEY = "Racknet";

/** One GetTemplate per app. */
export async function readAppMetadata(context: Context, app: AppInfo): Promise<AppMetadata> {
  const { GetTemplateCommand } = sdk.cloudFormation();
  const cfn = await context.aws.cloudFormation();
  const result = await cfn.send(new GetTemplateCommand({ StackName: app.id || app.name }));
  const body = JSON.parse(result.TemplateBody ?? "{}") as { Metadata?: Record<string, unknown> };
  const metadata = body.Metadata?.[METADATA_KEY] as AppMetadata | undefined;
  return metadata ?? { app: app.app, rack: app.rack, version: "unknown", services: [] };
}
