import { stackResourceStates, type StackResourceState } from "../aws/resources.js";
import { ENGINES, type ResourceEngine } from "../manifest/resource-types.js";
import { resourceIds } from "../templates/app-resources.js";
import type { ResourceRecord } from "../templates/app-contract.js";
import type { Context } from "../runtime/context.js";
import { readAppMetadata } from "../shared-steps/app-metadata.js";
import type { AppInfo } from "../aws/stacks.js";

/**
 * The app's resources as deployed (issue 29): what the stack's Metadata records, the
 * endpoint its output gives, and the status CloudFormation reports. Never a credential.
 */

export interface DeployedResource {
  name: string;
  type: string;
  engine: string;
  version: string;
  class: string;
  /** GiB (RDS); null for a cache. */
  storage: number | null;
  durable: boolean;
  nodes: number;
  services: string[];
  /** The CloudFormation status of the database or cache (CREATE_COMPLETE, UPDATE_IN_PROGRESS, ...). */
  status: string;
  statusReason: string | null;
  /** Null until the resource exists. */
  endpoint: { host: string; port: number } | null;
}

export interface AppResources {
  resources: DeployedResource[];
  /** Logical id → state, for the URL secret's ARN. */
  states: Map<string, StackResourceState>;
}

export async function deployedResources(context: Context, app: AppInfo): Promise<AppResources> {
  const [metadata, states] = await Promise.all([readAppMetadata(context, app), stackResourceStates(await context.aws.cloudFormation(), app.name)]);
  return { resources: (metadata.resources ?? []).map((record) => deployedResource(record, app, states)), states };
}

function deployedResource(record: ResourceRecord, app: AppInfo, states: Map<string, StackResourceState>): DeployedResource {
  const ids = resourceIds(record.name);
  const state = states.get(ids.main);
  const endpoint = parseEndpoint(app.outputs[ids.endpointOutput]);
  const rds = ENGINES[record.engine as ResourceEngine]?.service === "rds";
  return {
    name: record.name,
    type: record.type,
    engine: record.engine,
    version: record.version,
    class: record.class,
    storage: rds ? record.storage : null,
    durable: record.durable,
    nodes: record.nodes,
    services: [...record.services],
    status: state?.status ?? "NOT_CREATED",
    statusReason: state?.reason ?? null,
    endpoint,
  };
}

/** `host:port`, as the stack's `Resource<Name>Endpoint` output holds it. */
function parseEndpoint(value: string | undefined): { host: string; port: number } | null {
  const match = value ? /^(.+):(\d+)$/.exec(value) : null;
  return match?.[1] && match[2] ? { host: match[1], port: Number(match[2]) } : null;
}
