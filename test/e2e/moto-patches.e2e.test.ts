import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  type Parameter,
} from "@aws-sdk/client-cloudformation";
import { CreateVpcCommand, DescribeAddressesCommand, DescribeVpcPeeringConnectionsCommand, DescribeNatGatewaysCommand, DescribeRouteTablesCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeServicesCommand, ListClustersCommand } from "@aws-sdk/client-ecs";
import { DescribeListenerCertificatesCommand, DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  AssociateVPCWithHostedZoneCommand,
  CreateHostedZoneCommand,
  CreateVPCAssociationAuthorizationCommand,
  DeleteVPCAssociationAuthorizationCommand,
  DisassociateVPCFromHostedZoneCommand,
  GetHostedZoneCommand,
  ListHostedZonesByVPCCommand,
  ListVPCAssociationAuthorizationsCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { RequestCertificateCommand } from "@aws-sdk/client-acm";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { awsClients, startMoto, type AwsTestClients, type MotoServer, describeTestStack } from "../support/moto.js";
import { startFaultProxy, type FaultKind } from "../support/fault-proxy.js";

/**
 * Proof that scripts/moto/launch.py makes moto behave like AWS where racknet's e2e tests
 * depend on it (../shared/MOTO.md), using the SDK directly: one test per restored behaviour.
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

type Template = Record<string, unknown>;
let changeSetCount = 0;

/** CreateChangeSet + wait + ExecuteChangeSet, the way racknet deploys; returns the change set's id. */
async function deploy(stack: string, template: Template | undefined, parameters: Parameter[] = [], type: "CREATE" | "UPDATE" = "CREATE"): Promise<string> {
  const created = await aws.cloudFormation.send(
    new CreateChangeSetCommand({
      StackName: stack,
      ChangeSetName: `cs-${++changeSetCount}`,
      ChangeSetType: type,
      ...(template ? { TemplateBody: JSON.stringify(template) } : { UsePreviousTemplate: true }),
      Parameters: parameters,
    }),
  );
  const id = created.Id ?? "";
  const described = await aws.cloudFormation.send(new DescribeChangeSetCommand({ ChangeSetName: id }));
  expect(described.Status, described.StatusReason).toBe("CREATE_COMPLETE");
  await aws.cloudFormation.send(new ExecuteChangeSetCommand({ ChangeSetName: id }));
  return id;
}

async function outputsOf(stack: string): Promise<Record<string, string>> {
  return (await describeTestStack(aws.cloudFormation, stack)).outputs;
}

const ref = (name: string) => ({ Ref: name });
const getAtt = (resource: string, attribute: string) => ({ "Fn::GetAtt": [resource, attribute] });
const vpc = (cidr: string) => ({ Type: "AWS::EC2::VPC", Properties: { CidrBlock: cidr, EnableDnsHostnames: true, EnableDnsSupport: true } });
const subnet = (vpcRef: unknown, cidr: string, az: string) => ({
  Type: "AWS::EC2::Subnet",
  Properties: { VpcId: vpcRef, CidrBlock: cidr, AvailabilityZone: az },
});

describe("change sets (MOTO.md: Outputs, ListChangeSets, empty updates, conditions)", () => {
  const template: Template = {
    Description: "outputs probe",
    Parameters: { Private: { Type: "String", Default: "No", AllowedValues: ["Yes", "No"] }, Label: { Type: "String", Default: "one" } },
    Conditions: { IsPrivate: { "Fn::Equals": [ref("Private"), "Yes"] } },
    Resources: {
      Vpc: vpc("10.10.0.0/16"),
      LabelParameter: { Type: "AWS::SSM::Parameter", Properties: { Name: "/probe/label", Type: "String", Value: ref("Label") } },
      PrivateMarker: { Type: "AWS::SSM::Parameter", Condition: "IsPrivate", Properties: { Name: "/probe/private", Type: "String", Value: "yes" } },
    },
    Outputs: {
      VpcId: { Value: ref("Vpc") },
      Label: { Value: { "Fn::GetAtt": ["LabelParameter", "Value"] } },
      Mode: { Value: { "Fn::If": ["IsPrivate", "private", "public"] } },
    },
  };

  it("executing a CREATE change set leaves the template's Outputs in DescribeStacks", async () => {
    await deploy("outputs", template);
    const outputs = await outputsOf("outputs");
    expect(outputs.VpcId).toMatch(/^vpc-/);
    expect(outputs.Label).toBe("one");
    expect(outputs.Mode).toBe("public");
  });

  it("ListChangeSets no longer lists an executed change set, and lists only the named stack's", async () => {
    await aws.cloudFormation.send(new CreateChangeSetCommand({ StackName: "other", ChangeSetName: "pending", ChangeSetType: "CREATE", TemplateBody: JSON.stringify(template) }));
    const listed = await aws.cloudFormation.send(new ListChangeSetsCommand({ StackName: "outputs" }));
    expect(listed.Summaries ?? []).toEqual([]);
    const other = await aws.cloudFormation.send(new ListChangeSetsCommand({ StackName: "other" }));
    expect((other.Summaries ?? []).map((summary) => summary.ChangeSetName)).toEqual(["pending"]);
  });

  it("an UPDATE with UsePreviousTemplate and new parameters creates conditional resources, updates Refs, shows the changes", async () => {
    const created = await aws.cloudFormation.send(
      new CreateChangeSetCommand({
        StackName: "outputs",
        ChangeSetName: "go-private",
        ChangeSetType: "UPDATE",
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: "Private", ParameterValue: "Yes" }, { ParameterKey: "Label", UsePreviousValue: true }],
      }),
    );
    const described = await aws.cloudFormation.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    expect(described.Status).toBe("CREATE_COMPLETE");
    expect((described.Changes ?? []).map((change) => [change.ResourceChange?.Action, change.ResourceChange?.LogicalResourceId])).toEqual([["Add", "PrivateMarker"]]);
    await aws.cloudFormation.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));

    expect((await outputsOf("outputs")).Mode).toBe("private");
    const marker = await aws.ssm.send(new GetParameterCommand({ Name: "/probe/private" }));
    expect(marker.Parameter?.Value).toBe("yes");
    const resources = await aws.cloudFormation.send(new ListStackResourcesCommand({ StackName: "outputs" }));
    expect((resources.StackResourceSummaries ?? []).map((r) => r.LogicalResourceId).sort()).toEqual(["LabelParameter", "PrivateMarker", "Vpc"]);

    await deploy("outputs", undefined, [{ ParameterKey: "Private", ParameterValue: "No" }, { ParameterKey: "Label", ParameterValue: "two" }], "UPDATE");
    await expect(aws.ssm.send(new GetParameterCommand({ Name: "/probe/private" }))).rejects.toThrow(/ParameterNotFound|not found/i);
    expect((await outputsOf("outputs")).Mode).toBe("public");
    const stack = (await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: "outputs" }))).Stacks?.[0];
    expect(stack?.Parameters?.find((p) => p.ParameterKey === "Label")?.ParameterValue).toBe("two");
  });

  it("an UPDATE change set that changes nothing is created and ends FAILED, \"didn't contain changes\"", async () => {
    const created = await aws.cloudFormation.send(
      new CreateChangeSetCommand({
        StackName: "outputs",
        ChangeSetName: "nothing",
        ChangeSetType: "UPDATE",
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: "Private", UsePreviousValue: true }, { ParameterKey: "Label", ParameterValue: "two" }],
      }),
    );
    const described = await aws.cloudFormation.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    expect(described.Status).toBe("FAILED");
    expect(described.StatusReason).toContain("didn't contain changes");
  });
});

