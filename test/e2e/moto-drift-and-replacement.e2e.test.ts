import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DetectStackDriftCommand,
  ExecuteChangeSetCommand,
  ListStackResourcesCommand,
  type ResourceChange,
} from "@aws-sdk/client-cloudformation";
import { AuthorizeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { awsClients, startMoto, type AwsTestClients, type MotoServer } from "../support/moto.js";

/**
 * What racknet reads through the SDK from the launcher's change-set and drift patches
 * (docs/moto.md: restore_change_set_replacement, restore_drift_detection), in the SDK's own shapes.
 */
let moto: MotoServer;
let aws: AwsTestClients;

beforeAll(async () => {
  moto = await startMoto();
  aws = awsClients(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
});

const ref = (name: string) => ({ Ref: name });
const SSH_FROM_ANYWHERE = { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: "0.0.0.0/0" };

function network(cidr: string, nameTag: string): Record<string, unknown> {
  return {
    Resources: {
      Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.70.0.0/16" } },
      Subnet: { Type: "AWS::EC2::Subnet", Properties: { VpcId: ref("Vpc"), CidrBlock: cidr, AvailabilityZone: "us-east-1a", Tags: [{ Key: "Name", Value: nameTag }] } },
      Services: {
        Type: "AWS::EC2::SecurityGroup",
        Properties: {
          GroupDescription: "services",
          VpcId: ref("Vpc"),
          SecurityGroupIngress: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIp: "10.70.0.0/16", Description: "https inside the VPC" }],
        },
      },
    },
  };
}

let count = 0;
async function changeSet(stack: string, template: Record<string, unknown>, type: "CREATE" | "UPDATE"): Promise<{ id: string; changes: Record<string, ResourceChange> }> {
  const created = await aws.cloudFormation.send(
    new CreateChangeSetCommand({ StackName: stack, ChangeSetName: `cs-${++count}`, ChangeSetType: type, TemplateBody: JSON.stringify(template) }),
  );
  const described = await aws.cloudFormation.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
  const changes = Object.fromEntries((described.Changes ?? []).map((change) => [change.ResourceChange?.LogicalResourceId ?? "", change.ResourceChange ?? {}]));
  return { id: created.Id ?? "", changes };
}

describe("change sets say what they replace", () => {
  it("a new subnet CidrBlock is Replacement True, a new tag is False", async () => {
    const created = await changeSet("replacement", network("10.70.1.0/24", "a"), "CREATE");
    await aws.cloudFormation.send(new ExecuteChangeSetCommand({ ChangeSetName: created.id }));

    const tag = (await changeSet("replacement", network("10.70.1.0/24", "b"), "UPDATE")).changes;
    expect(Object.keys(tag)).toEqual(["Subnet"]);
    expect(tag.Subnet?.Replacement).toBe("False");
    expect(tag.Subnet?.Scope).toEqual(["Tags"]);
    expect(tag.Subnet?.PhysicalResourceId).toMatch(/^subnet-/);

    const cidr = (await changeSet("replacement", network("10.70.2.0/24", "a"), "UPDATE")).changes;
    expect(cidr.Subnet?.Replacement).toBe("True");
    expect(cidr.Subnet?.Details).toEqual([
      { Target: { Attribute: "Properties", Name: "CidrBlock", RequiresRecreation: "Always" }, Evaluation: "Static", ChangeSource: "DirectModification" },
    ]);
  });
});

describe("drift detection", () => {
  it("finds an ingress rule added with the SDK: the group is MODIFIED, the rule an ADD", async () => {
    const created = await changeSet("drift", network("10.70.1.0/24", "a"), "CREATE");
    await aws.cloudFormation.send(new ExecuteChangeSetCommand({ ChangeSetName: created.id }));
    const resources = (await aws.cloudFormation.send(new ListStackResourcesCommand({ StackName: "drift" }))).StackResourceSummaries ?? [];
    const group = resources.find((resource) => resource.LogicalResourceId === "Services")?.PhysicalResourceId ?? "";

    const detect = async () => {
      const { StackDriftDetectionId } = await aws.cloudFormation.send(new DetectStackDriftCommand({ StackName: "drift" }));
      const status = await aws.cloudFormation.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId }));
      const drifts = (await aws.cloudFormation.send(new DescribeStackResourceDriftsCommand({ StackName: "drift" }))).StackResourceDrifts ?? [];
      return { status, services: drifts.find((drift) => drift.LogicalResourceId === "Services") };
    };

    const before = await detect();
    expect(before.status.StackDriftStatus).toBe("IN_SYNC");
    expect(before.services?.StackResourceDriftStatus).toBe("IN_SYNC");

    await aws.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }),
    );
    const after = await detect();
    expect(after.status.DetectionStatus).toBe("DETECTION_COMPLETE");
    expect(after.status.StackDriftStatus).toBe("DRIFTED");
    expect(after.status.DriftedStackResourceCount).toBe(1);
    expect(after.services?.StackResourceDriftStatus).toBe("MODIFIED");
    expect(after.services?.PropertyDifferences).toEqual([
      { PropertyPath: "/SecurityGroupIngress/1", ExpectedValue: "null", ActualValue: JSON.stringify(SSH_FROM_ANYWHERE, Object.keys(SSH_FROM_ANYWHERE).sort()), DifferenceType: "ADD" },
    ]);
    expect(JSON.parse(after.services?.ActualProperties ?? "{}").SecurityGroupIngress).toContainEqual(SSH_FROM_ANYWHERE);
    expect(after.services?.Timestamp).toBeInstanceOf(Date);
  });
});
