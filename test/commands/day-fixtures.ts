/**
 * The rack `prod` and its app `shop` (services web, worker, api) as the SDK returns them,
 * and a Context whose printer writes to memory: shared by the tests of `apps info`,
 * `apps delete`, `logs` and `ps`. Unmocked calls fail, naming themselves.
 */
import { mockClient } from "aws-sdk-client-mock";
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand, type Stack, type StackStatus } from "@aws-sdk/client-cloudformation";
import type { Task } from "@aws-sdk/client-ecs";
import { AwsClients } from "../../src/aws/clients.js";
import type { CommandContext, GlobalOptions } from "../../src/runtime/context.js";
import { Printer } from "../../src/ui/printer.js";
import { Capture } from "../support/offline.js";
import { testPorts } from "../support/ports.js";

export const RACK_UUID = "1b2c3d4e-0000-4000-8000-00000000abcd";
export const APP_UUID = "9f8e7d6c-1111-4111-8111-0000000000ef";
export const RACK_ID = `arn:aws:cloudformation:us-east-1:123456789012:stack/prod/${RACK_UUID}`;
export const APP_ID = `arn:aws:cloudformation:us-east-1:123456789012:stack/prod-shop/${APP_UUID}`;
export const CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod-Cluster";
export const ZONE_NAME = `pn-${RACK_UUID}.private-network.internal`;
export const LOG_GROUP = "/racknet/prod";
export const DEPLOYED_AT = new Date("2025-03-01T10:00:00Z");

export const SERVICES = [
  { name: "web", visibility: "external", port: 3000 },
  { name: "worker", visibility: "private" },
  { name: "api", visibility: "internal", port: 4000 },
];

export function rackStack(): Stack {
  return {
    StackName: "prod",
    StackId: RACK_ID,
    StackStatus: "UPDATE_COMPLETE",
    CreationTime: new Date("2025-01-01T00:00:00Z"),
    Tags: [{ Key: "racknet:kind", Value: "rack" }],
    Outputs: [
      ["Cluster", CLUSTER],
      ["LogGroup", LOG_GROUP],
      ["PrivateNetworkZoneId", "Z0PN"],
      ["PrivateNetworkZoneName", ZONE_NAME],
      ["ExternalListener", EXTERNAL_LISTENER],
    ].map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    Parameters: [],
  };
}

/** The rack's external HTTPS listener, which serves the apps' public certificates. */
export const EXTERNAL_LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/prod-external/1/2";

export function appStack(status = "UPDATE_COMPLETE"): Stack {
  return {
    StackName: "prod-shop",
    StackId: APP_ID,
    StackStatus: status as StackStatus,
    CreationTime: new Date("2025-02-01T00:00:00Z"),
    LastUpdatedTime: DEPLOYED_AT,
    Tags: [
      { Key: "racknet:kind", Value: "app" },
      { Key: "racknet:rack", Value: "prod" },
      { Key: "racknet:app", Value: "shop" },
    ],
    Outputs: [
      { OutputKey: "ServiceWebName", OutputValue: "prod-shop-WebService-1" },
      { OutputKey: "ServiceWorkerName", OutputValue: "prod-shop-WorkerService-1" },
      { OutputKey: "ServiceApiName", OutputValue: "prod-shop-ApiService-1" },
    ],
    Parameters: [
      { ParameterKey: "Domain", ParameterValue: "example.com" },
      { ParameterKey: "ExternalLoadBalancerDns", ParameterValue: "ext-123.us-east-1.elb.amazonaws.com" },
    ],
  };
}

export const cfn = mockClient(CloudFormationClient);

function notFound(name: string): Error {
  return Object.assign(new Error(`Stack with id ${name} does not exist`), { name: "ValidationError" });
}

/** The rack and the app exist (or only the rack, with `app: false`); the app's template lists SERVICES. */
export function stacks(options: { app?: boolean; appStatus?: string } = {}): void {
  cfn.reset();
  cfn.onAnyCommand().rejects(new Error("unmocked CloudFormation call"));
  cfn.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
    if (input.StackName === "prod") return { Stacks: [rackStack()] };
    if (options.app !== false && (input.StackName === "prod-shop" || input.StackName === APP_ID)) return { Stacks: [appStack(options.appStatus)] };
    throw notFound(input.StackName ?? "");
  });
  cfn.on(GetTemplateCommand).resolves({
    TemplateBody: JSON.stringify({ Metadata: { Racknet: { app: "shop", rack: "prod", version: "0.1.0", services: SERVICES } }, Resources: {} }),
  });
}

export interface DayContext {
  context: CommandContext;
  stdout: () => string;
  stderr: () => string;
}

export function dayContext(overrides: Partial<GlobalOptions> = {}, settings: { canPrompt?: boolean } = {}): DayContext {
  const out = new Capture();
  const err = new Capture();
  const options: GlobalOptions = { json: false, color: false, debug: false, yes: false, dryRun: false, region: "us-east-1", rack: "prod", app: "shop", ...overrides };
  const printer = new Printer({ json: options.json, color: false, debug: false, stdout: out, stderr: err });
  return {
    context: { options, printer, aws: new AwsClients({ region: "us-east-1" }), ...testPorts(options, { interactive: settings.canPrompt ?? false }), awsCalls: () => 0 },
    stdout: () => out.text,
    stderr: () => err.text,
  };
}

/** A task of `shop` (or another app's uuid) as DescribeTasks returns it with its tags. */
export function ecsTask(service: string, id: string, ip: string, options: { appUuid?: string; revision?: number; startedAt?: Date; status?: string } = {}): Task {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod-Cluster/${id}`,
    taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/prod-shop-${service}:${options.revision ?? 3}`,
    lastStatus: options.status ?? "RUNNING",
    desiredStatus: "RUNNING",
    startedAt: options.startedAt ?? new Date("2025-03-01T10:05:00Z"),
    tags: [
      { key: "racknet:app-id", value: `ap-${options.appUuid ?? APP_UUID}` },
      { key: "racknet:service", value: service },
    ],
    attachments: [{ type: "ElasticNetworkInterface", status: "ATTACHED", details: [{ name: "privateIPv4Address", value: ip }] }],
  };
}