describe("EC2: SubnetRouteTableAssociation from CloudFormation", () => {
  it("is visible in DescribeRouteTables and the association.subnet-id filter, and moves with an update", async () => {
    const template: Template = {
      Parameters: { UseSecond: { Type: "String", Default: "No" } },
      Conditions: { Second: { "Fn::Equals": [ref("UseSecond"), "Yes"] } },
      Resources: {
        Vpc: vpc("10.20.0.0/16"),
        Subnet: subnet(ref("Vpc"), "10.20.1.0/24", "us-east-1a"),
        First: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: ref("Vpc") } },
        SecondTable: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: ref("Vpc") } },
        Association: {
          Type: "AWS::EC2::SubnetRouteTableAssociation",
          Properties: { SubnetId: ref("Subnet"), RouteTableId: { "Fn::If": ["Second", ref("SecondTable"), ref("First")] } },
        },
      },
      Outputs: { Subnet: { Value: ref("Subnet") }, First: { Value: ref("First") }, SecondTable: { Value: ref("SecondTable") }, Association: { Value: ref("Association") } },
    };
    await deploy("assoc", template);
    const outputs = await outputsOf("assoc");
    expect(outputs.Association).toMatch(/^rtbassoc-/);
    const tableOf = async (subnetId: string) =>
      (await aws.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.subnet-id", Values: [subnetId] }] }))).RouteTables ?? [];
    let tables = await tableOf(outputs.Subnet ?? "");
    expect(tables.map((table) => table.RouteTableId)).toEqual([outputs.First]);
    expect(tables[0]?.Associations?.map((association) => association.SubnetId)).toEqual([outputs.Subnet]);

    await deploy("assoc", undefined, [{ ParameterKey: "UseSecond", ParameterValue: "Yes" }], "UPDATE");
    tables = await tableOf(outputs.Subnet ?? "");
    expect(tables.map((table) => table.RouteTableId)).toEqual([outputs.SecondTable]);
  });
});

