import type { AppInfo } from "../aws/stacks.js";
import { deployedTemplate } from "../aws/stacks.js";
import type { Visibility } from "../manifest/model.js";
import type { Context } from "../runtime/context.js";

/**
 * What an app stack records about its services in its template's Metadata, so rack
 * changes can check running apps without the app's convox.yml.
 */
export interface AppMetadata {
  app: string;
  rack: string;
  version: string;
  services: ServiceRecord[];
}

/** One service as deployed: how it is reached and what it runs (sizes absent in apps deployed by older racknet). */
export interface ServiceRecord {
  name: string;
  visibility: Visibility;
  port?: number;
  /** Fargate CPU units and MiB per task. */
  cpu?: number;
  memory?: number;
  /** Desired tasks; min < max when it autoscales. */
  count?: { min: number; max: number };
  /** CIDRs its endpoints admit; absent: whoever its load balancers admit. */
  whitelist?: string[];
}

export const METADATA_KEY = "Racknet";

/** One GetTemplate per app. */
export async function readAppMetadata(context: Context, app: AppInfo): Promise<AppMetadata> {
  const template = await deployedTemplate(await context.aws.cloudFormation(), app.id || app.name);
  const metadata = (template.Metadata as Record<string, unknown> | undefined)?.[METADATA_KEY] as AppMetadata | undefined;
  return metadata ?? { app: app.app, rack: app.rack, version: "unknown", services: [] };
}
