import type { AppInfo } from "../aws/stacks.js";
import { deployedTemplate } from "../aws/stacks.js";
import { METADATA_KEY, type AppStackMetadata as AppMetadata } from "../templates/app-contract.js";
import type { Context } from "../runtime/context.js";

export type { AppStackMetadata as AppMetadata, ResourceRecord, ServiceRecord } from "../templates/app-contract.js";

/** One GetTemplate per app. */
export async function readAppMetadata(context: Context, app: AppInfo): Promise<AppMetadata> {
  return appMetadataOf(await deployedTemplate(await context.aws.cloudFormation(), app.id || app.name), app);
}

/** What the app's deployed template records about it (an app deployed before racknet recorded it: no services). */
export function appMetadataOf(template: Record<string, unknown>, app: AppInfo): AppMetadata {
  const metadata = (template.Metadata as Record<string, unknown> | undefined)?.[METADATA_KEY] as AppMetadata | undefined;
  return metadata ?? { app: app.app, rack: app.rack, version: "unknown", services: [] };
}