describe("Route 53: AWS::Route53::HostedZone with VPCs", () => {
  it("is a private zone on those VPCs, also after an update changes the VPC list", async () => {
    const template: Template = {
      Parameters: { Peered: { Type: "String", Default: "No" } },
      Conditions: { WithPeer: { "Fn::Equals": [ref("Peered"), "Yes"] } },
      Resources: {
        Vpc: vpc("10.30.0.0/16"),
        Peer: vpc("10.31.0.0/16"),
        Zone: {
          Type: "AWS::Route53::HostedZone",
          Properties: {
            Name: "probe.convox",
            VPCs: {
              "Fn::If": [
                "WithPeer",
                [{ VPCId: ref("Vpc"), VPCRegion: ref("AWS::Region") }, { VPCId: ref("Peer"), VPCRegion: ref("AWS::Region") }],
                [{ VPCId: ref("Vpc"), VPCRegion: ref("AWS::Region") }],
              ],
            },
          },
        },
      },
      Outputs: { Zone: { Value: ref("Zone") }, Vpc: { Value: ref("Vpc") }, Peer: { Value: ref("Peer") } },
    };
    await deploy("zone", template);
    const outputs = await outputsOf("zone");
    const zone = await aws.route53.send(new GetHostedZoneCommand({ Id: outputs.Zone }));
    expect(zone.HostedZone?.Config?.PrivateZone).toBe(true);
    expect(zone.HostedZone?.Name).toBe("probe.convox.");
    expect(zone.VPCs?.map((v) => v.VPCId)).toEqual([outputs.Vpc]);
    const inVpc = await aws.route53.send(new ListHostedZonesByVPCCommand({ VPCId: outputs.Vpc, VPCRegion: "us-east-1" }));
    expect(inVpc.HostedZoneSummaries?.map((summary) => summary.Name)).toEqual(["probe.convox."]);

    await deploy("zone", undefined, [{ ParameterKey: "Peered", ParameterValue: "Yes" }], "UPDATE");
    const updated = await aws.route53.send(new GetHostedZoneCommand({ Id: outputs.Zone }));
    expect(updated.VPCs?.map((v) => v.VPCId).sort()).toEqual([outputs.Vpc, outputs.Peer].sort());
    const inPeer = await aws.route53.send(new ListHostedZonesByVPCCommand({ VPCId: outputs.Peer, VPCRegion: "us-east-1" }));
    expect(inPeer.HostedZoneSummaries?.map((summary) => summary.HostedZoneId)).toEqual([outputs.Zone]);
  });
});

