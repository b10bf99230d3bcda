import { describe, expect, it } from "vitest";
import type { SecurityGroupRule } from "@aws-sdk/client-ec2";
import type { ResourceDrift } from "../../src/aws/drift.js";
import { analyzeDrift, uncomparedGroups } from "../../src/shared-steps/drift-analysis.js";

/** DescribeStackResourceDrifts entries as the rack's stack gives them (ExpectedProperties resolved). */
function drift(logicalId: string, type: string, fields: Partial<ResourceDrift> = {}): ResourceDrift {
  return { logicalId, physicalId: `${logicalId}-id`, type, status: "IN_SYNC", expected: {}, actual: {}, differences: [], ...fields };
}

const network = drift("NetworkSecurityGroup", "AWS::EC2::SecurityGroup", { physicalId: "sg-net", expected: { GroupDescription: "racknet private network", VpcId: "vpc-1" } });
const fromMembers = (protocol: string) =>
  drift(`Network${protocol === "tcp" ? "Tcp" : "Udp"}FromMembers`, "AWS::EC2::SecurityGroupIngress", { expected: { GroupId: "sg-net", SourceSecurityGroupId: "sg-net", IpProtocol: protocol, FromPort: 0, ToPort: 65535 } });
const balancerGroup = (fields: Partial<ResourceDrift> = {}) =>
  drift("ExternalLoadBalancerSecurityGroup", "AWS::EC2::SecurityGroup", {
    physicalId: "sg-lb",
    expected: { SecurityGroupIngress: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIp: "0.0.0.0/0" }] },
    ...fields,
  });

function ec2Rule(groupId: string, rule: Partial<SecurityGroupRule>): SecurityGroupRule {
  return { GroupId: groupId, IsEgress: false, ...rule };
}

const membersRules = [
  ec2Rule("sg-net", { IpProtocol: "tcp", FromPort: 0, ToPort: 65535, ReferencedGroupInfo: { GroupId: "sg-net" } }),
  ec2Rule("sg-net", { IpProtocol: "udp", FromPort: 0, ToPort: 65535, ReferencedGroupInfo: { GroupId: "sg-net" } }),
  ec2Rule("sg-net", { IsEgress: true, IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv4: "0.0.0.0/0" }),
];

describe("what drift detection cannot see, racknet compares itself", () => {
  it("a group whose template lists no inline rules is compared in those directions, not the load balancer group that lists ingress", () => {
    expect(uncomparedGroups([network, balancerGroup(), fromMembers("tcp")])).toEqual([
      { logicalId: "NetworkSecurityGroup", groupId: "sg-net", directions: ["ingress", "egress"] },
      { logicalId: "ExternalLoadBalancerSecurityGroup", groupId: "sg-lb", directions: ["egress"] },
    ]);
  });

  it("the rules of the stack's own AWS::EC2::SecurityGroupIngress resources and AWS's default egress are not drift", () => {
    const result = analyzeDrift([network, fromMembers("tcp"), fromMembers("udp")], membersRules);
    expect(result.resources).toEqual([]);
    expect(result.notes[0]).toContain("NetworkSecurityGroup (sg-net): CloudFormation does not compare its ingress and egress rules");
    expect(result.notes[0]).toContain("against NetworkTcpFromMembers, NetworkUdpFromMembers");
  });

  it("an ingress rule added by hand to the private network's group (IN_SYNC for CloudFormation) is found, marked security and open to every address", () => {
    const added = ec2Rule("sg-net", { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "0.0.0.0/0" });
    const [resource] = analyzeDrift([network, fromMembers("tcp"), fromMembers("udp")], [...membersRules, added]).resources;
    expect(resource).toMatchObject({ logicalId: "NetworkSecurityGroup", physicalId: "sg-net", status: "MODIFIED", security: true, foundBy: "racknet" });
    expect(resource?.differences).toEqual([expect.objectContaining({ difference: "ADD", rule: "tcp 22 from 0.0.0.0/0", openToTheWorld: true })]);
  });

  it("an egress rule added by hand is found too; one to a peer group the template never named", () => {
    const added = ec2Rule("sg-net", { IsEgress: true, IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: { GroupId: "sg-db" } });
    const [resource] = analyzeDrift([network, fromMembers("tcp"), fromMembers("udp")], [...membersRules, added]).resources;
    expect(resource?.differences.map((difference) => difference.rule)).toEqual(["tcp 5432 to sg-db"]);
  });
});

