import "aws-sdk-client-mock-vitest/extend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DetectStackDriftCommand,
  type StackResourceDrift,
} from "@aws-sdk/client-cloudformation";
import { DescribeSecurityGroupRulesCommand, type SecurityGroupRule } from "@aws-sdk/client-ec2";
import { run as rackDrift, type RackDrift } from "../../src/operations/rack-drift.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack } from "../support/workflows.js";

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

/** What the rack's stack reports: its network group (no inline rules) and the members' rule resources. */
function rackDrifts(extra: StackResourceDrift[] = []): StackResourceDrift[] {
  const entry = (LogicalResourceId: string, ResourceType: string, PhysicalResourceId: string, expected: Record<string, unknown>): StackResourceDrift => ({
    StackId: "prod",
    LogicalResourceId,
    PhysicalResourceId,
    ResourceType,
    StackResourceDriftStatus: "IN_SYNC",
    ExpectedProperties: JSON.stringify(expected),
    ActualProperties: JSON.stringify(expected),
    Timestamp: new Date(),
  });
  return [
    entry("NetworkSecurityGroup", "AWS::EC2::SecurityGroup", "sg-net", { GroupDescription: "racknet private network" }),
    entry("NetworkTcpFromMembers", "AWS::EC2::SecurityGroupIngress", "sgr-1", { GroupId: "sg-net", SourceSecurityGroupId: "sg-net", IpProtocol: "tcp", FromPort: 0, ToPort: 65535 }),
    ...extra,
  ];
}

const MEMBERS: SecurityGroupRule[] = [
  { GroupId: "sg-net", IsEgress: false, IpProtocol: "tcp", FromPort: 0, ToPort: 65535, ReferencedGroupInfo: { GroupId: "sg-net" } },
  { GroupId: "sg-net", IsEgress: true, IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv4: "0.0.0.0/0" },
];

function detection(options: { status?: "DETECTION_COMPLETE" | "DETECTION_FAILED"; drifts?: StackResourceDrift[]; rules?: SecurityGroupRule[] } = {}) {
  const cfn = h.stubs.CloudFormation;
  const ids = new Map<string, string>();
  cfn?.on(DetectStackDriftCommand).callsFake((input: { StackName: string }) => {
    const id = `detection-${ids.size + 1}`;
    ids.set(id, input.StackName);
    return { StackDriftDetectionId: id };
  });
  cfn?.on(DescribeStackDriftDetectionStatusCommand).callsFake((input: { StackDriftDetectionId: string }) => ({
    StackId: ids.get(input.StackDriftDetectionId),
    StackDriftDetectionId: input.StackDriftDetectionId,
    DetectionStatus: options.status ?? "DETECTION_COMPLETE",
    ...(options.status === "DETECTION_FAILED" ? { DetectionStatusReason: "Failed to detect drift on resource [BuildProject]" } : {}),
    Timestamp: new Date("2026-01-05T06:00:00Z"),
  }));
  cfn?.on(DescribeStackResourceDriftsCommand).callsFake((input: { StackName: string }) => ({ StackResourceDrifts: input.StackName === "prod" ? (options.drifts ?? rackDrifts()) : [] }));
  h.stubs.EC2?.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: options.rules ?? MEMBERS });
}

describe("racknet rack drift", () => {
  it("nothing changed: IN_SYNC for the rack and each app, the groups racknet compared named, exit 0, nothing written", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    detection();
    h.options.rack = "prod";
    const human = await h.run(rackDrift, undefined);
    expect(human.exitCode).toBe(0);
    expect(human.writes).toEqual(["CloudFormation.DetectStackDrift", "CloudFormation.DetectStackDrift"]);
    expect(human.stdout).toMatch(/^rack prod \(stack prod\): IN_SYNC$/m);
    expect(human.stdout).toMatch(/^app shop \(stack prod-shop\): IN_SYNC$/m);
    expect(human.stdout).toContain("rack prod: NetworkSecurityGroup (sg-net): CloudFormation does not compare its ingress and egress rules");
    expect(human.stderr).toContain("no drift");
  });

  it("a rule added by hand to a group CloudFormation does not compare: found by racknet, security first, exit 4; --json says so", async () => {
    await installedRack(h, "prod");
    const listener: StackResourceDrift = {
      StackId: "prod",
      LogicalResourceId: "ExternalHttpsListener",
      PhysicalResourceId: "arn:listener",
      ResourceType: "AWS::ElasticLoadBalancingV2::Listener",
      StackResourceDriftStatus: "MODIFIED",
      PropertyDifferences: [{ PropertyPath: "/SslPolicy", ExpectedValue: "ELBSecurityPolicy-TLS13-1-2-2021-06", ActualValue: "ELBSecurityPolicy-2016-08", DifferenceType: "NOT_EQUAL" }],
      Timestamp: new Date(),
    };
    const ssh: SecurityGroupRule = { GroupId: "sg-net", IsEgress: false, IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "0.0.0.0/0" };
    detection({ drifts: rackDrifts([listener]), rules: [...MEMBERS, ssh] });
    h.options.rack = "prod";
    const human = await h.run(rackDrift, undefined);
    expect(human.exitCode).toBe(4);
    expect(human.stdout).toMatch(/^rack prod \(stack prod\): DRIFTED$/m);
    const lines = human.stdout.split("\n");
    const group = lines.findIndex((line) => line.includes("security NetworkSecurityGroup"));
    const sslPolicy = lines.findIndex((line) => line.includes("security ExternalHttpsListener"));
    expect(group).toBeGreaterThan(0);
    expect(sslPolicy).toBeGreaterThan(group);
    expect(lines[group]).toContain("found by racknet");
    expect(lines[group + 1]).toContain("rule added: tcp 22 from 0.0.0.0/0 (open to every address)");
    expect(lines[sslPolicy + 1]).toContain("/SslPolicy: expected ELBSecurityPolicy-TLS13-1-2-2021-06, actual ELBSecurityPolicy-2016-08");

    h.options.json = true;
    const json = await h.run(rackDrift, undefined);
    expect(json.exitCode).toBe(4);
    const result = JSON.parse(json.stdout) as RackDrift;
    expect(result).toMatchObject({ rack: "prod", drifted: true });
    expect(result.stacks[0]?.resources.map((resource) => [resource.logicalId, resource.foundBy])).toEqual([
      ["NetworkSecurityGroup", "racknet"],
      ["ExternalHttpsListener", "cloudformation"],
    ]);
  });

  it("a detection that failed without finding drift cannot say none: exit 3 with the reason", async () => {
    await installedRack(h, "prod");
    detection({ status: "DETECTION_FAILED" });
    h.options.rack = "prod";
    const result = await h.run(rackDrift, undefined);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("drift detection did not complete for rack prod (Failed to detect drift on resource [BuildProject])");
  });
});