describe("Route 53: a private zone and a VPC of two accounts (VPC association authorizations)", () => {
  it("refuses the association without the zone owner's authorization, lists the authorization, associates with it, deletes it", async () => {
    // The second account: an assumed role whose ARN names another account id, as moto's STS maps it.
    const sts = new STSClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::222222222222:role/peer", RoleSessionName: "moto-patches" }));
    const other = {
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: assumed.Credentials?.AccessKeyId ?? "", secretAccessKey: assumed.Credentials?.SecretAccessKey ?? "", sessionToken: assumed.Credentials?.SessionToken ?? "" },
    };
    const otherAccount = (await new STSClient(other).send(new GetCallerIdentityCommand({}))).Account;
    const ownerAccount = (await sts.send(new GetCallerIdentityCommand({}))).Account;
    expect(otherAccount).toBe("222222222222");
    expect(otherAccount).not.toBe(ownerAccount);
    const zoneVpc = (await aws.ec2.send(new CreateVpcCommand({ CidrBlock: "10.60.0.0/16" }))).Vpc?.VpcId ?? "";
    const otherVpc = (await new EC2Client(other).send(new CreateVpcCommand({ CidrBlock: "10.61.0.0/16" }))).Vpc?.VpcId ?? "";
    const created = await aws.route53.send(
      new CreateHostedZoneCommand({ Name: "accounts.probe.convox", CallerReference: `accounts-${Date.now()}`, HostedZoneConfig: { PrivateZone: true }, VPC: { VPCId: zoneVpc, VPCRegion: "us-east-1" } }),
    );
    const zoneId = (created.HostedZone?.Id ?? "").replace("/hostedzone/", "");
    const otherRoute53 = new Route53Client(other);
    const vpc = { VPCId: otherVpc, VPCRegion: "us-east-1" as const };

    // Without the authorization: refused to the VPC's account, and to the zone's account too.
    await expect(otherRoute53.send(new AssociateVPCWithHostedZoneCommand({ HostedZoneId: zoneId, VPC: vpc }))).rejects.toMatchObject({ name: "NotAuthorizedException" });
    await expect(aws.route53.send(new AssociateVPCWithHostedZoneCommand({ HostedZoneId: zoneId, VPC: vpc }))).rejects.toMatchObject({ name: "NotAuthorizedException" });
    // The authorization is the zone owner's to give.
    await expect(otherRoute53.send(new CreateVPCAssociationAuthorizationCommand({ HostedZoneId: zoneId, VPC: vpc }))).rejects.toMatchObject({ name: "NoSuchHostedZone" });
    await expect(aws.route53.send(new DeleteVPCAssociationAuthorizationCommand({ HostedZoneId: zoneId, VPC: vpc }))).rejects.toMatchObject({ name: "VPCAssociationAuthorizationNotFound" });

    const authorization = await aws.route53.send(new CreateVPCAssociationAuthorizationCommand({ HostedZoneId: zoneId, VPC: vpc }));
    expect(authorization.VPC?.VPCId).toBe(otherVpc);
    const listed = await aws.route53.send(new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: zoneId }));
    expect(listed.VPCs?.map((item) => item.VPCId)).toEqual([otherVpc]);

    await otherRoute53.send(new AssociateVPCWithHostedZoneCommand({ HostedZoneId: zoneId, VPC: vpc }));
    const zone = await aws.route53.send(new GetHostedZoneCommand({ Id: zoneId }));
    expect(zone.VPCs?.map((item) => item.VPCId).sort()).toEqual([zoneVpc, otherVpc].sort());
    const seen = await otherRoute53.send(new ListHostedZonesByVPCCommand({ VPCId: otherVpc, VPCRegion: "us-east-1" }));
    expect(seen.HostedZoneSummaries?.map((summary) => [summary.HostedZoneId, summary.Owner?.OwningAccount])).toEqual([[zoneId, ownerAccount]]);

    await aws.route53.send(new DeleteVPCAssociationAuthorizationCommand({ HostedZoneId: zoneId, VPC: vpc }));
    expect((await aws.route53.send(new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: zoneId }))).VPCs ?? []).toEqual([]);
    // The association outlives the authorization; the VPC's account takes its VPC out.
    await otherRoute53.send(new DisassociateVPCFromHostedZoneCommand({ HostedZoneId: zoneId, VPC: vpc }));
    expect((await aws.route53.send(new GetHostedZoneCommand({ Id: zoneId }))).VPCs?.map((item) => item.VPCId)).toEqual([zoneVpc]);
  });
});