describe("what drift detection reports, made honest", () => {
  it("on a group with inline rules, a separate resource's rule reported as ADD is the stack's own; a rule added by hand stays", () => {
    const own = drift("LbExtraIngress", "AWS::EC2::SecurityGroupIngress", { expected: { GroupId: "sg-lb", IpProtocol: "tcp", FromPort: 8443, ToPort: 8443, CidrIp: "10.0.0.0/16" } });
    const group = balancerGroup({
      status: "MODIFIED",
      differences: [
        { path: "/SecurityGroupIngress/1", difference: "ADD", expected: "null", actual: '{"CidrIp":"10.0.0.0/16","FromPort":8443,"IpProtocol":"tcp","ToPort":8443}' },
        { path: "/SecurityGroupIngress/2", difference: "ADD", expected: "null", actual: '{"CidrIpv6":"::/0","FromPort":22,"IpProtocol":"tcp","ToPort":22}' },
      ],
    });
    const result = analyzeDrift([group, own], []);
    expect(result.resources).toHaveLength(1);
    expect(result.resources[0]?.differences).toEqual([expect.objectContaining({ path: "/SecurityGroupIngress/2", rule: "tcp 22 from ::/0", openToTheWorld: true })]);
    expect(result.notes).toContainEqual(expect.stringContaining("ExternalLoadBalancerSecurityGroup: CloudFormation reports the rules of LbExtraIngress"));
  });

  it("a group whose only reported differences are the stack's own rules is not drifted", () => {
    const own = drift("LbExtraIngress", "AWS::EC2::SecurityGroupIngress", { expected: { GroupId: "sg-lb", IpProtocol: "tcp", FromPort: 8443, ToPort: 8443, CidrIp: "10.0.0.0/16" } });
    const group = balancerGroup({ status: "MODIFIED", differences: [{ path: "/SecurityGroupIngress/1", difference: "ADD", expected: "null", actual: '{"CidrIp":"10.0.0.0/16","FromPort":"8443","IpProtocol":"6","ToPort":"8443"}' }] });
    expect(analyzeDrift([group, own], []).resources).toEqual([]);
  });

  it("security-relevant drift comes first (open to the world first of all), then the rest by name; deleted resources are listed", () => {
    const listener = drift("ExternalHttpsListener", "AWS::ElasticLoadBalancingV2::Listener", {
      status: "MODIFIED",
      differences: [{ path: "/SslPolicy", difference: "NOT_EQUAL", expected: "ELBSecurityPolicy-TLS13-1-2-2021-06", actual: "ELBSecurityPolicy-2016-08" }],
    });
    const logGroup = drift("AppLogs", "AWS::Logs::LogGroup", { status: "MODIFIED", differences: [{ path: "/RetentionInDays", difference: "NOT_EQUAL", expected: "30", actual: "1" }] });
    const gone = drift("BuildRole", "AWS::IAM::Role", { status: "DELETED" });
    const opened = balancerGroup({ status: "MODIFIED", differences: [{ path: "/SecurityGroupIngress/1", difference: "ADD", expected: "null", actual: '{"CidrIp":"0.0.0.0/0","FromPort":22,"IpProtocol":"tcp","ToPort":22}' }] });
    const order = analyzeDrift([logGroup, listener, gone, opened], []).resources.map((resource) => [resource.logicalId, resource.security]);
    expect(order).toEqual([
      ["ExternalLoadBalancerSecurityGroup", true],
      ["BuildRole", true],
      ["ExternalHttpsListener", true],
      ["AppLogs", false],
    ]);
  });
});
