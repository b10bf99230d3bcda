/**
 * The private network's reads and writes over the AWS SDK. The SDK modules are passed in:
 * the CLI imports them lazily, the in-rack function takes the Lambda runtime's copy, and
 * nothing here pulls the SDK into the function's bundle. AWS calls grow with the number of
 * tasks (100 per DescribeTasks) and records (300 per page), never with services.
 */
import type * as EcsSdk from "@aws-sdk/client-ecs";
import type * as Route53Sdk from "@aws-sdk/client-route-53";
import type { EcsTaskShape, Route53ChangeShape, Route53RecordSetShape } from "../privnet/aws-shapes.js";
import type { PrivateNetworkIo } from "../privnet/sync.js";

export interface PrivateNetworkTarget {
  /** The ECS cluster's name or ARN. */
  cluster: string;
  zoneId: string;
  /** `pn-<uuid>.private-network.internal` */
  zoneName: string;
}

export interface PrivateNetworkSdk {
  ecs: EcsSdk.ECSClient;
  route53: Route53Sdk.Route53Client;
  ecsModule: Pick<typeof EcsSdk, "paginateListTasks" | "DescribeTasksCommand">;
  route53Module: Pick<typeof Route53Sdk, "ListResourceRecordSetsCommand" | "ChangeResourceRecordSetsCommand">;
}

/** DescribeTasks takes at most 100 tasks per call. */
const DESCRIBE_TASKS_MAX = 100;

export function privateNetworkIo(sdk: PrivateNetworkSdk, target: PrivateNetworkTarget): PrivateNetworkIo {
  const { ecs, route53, ecsModule, route53Module } = sdk;
  return {
    async readTasks() {
      const arns: string[] = [];
      for await (const page of ecsModule.paginateListTasks({ client: ecs }, { cluster: target.cluster, desiredStatus: "RUNNING" })) {
        arns.push(...(page.taskArns ?? []));
      }
      const tasks: EcsTaskShape[] = [];
      for (let start = 0; start < arns.length; start += DESCRIBE_TASKS_MAX) {
        const chunk = arns.slice(start, start + DESCRIBE_TASKS_MAX);
        const described = await ecs.send(new ecsModule.DescribeTasksCommand({ cluster: target.cluster, tasks: chunk, include: ["TAGS"] }));
        tasks.push(...(described.tasks ?? []));
      }
      return tasks;
    },
    async readRecords() {
      const records: Route53RecordSetShape[] = [];
      let next: Partial<Route53Sdk.ListResourceRecordSetsCommandInput> = {};
      for (;;) {
        const page = await route53.send(new route53Module.ListResourceRecordSetsCommand({ ...next, HostedZoneId: target.zoneId, MaxItems: 300 }));
        records.push(...(page.ResourceRecordSets ?? []));
        if (!page.IsTruncated) return records;
        next = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType, StartRecordIdentifier: page.NextRecordIdentifier };
      }
    },
    async change(changes: Route53ChangeShape[]) {
      await route53.send(
        new route53Module.ChangeResourceRecordSetsCommand({ HostedZoneId: target.zoneId, ChangeBatch: { Comment: "racknet private network", Changes: changes } }),
      );
    },
  };
}