describe("EC2: a VPC peering connection made by CloudFormation across two accounts", () => {
  it("fails without a role of the accepter's account the requester may assume, and is active through one", async () => {
    const sts = new STSClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const requester = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? "";
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::333333333333:role/peer", RoleSessionName: "moto-patches" }));
    const other = {
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: assumed.Credentials?.AccessKeyId ?? "", secretAccessKey: assumed.Credentials?.SecretAccessKey ?? "", sessionToken: assumed.Credentials?.SessionToken ?? "" },
    };
    const peerVpc = (await new EC2Client(other).send(new CreateVpcCommand({ CidrBlock: "10.71.0.0/16" }))).Vpc?.VpcId ?? "";
    const trust = (account: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" }] });
    const iam = new IAMClient(other);
    const trusted = (await iam.send(new CreateRoleCommand({ RoleName: "accept-peering", AssumeRolePolicyDocument: trust(requester) }))).Role?.Arn ?? "";
    const untrusted = (await iam.send(new CreateRoleCommand({ RoleName: "accept-other", AssumeRolePolicyDocument: trust("444444444444") }))).Role?.Arn ?? "";
    const template = (role: string | undefined): Template => ({
      Resources: {
        Vpc: vpc("10.70.0.0/16"),
        Peering: { Type: "AWS::EC2::VPCPeeringConnection", Properties: { VpcId: ref("Vpc"), PeerVpcId: peerVpc, PeerOwnerId: "333333333333", ...(role ? { PeerRoleArn: role } : {}) } },
      },
      Outputs: { Peering: { Value: ref("Peering") } },
    });
    for (const [stack, role] of [["peering-no-role", undefined], ["peering-untrusted", untrusted]] as const) {
      await deploy(stack, template(role));
      const failed = await describeTestStack(aws.cloudFormation, stack);
      expect(failed.status, stack).toMatch(/ROLLBACK_COMPLETE|CREATE_FAILED/);
    }
    await deploy("peering-trusted", template(trusted));
    const made = await describeTestStack(aws.cloudFormation, "peering-trusted");
    expect(made.status).toBe("CREATE_COMPLETE");
    const seen = await new EC2Client(other).send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [made.outputs.Peering ?? ""] }));
    expect(seen.VpcPeeringConnections?.[0]?.Status?.Code).toBe("active");
  });
});

