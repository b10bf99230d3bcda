import { mockClient } from "aws-sdk-client-mock";
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../src/functions/privnet-sync/handler.js";

const ecs = mockClient(ECSClient);
const route53 = mockClient(Route53Client);
const zoneName = "pn-1b2c3d4e-0000-4000-8000-00000000abcd.private-network.internal";
const appId = "ap-9f8e7d6c-1111-4111-8111-0000000000ef";
const cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/prod-Cluster";
const event = {
  "detail-type": "ECS Task State Change",
  source: "aws.ecs",
  detail: { clusterArn: cluster, taskArn: `${cluster.replace("cluster/", "task/")}/t2`, lastStatus: "STOPPED", desiredStatus: "STOPPED" },
};

beforeEach(() => {
  ecs.reset();
  route53.reset();
  ecs.onAnyCommand().rejects(new Error("unexpected ECS call"));
  route53.onAnyCommand().rejects(new Error("unexpected Route 53 call"));
  vi.stubEnv("CLUSTER", cluster);
  vi.stubEnv("ZONE_ID", "Z0PN");
  vi.stubEnv("ZONE_NAME", zoneName);
  vi.spyOn(console, "log").mockImplementation(() => undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("the in-rack sync function", () => {
  it("on a task that stopped, reads the whole cluster and zone and removes that task's names", async () => {
    ecs.on(ListTasksCommand, { cluster, desiredStatus: "RUNNING" }).resolves({ taskArns: [`${cluster}/t1`] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod-Cluster/t1",
          lastStatus: "RUNNING",
          desiredStatus: "RUNNING",
          tags: [
            { key: "racknet:app-id", value: appId },
            { key: "racknet:service", value: "backend" },
          ],
          attachments: [{ type: "ElasticNetworkInterface", details: [{ name: "privateIPv4Address", value: "10.0.2.1" }] }],
        },
      ],
    });
    const a = (name: string, ...ips: string[]) => ({ Name: name, Type: "A" as const, TTL: 5, ResourceRecords: ips.map((Value) => ({ Value })) });
    const txt = (name: string, task: string) => ({ Name: name, Type: "TXT" as const, TTL: 5, ResourceRecords: [{ Value: `"task=${task}"` }] });
    route53.on(ListResourceRecordSetsCommand, { HostedZoneId: "Z0PN" }).resolves({
      IsTruncated: false,
      ResourceRecordSets: [
        a(`backend.${appId}.${zoneName}.`, "10.0.2.1", "10.0.2.2"),
        a(`1.backend.${appId}.${zoneName}.`, "10.0.2.1"),
        txt(`1.backend.${appId}.${zoneName}.`, "t1"),
        a(`2.backend.${appId}.${zoneName}.`, "10.0.2.2"),
        txt(`2.backend.${appId}.${zoneName}.`, "t2"),
      ],
    });
    route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: "/change/1", Status: "PENDING", SubmittedAt: new Date() } });

    const result = await handler(event);

    expect(result).toEqual({ changes: 4, names: 2, problems: [] });
    const changes = route53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch?.Changes ?? [];
    expect(changes.map((change) => `${change.Action} ${change.ResourceRecordSet?.Type} ${change.ResourceRecordSet?.Name}`)).toEqual([
      `DELETE A backend.${appId}.${zoneName}.`,
      `CREATE A backend.${appId}.${zoneName}.`,
      `DELETE A 2.backend.${appId}.${zoneName}.`,
      `DELETE TXT 2.backend.${appId}.${zoneName}.`,
    ]);
    expect(ecs.commandCalls(DescribeTasksCommand)[0]?.args[0].input).toMatchObject({ cluster, include: ["TAGS"] });
  });

  it("refuses to run without its settings", async () => {
    vi.stubEnv("ZONE_ID", "");
    await expect(handler(event)).rejects.toThrow("ZONE_ID is not set");
  });
});