describe("ECS: Fargate service with NetworkConfiguration", () => {
  it("keeps launch type and awsvpc configuration, and an update moves it to other subnets", async () => {
    const template: Template = {
      Parameters: { Private: { Type: "String", Default: "No" } },
      Conditions: { IsPrivate: { "Fn::Equals": [ref("Private"), "Yes"] } },
      Resources: {
        Vpc: vpc("10.40.0.0/16"),
        PublicSubnet: subnet(ref("Vpc"), "10.40.1.0/24", "us-east-1a"),
        PrivateSubnet: subnet(ref("Vpc"), "10.40.2.0/24", "us-east-1a"),
        Group: { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "probe", VpcId: ref("Vpc") } },
        Cluster: { Type: "AWS::ECS::Cluster", Properties: { ClusterName: "probe" } },
        Task: {
          Type: "AWS::ECS::TaskDefinition",
          Properties: {
            Family: "probe-web",
            NetworkMode: "awsvpc",
            RequiresCompatibilities: ["FARGATE"],
            Cpu: "256",
            Memory: "512",
            ContainerDefinitions: [{ Name: "web", Image: "nginx:1.27", PortMappings: [{ ContainerPort: 80 }] }],
          },
        },
        Service: {
          Type: "AWS::ECS::Service",
          Properties: {
            ServiceName: "web",
            Cluster: ref("Cluster"),
            TaskDefinition: ref("Task"),
            DesiredCount: 1,
            LaunchType: "FARGATE",
            NetworkConfiguration: {
              AwsvpcConfiguration: {
                Subnets: [{ "Fn::If": ["IsPrivate", ref("PrivateSubnet"), ref("PublicSubnet")] }],
                SecurityGroups: [ref("Group")],
                AssignPublicIp: { "Fn::If": ["IsPrivate", "DISABLED", "ENABLED"] },
              },
            },
          },
        },
      },
      Outputs: {
        Cluster: { Value: ref("Cluster") },
        Group: { Value: ref("Group") },
        PublicSubnet: { Value: ref("PublicSubnet") },
        PrivateSubnet: { Value: ref("PrivateSubnet") },
        ServiceArn: { Value: getAtt("Service", "ServiceArn") },
      },
    };
    await deploy("ecs", template);
    const outputs = await outputsOf("ecs");
    const describe = async () =>
      (await aws.ecs.send(new DescribeServicesCommand({ cluster: outputs.Cluster, services: ["web"] }))).services?.[0];
    let service = await describe();
    expect(service?.serviceArn).toBe(outputs.ServiceArn);
    expect(service?.launchType).toBe("FARGATE");
    expect(service?.networkConfiguration?.awsvpcConfiguration).toEqual({
      subnets: [outputs.PublicSubnet],
      securityGroups: [outputs.Group],
      assignPublicIp: "ENABLED",
    });

    await deploy("ecs", undefined, [{ ParameterKey: "Private", ParameterValue: "Yes" }], "UPDATE");
    service = await describe();
    expect(service?.status).toBe("ACTIVE");
    expect(service?.launchType).toBe("FARGATE");
    expect(service?.networkConfiguration?.awsvpcConfiguration?.subnets).toEqual([outputs.PrivateSubnet]);
    expect(service?.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe("DISABLED");
  });
});

describe("removing and deleting resources (Private=No, rack uninstall)", () => {
  it("an update whose condition turns false deletes the NAT gateway, its EIP and routes; DeleteStack deletes the VPC", async () => {
    const template: Template = {
      Parameters: { Private: { Type: "String", Default: "No" } },
      Conditions: { IsPrivate: { "Fn::Equals": [ref("Private"), "Yes"] } },
      Resources: {
        Vpc: vpc("10.60.0.0/16"),
        Gateway: { Type: "AWS::EC2::InternetGateway" },
        Attachment: { Type: "AWS::EC2::VPCGatewayAttachment", Properties: { VpcId: ref("Vpc"), InternetGatewayId: ref("Gateway") } },
        Public: subnet(ref("Vpc"), "10.60.1.0/24", "us-east-1a"),
        PrivateSubnet: { ...subnet(ref("Vpc"), "10.60.2.0/24", "us-east-1a"), Condition: "IsPrivate" },
        PublicTable: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: ref("Vpc") } },
        PublicDefault: { Type: "AWS::EC2::Route", DependsOn: "Attachment", Properties: { RouteTableId: ref("PublicTable"), DestinationCidrBlock: "0.0.0.0/0", GatewayId: ref("Gateway") } },
        PublicAssociation: { Type: "AWS::EC2::SubnetRouteTableAssociation", Properties: { SubnetId: ref("Public"), RouteTableId: ref("PublicTable") } },
        NatIp: { Type: "AWS::EC2::EIP", Condition: "IsPrivate", Properties: { Domain: "vpc" } },
        Nat: { Type: "AWS::EC2::NatGateway", Condition: "IsPrivate", Properties: { AllocationId: getAtt("NatIp", "AllocationId"), SubnetId: ref("Public") } },
        PrivateTable: { Type: "AWS::EC2::RouteTable", Condition: "IsPrivate", Properties: { VpcId: ref("Vpc") } },
        PrivateDefault: { Type: "AWS::EC2::Route", Condition: "IsPrivate", Properties: { RouteTableId: ref("PrivateTable"), DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: ref("Nat") } },
        PrivateAssociation: { Type: "AWS::EC2::SubnetRouteTableAssociation", Condition: "IsPrivate", Properties: { SubnetId: ref("PrivateSubnet"), RouteTableId: ref("PrivateTable") } },
      },
      Outputs: { Vpc: { Value: ref("Vpc") }, Nat: { Condition: "IsPrivate", Value: ref("Nat") } },
    };
    await deploy("nat", template, [{ ParameterKey: "Private", ParameterValue: "Yes" }]);
    const { Vpc: vpcId = "", Nat: natId = "" } = await outputsOf("nat");
    const nats = async () => (await aws.ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways ?? [];
    expect((await nats()).map((nat) => nat.State)).toEqual(["available"]);
    const natIp = (await nats())[0]?.NatGatewayAddresses?.[0]?.AllocationId ?? "";

    await deploy("nat", undefined, [{ ParameterKey: "Private", ParameterValue: "No" }], "UPDATE");
    expect((await nats()).map((nat) => nat.State)).toEqual(["deleted"]);
    const addresses = (await aws.ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [];
    expect(addresses.map((address) => address.AllocationId)).not.toContain(natIp);
    const tables = (await aws.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).RouteTables ?? [];
    expect(tables.flatMap((table) => table.Routes ?? []).filter((route) => route.NatGatewayId)).toEqual([]);

    await aws.cloudFormation.send(new DeleteStackCommand({ StackName: "nat" }));
    const left = (await aws.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).Vpcs ?? [];
    expect(left).toEqual([]);
  });
});

describe("ELBv2 in a stack: ListenerCertificate and load balancer attributes in Outputs", () => {
  it("attaches the extra certificate and reports DNSName / CanonicalHostedZoneID", async () => {
    const certificate = await aws.acm.send(new RequestCertificateCommand({ DomainName: "*.probe.convox" }));
    const template: Template = {
      Parameters: { Certificate: { Type: "String" } },
      Resources: {
        Vpc: vpc("10.50.0.0/16"),
        A: subnet(ref("Vpc"), "10.50.1.0/24", "us-east-1a"),
        B: subnet(ref("Vpc"), "10.50.2.0/24", "us-east-1b"),
        Group: { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "lb", VpcId: ref("Vpc") } },
        Balancer: {
          Type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
          Properties: { Scheme: "internal", Subnets: [ref("A"), ref("B")], SecurityGroups: [ref("Group")], Type: "application" },
        },
        Https: {
          Type: "AWS::ElasticLoadBalancingV2::Listener",
          Properties: {
            LoadBalancerArn: ref("Balancer"),
            Port: 443,
            Protocol: "HTTPS",
            Certificates: [{ CertificateArn: ref("Certificate") }],
            DefaultActions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404" } }],
          },
        },
        Extra: {
          Type: "AWS::ElasticLoadBalancingV2::ListenerCertificate",
          Properties: { ListenerArn: ref("Https"), Certificates: [{ CertificateArn: ref("Certificate") }] },
        },
      },
      Outputs: {
        Balancer: { Value: ref("Balancer") },
        Dns: { Value: getAtt("Balancer", "DNSName") },
        ZoneId: { Value: getAtt("Balancer", "CanonicalHostedZoneID") },
        Listener: { Value: ref("Https") },
      },
    };
    await deploy("elb", template, [{ ParameterKey: "Certificate", ParameterValue: certificate.CertificateArn ?? "" }]);
    const outputs = await outputsOf("elb");
    const balancer = (await aws.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [outputs.Balancer ?? ""] }))).LoadBalancers?.[0];
    expect(outputs.Dns).toBe(balancer?.DNSName);
    expect(outputs.ZoneId).toBe(balancer?.CanonicalHostedZoneId);
    const certificates = await aws.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: outputs.Listener }));
    expect((certificates.Certificates ?? []).map((c) => c.CertificateArn)).toContain(certificate.CertificateArn);

    await aws.cloudFormation.send(new DeleteStackCommand({ StackName: "elb" }));
  });
});

describe("the fault proxy", () => {
  it("injects every kind of fault, and an SDK client with 10 attempts still succeeds through 30%", async () => {
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 0.3, seed: 7 });
    try {
      const through = awsClients(proxy.endpoint, { maxAttempts: 10 });
      // Concurrent, so the SDK's backoff (about 1 s per throttle, doubling) is paid once, not thirty times.
      const vpcCalls = Array.from({ length: 30 }, () => through.ec2.send(new DescribeVpcsCommand({})));
      const otherCalls = Array.from({ length: 4 }, () => [
        through.cloudFormation.send(new DescribeStacksCommand({})),
        through.ecs.send(new ListClustersCommand({})),
        through.route53.send(new ListHostedZonesByVPCCommand({ VPCId: "vpc-00000000", VPCRegion: "us-east-1" })),
      ]).flat();
      const vpcs = await Promise.all(vpcCalls);
      await Promise.all(otherCalls);
      for (const result of vpcs) expect(result.Vpcs?.length).toBeGreaterThan(0);
      const stats = proxy.stats();
      expect(stats.faulted).toBeGreaterThan(0);
      const kinds: FaultKind[] = ["throttle", "server-error", "unavailable", "drop"];
      for (const kind of kinds) expect(stats.byKind[kind], kind).toBeGreaterThan(0);
      expect(stats.byProtocol.ec2).toBeGreaterThan(0);
      expect(stats.forwarded).toBeGreaterThanOrEqual(42);
    } finally {
      await proxy.stop();
    }
  });

  it("answers throttling in each protocol's shape, so the SDK sees a throttling error", async () => {
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 1, seed: 3, kinds: ["throttle"] });
    try {
      const once = awsClients(proxy.endpoint, { maxAttempts: 1 });
      const calls: [string, () => Promise<unknown>, string][] = [
        ["EC2", () => once.ec2.send(new DescribeVpcsCommand({})), "RequestLimitExceeded"],
        ["CloudFormation", () => once.cloudFormation.send(new DescribeStacksCommand({})), "Throttling"],
        ["ECS", () => once.ecs.send(new ListClustersCommand({})), "ThrottlingException"],
        ["Route 53", () => once.route53.send(new ListHostedZonesByVPCCommand({ VPCId: "vpc-0", VPCRegion: "us-east-1" })), "Throttling"],
      ];
      for (const [service, call, code] of calls) {
        await expect(call(), service).rejects.toMatchObject({ name: code });
      }
    } finally {
      await proxy.stop();
    }
  });
});
