import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExecuteChangeSetCommand } from "@aws-sdk/client-cloudformation";
import { DescribeVpcPeeringConnectionsCommand, type DescribeVpcPeeringConnectionsCommandInput } from "@aws-sdk/client-ec2";
import { GetServiceQuotaCommand } from "@aws-sdk/client-service-quotas";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import {
  AssociateVPCWithHostedZoneCommand,
  CreateVPCAssociationAuthorizationCommand,
  DeleteVPCAssociationAuthorizationCommand,
  ListVPCAssociationAuthorizationsCommand,
  DisassociateVPCFromHostedZoneCommand,
  GetHostedZoneCommand,
} from "@aws-sdk/client-route-53";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { run as rackUpdate } from "../../src/operations/rack-update.js";
import { run as install, type InstallArgs } from "../../src/operations/rack-install.js";
import { run as peer, type PeerArgs } from "../../src/operations/rack-peer.js";
import { run as unpeer } from "../../src/operations/rack-unpeer.js";
import { run as peers, type PeeringView } from "../../src/operations/rack-peers.js";
import { run as uninstall } from "../../src/operations/rack-uninstall.js";
import { awsHarness, resourceWrites, type AwsHarness } from "../support/aws-harness.js";

/** `racknet rack peer RACK PEER` (SPEC section 7, issue 25), on the in-memory AWS. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
  // Peering widens who reaches each router: --yes alone does not approve that (docs/peering.md).
  Object.assign(h.options, { yes: true, requireApproval: "never" });
});
afterEach(() => h.restore());

const args = (name: string, params: string[] = []): InstallArgs => ({ name, params, private: false });
const peering = (rack: string, other: string, more: Partial<PeerArgs> = {}): PeerArgs => ({ rack, peer: other, ...more });

async function twoRacks(params: string[] = ["internal_router=true"]): Promise<void> {
  for (const name of ["a", "b"]) expect((await h.run(install, args(name, params))).exitCode).toBe(0);
}

describe("racknet rack peer", () => {
  it("two racks of one Region: the connection and both sides' routes, then each router open to the other and its names resolved there", async () => {
    await twoRacks();
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode, result.stderr).toBe(0);
    const mine = h.cloudFormation.stack("a-peering-b");
    const theirs = h.cloudFormation.stack("b-peering-a");
    expect(mine?.tags).toMatchObject({ "racknet:kind": "peering", "racknet:rack": "a", "racknet:peer": "b" });
    expect(theirs?.tags).toMatchObject({ "racknet:kind": "peering", "racknet:rack": "b", "racknet:peer": "a" });
    const a = h.cloudFormation.stack("a");
    const b = h.cloudFormation.stack("b");
    expect(a?.parameters.InternalRouterCidrs).toBe("10.0.0.0/16,10.1.0.0/16");
    expect(b?.parameters.InternalRouterCidrs).toBe("10.1.0.0/16,10.0.0.0/16");
    expect(a?.parameters.InternalRouterVpcs).toBe(b?.outputs.VpcId);
    expect(b?.parameters.InternalRouterVpcs).toBe(a?.outputs.VpcId);
    expect(result.stderr).toContain("data crossing it is charged per GB");
    expect(result.stderr).toMatch(/rack a \(us-east-1\) and rack b \(us-east-1\) are peered/);
  });

  it("with --yes alone: refused at rack a's router (it widens), before anything is made", async () => {
    await twoRacks();
    h.options.requireApproval = "broadening";
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("not applied to rack a: it widens who can reach what already exists");
    expect(h.cloudFormation.stack("a-peering-b")).toBeUndefined();
    expect(h.cloudFormation.stack("a")?.parameters.InternalRouterCidrs).toBe("");
  });

  it("peering twice: refused, saying all is in place, nothing written", async () => {
    await twoRacks();
    await h.run(peer, peering("a", "b"));
    const again = await h.run(peer, peering("a", "b"));
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("already peered");
    expect(resourceWrites(again).filter((write) => write.startsWith("CloudFormation."))).toEqual([]);
  });

  it("a rack without internal_router: refused before any write, naming the params set that turns it on", async () => {
    await twoRacks([]);
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("rack a has no internal router");
    expect(result.stderr).toContain("racknet rack params set internal_router=true -r a");
    expect(resourceWrites(result).filter((write) => write.startsWith("CloudFormation."))).toEqual([]);
  });

  it("overlapping ranges: refused before any write, naming both racks and ranges", async () => {
    expect((await h.run(install, args("a", ["internal_router=true", "VPCCIDR=10.5.0.0/16"]))).exitCode).toBe(0);
    expect((await h.run(install, args("b", ["internal_router=true", "VPCCIDR=10.5.128.0/17"]))).exitCode).toBe(0);
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("rack a (10.5.0.0/16) and rack b (10.5.128.0/17) have overlapping address ranges");
    expect(resourceWrites(result).filter((write) => write.startsWith("CloudFormation."))).toEqual([]);
  });

  it("a rack with itself, a peer that does not exist, a --peer-profile that is not configured: refused, nothing written", async () => {
    await twoRacks();
    const self = await h.run(peer, peering("a", "a"));
    expect(self.stderr).toContain("cannot be peered with itself");
    const missing = await h.run(peer, peering("a", "nosuch"));
    expect(missing.stderr).toContain('rack "nosuch" not found in us-east-1');
    const profile = await h.run(peer, peering("a", "b", { peerProfile: "nosuchprofile" }));
    expect(profile.stderr).toContain("--peer-profile nosuchprofile: no such profile in the AWS config or credentials file");
    for (const result of [self, missing, profile]) {
      expect(result.exitCode).toBe(1);
      expect(resourceWrites(result).filter((write) => write.startsWith("CloudFormation."))).toEqual([]);
    }
  });

  it("--dry-run: rack a's side is shown, nothing is made", async () => {
    await twoRacks();
    h.options.dryRun = true;
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/AWS::EC2::VPCPeeringConnection/);
    expect(h.cloudFormation.stack("a-peering-b")).toBeUndefined();
    expect(h.cloudFormation.stack("a")?.parameters.InternalRouterCidrs).toBe("");
  });
});

describe("rack peer and the quota of active peering connections per VPC (vpc L-7E9ECCDB)", () => {
  /** `count` active peerings of `vpc` with VPCs of no rack, as EC2 answers the filter on either side. */
  function peeredWithOthers(vpc: string, count: number): void {
    const connections = Array.from({ length: count }, (_, index) => ({
      VpcPeeringConnectionId: `pcx-other${index}`,
      Status: { Code: "active" },
      RequesterVpcInfo: { VpcId: vpc },
      AccepterVpcInfo: { VpcId: `vpc-elsewhere${index}` },
    }));
    h.stubs.EC2?.on(DescribeVpcPeeringConnectionsCommand).callsFake(async (input: DescribeVpcPeeringConnectionsCommandInput) => ({
      VpcPeeringConnections: input.VpcPeeringConnectionIds
        ? input.VpcPeeringConnectionIds.map((id) => ({ VpcPeeringConnectionId: id, Status: { Code: "active" } }))
        : connections.filter((connection) => input.Filters?.some((filter) => filter.Name === "requester-vpc-info.vpc-id" && filter.Values?.includes(vpc))),
    }));
  }

  it("a VPC at the applied quota: refused before any write, naming the quota, its code and the command that raises it", async () => {
    await twoRacks();
    h.quotas["vpc/L-7E9ECCDB"] = 50;
    peeredWithOthers(h.cloudFormation.stack("b")?.outputs.VpcId ?? "", 50);
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/rack b's VPC vpc-\S+ \(us-east-1\) has 50 active peering connections, the account's quota \(Active VPC peering connections per VPC, L-7E9ECCDB: 50\)/);
    expect(result.stderr).toContain("aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-7E9ECCDB --desired-value 51 --region us-east-1");
    expect(resourceWrites(result).filter((write) => write.startsWith("CloudFormation."))).toEqual([]);
  });

  it("the applied value, not the default: with the quota raised to 60, 50 active peerings leave room", async () => {
    await twoRacks();
    h.quotas["vpc/L-7E9ECCDB"] = 60;
    peeredWithOthers(h.cloudFormation.stack("a")?.outputs.VpcId ?? "", 50);
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.cloudFormation.stack("a-peering-b")).toBeDefined();
  });

  it("Service Quotas not answering: AWS's default, 50, is the limit", async () => {
    await twoRacks();
    h.stubs.ServiceQuotas?.on(GetServiceQuotaCommand).rejects(Object.assign(new Error("not allowed"), { name: "AccessDeniedException" }));
    peeredWithOthers(h.cloudFormation.stack("a")?.outputs.VpcId ?? "", 50);
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("L-7E9ECCDB: 50)");
    expect(resourceWrites(result).filter((write) => write.startsWith("CloudFormation."))).toEqual([]);
  });
});

describe("rack peer and unpeer --peer-profile (a rack of another account)", () => {
  const OTHER = "222222222222";
  let home: string;
  let savedConfig: string | undefined;
  /** Each router zone's VPCs (`region:vpc`), and who did what in Route 53: `<account> <operation>`. */
  let zones: Map<string, string[]>;
  /** Each router zone's authorizations not withdrawn (`region:vpc`). */
  let authorized: Map<string, string[]>;
  let route53: string[];
  const account = (client: unknown) => ((client as { config?: { profile?: string } }).config?.profile === "other" ? OTHER : "123456789012");

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "racknet-peer-"));
    writeFileSync(join(home, "config"), "[profile other]\nregion = us-east-1\n");
    savedConfig = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = join(home, "config");
    zones = new Map();
    authorized = new Map();
    route53 = [];
    h.stubs.STS?.on(GetCallerIdentityCommand).callsFake(async (_input: unknown, getClient: () => unknown) => ({ Account: account(getClient()), Arn: `arn:aws:iam::${account(getClient())}:user/test` }));
    const vpcOf = (input: { VPC?: { VPCId?: string; VPCRegion?: string } }) => `${input.VPC?.VPCRegion ?? ""}:${input.VPC?.VPCId ?? ""}`;
    const zoneOf = (id: string) => zones.get(id) ?? [];
    const route53Stub = h.stubs.Route53;
    route53Stub?.on(GetHostedZoneCommand).callsFake(async (input: { Id?: string }) => ({ HostedZone: { Id: input.Id, Name: "z.", CallerReference: "x" }, VPCs: zoneOf(input.Id ?? "").map((vpc) => ({ VPCRegion: vpc.split(":")[0], VPCId: vpc.split(":")[1] })) }));
    route53Stub?.on(CreateVPCAssociationAuthorizationCommand).callsFake(async (input: { HostedZoneId?: string; VPC?: { VPCId?: string; VPCRegion?: string } }, getClient: () => unknown) => {
      route53.push(`${account(getClient())} authorize ${input.HostedZoneId ?? ""}`);
      authorized.set(input.HostedZoneId ?? "", [...(authorized.get(input.HostedZoneId ?? "") ?? []), vpcOf(input)]);
      return {};
    });
    route53Stub?.on(ListVPCAssociationAuthorizationsCommand).callsFake(async (input: { HostedZoneId?: string }) => ({
      HostedZoneId: input.HostedZoneId,
      VPCs: (authorized.get(input.HostedZoneId ?? "") ?? []).map((vpc) => ({ VPCRegion: vpc.split(":")[0], VPCId: vpc.split(":")[1] })),
    }));
    route53Stub?.on(AssociateVPCWithHostedZoneCommand).callsFake(async (input: { HostedZoneId?: string; VPC?: { VPCId?: string; VPCRegion?: string } }, getClient: () => unknown) => {
      route53.push(`${account(getClient())} associate ${input.HostedZoneId ?? ""}`);
      zones.set(input.HostedZoneId ?? "", [...zoneOf(input.HostedZoneId ?? ""), vpcOf(input)]);
      return { ChangeInfo: { Id: "c", Status: "INSYNC", SubmittedAt: new Date() } };
    });
    route53Stub?.on(DeleteVPCAssociationAuthorizationCommand).callsFake(async (input: { HostedZoneId?: string; VPC?: { VPCId?: string; VPCRegion?: string } }, getClient: () => unknown) => {
      route53.push(`${account(getClient())} withdraw ${input.HostedZoneId ?? ""}`);
      authorized.set(input.HostedZoneId ?? "", (authorized.get(input.HostedZoneId ?? "") ?? []).filter((vpc) => vpc !== vpcOf(input)));
      return {};
    });
    route53Stub?.on(DisassociateVPCFromHostedZoneCommand).callsFake(async (input: { HostedZoneId?: string; VPC?: { VPCId?: string; VPCRegion?: string } }, getClient: () => unknown) => {
      route53.push(`${account(getClient())} disassociate ${input.HostedZoneId ?? ""}`);
      zones.set(input.HostedZoneId ?? "", zoneOf(input.HostedZoneId ?? "").filter((vpc) => vpc !== vpcOf(input)));
      return { ChangeInfo: { Id: "c", Status: "INSYNC", SubmittedAt: new Date() } };
    });
  });
  afterEach(() => {
    if (savedConfig === undefined) delete process.env.AWS_CONFIG_FILE;
    else process.env.AWS_CONFIG_FILE = savedConfig;
    rmSync(home, { recursive: true, force: true });
  });

  it("peer: routers by CIDR only, the accepter's role before the connection, the connection with PeerOwnerId and PeerRoleArn, each zone authorized by its owner and associated by the VPC's; unpeer dissociates first", async () => {
    await twoRacks();
    const zoneA = h.cloudFormation.stack("a")?.outputs.RouterZoneId ?? "";
    const zoneB = h.cloudFormation.stack("b")?.outputs.RouterZoneId ?? "";
    expect(zoneA).not.toBe("");
    zones.set(zoneA, [`us-east-1:${h.cloudFormation.stack("a")?.outputs.VpcId ?? ""}`]);
    zones.set(zoneB, [`us-east-1:${h.cloudFormation.stack("b")?.outputs.VpcId ?? ""}`]);
    const result = await h.run(peer, peering("a", "b", { peerProfile: "other" }));
    expect(result.exitCode, result.stderr).toBe(0);
    const asks = h.cloudFormation.stack("a-peering-b");
    expect(asks?.resources.PeeringConnection?.Properties).toMatchObject({ PeerOwnerId: OTHER, PeerRoleArn: h.cloudFormation.stack("b-peering-a")?.outputs.PeeringAcceptRoleArn });
    expect(Object.keys(h.cloudFormation.stack("b-peering-a")?.resources ?? {})).toContain("PeeringAcceptRole");
    expect(asks?.outputs.PeerAccountId).toBe(OTHER);
    expect([h.cloudFormation.stack("a")?.parameters.InternalRouterVpcs, h.cloudFormation.stack("b")?.parameters.InternalRouterVpcs]).toEqual(["", ""]);
    expect(h.cloudFormation.stack("a")?.parameters.InternalRouterCidrs).toBe("10.0.0.0/16,10.1.0.0/16");
    expect(route53).toEqual([
      `123456789012 authorize ${zoneA}`,
      `${OTHER} associate ${zoneA}`,
      `123456789012 withdraw ${zoneA}`,
      `${OTHER} authorize ${zoneB}`,
      `123456789012 associate ${zoneB}`,
      `${OTHER} withdraw ${zoneB}`,
    ]);
    expect(zones.get(zoneA)).toHaveLength(2);
    expect([...authorized.values()].flat()).toEqual([]);

    // rack peers on a's side: complete; then an authorization left on a's zone (a run stopped before withdrawing it) is named.
    Object.assign(h.options, { json: true, rack: "a" });
    expect((JSON.parse((await h.run(peers, {})).stdout) as PeeringView[]).map((view) => [view.rack, view.complete])).toEqual([["a", true]]);
    const vpcB = `us-east-1:${h.cloudFormation.stack("b")?.outputs.VpcId ?? ""}`;
    authorized.set(zoneA, [vpcB]);
    const left = JSON.parse((await h.run(peers, {})).stdout) as PeeringView[];
    expect(left[0]?.complete).toBe(false);
    expect(left[0]?.missing).toEqual([expect.stringContaining(`rack a's router zone ${zoneA} still authorizes account ${OTHER} to associate VPC ${vpcB.split(":")[1] ?? ""}`)]);
    authorized.set(zoneA, []);
    Object.assign(h.options, { json: false, rack: undefined });

    route53 = [];
    const undone = await h.run(unpeer, { rack: "a", peer: "b", peerProfile: "other" });
    expect(undone.exitCode, undone.stderr).toBe(0);
    expect(route53).toEqual([`${OTHER} withdraw ${zoneB}`, `${OTHER} disassociate ${zoneB}`, `123456789012 withdraw ${zoneA}`, `123456789012 disassociate ${zoneA}`]);
    expect(h.cloudFormation.stack("a-peering-b")).toBeUndefined();
    expect(h.cloudFormation.stack("b-peering-a")).toBeUndefined();
    expect(h.cloudFormation.stack("a")?.parameters.InternalRouterCidrs).toBe("");
  });
});

describe("racknet rack unpeer, and uninstall while peered", () => {
  it("uninstall is refused while the rack is peered, naming rack unpeer; unpeer leaves both racks as before; then uninstall goes on", async () => {
    await twoRacks();
    const before = { a: { ...h.cloudFormation.stack("a")?.parameters }, b: { ...h.cloudFormation.stack("b")?.parameters } };
    expect((await h.run(peer, peering("a", "b"))).exitCode).toBe(0);
    for (const name of ["a", "b"]) {
      const refused = await h.run(uninstall, { name });
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain(`rack ${name} is peered with ${name === "a" ? "b" : "a"}`);
      expect(refused.stderr).toContain(`racknet rack unpeer ${name} ${name === "a" ? "b" : "a"}`);
      expect(h.cloudFormation.stack(name)?.status).toBe("UPDATE_COMPLETE");
    }
    const result = await h.run(unpeer, { rack: "a", peer: "b" });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.cloudFormation.stack("a-peering-b")).toBeUndefined();
    expect(h.cloudFormation.stack("b-peering-a")).toBeUndefined();
    expect(h.cloudFormation.stack("a")?.parameters).toMatchObject({ InternalRouterCidrs: before.a.InternalRouterCidrs, InternalRouterVpcs: before.a.InternalRouterVpcs });
    expect(h.cloudFormation.stack("b")?.parameters).toMatchObject({ InternalRouterCidrs: before.b.InternalRouterCidrs, InternalRouterVpcs: before.b.InternalRouterVpcs });
    expect((await h.run(uninstall, { name: "b" })).exitCode).toBe(0);
  });

  it("unpeer of racks that are not peered: refused, nothing written", async () => {
    await twoRacks();
    const result = await h.run(unpeer, { rack: "a", peer: "b" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("are not peered");
    expect(resourceWrites(result).filter((write) => write.startsWith("CloudFormation."))).toEqual([]);
  });
});

describe("racknet rack peers", () => {
  it("each side of a peering: its connection, active and complete; what someone removed by hand is named, with the command that puts it back", async () => {
    await twoRacks();
    expect((await h.run(peer, peering("a", "b"))).exitCode).toBe(0);
    Object.assign(h.options, { json: true });
    const listed = await h.run(peers, {});
    const views = JSON.parse(listed.stdout) as PeeringView[];
    expect(views.map((view) => [view.rack, view.peer, view.peerRegion, view.state, view.complete])).toEqual([
      ["a", "b", "us-east-1", "active", true],
      ["b", "a", "us-east-1", "active", true],
    ]);
    expect(views[0]?.peeringConnectionId).toBe(views[1]?.peeringConnectionId);
    // By hand: rack b's router closed to a, and b's side of the peering deleted.
    Object.assign(h.cloudFormation.stack("b")?.parameters ?? {}, { InternalRouterCidrs: "", InternalRouterVpcs: "" });
    h.options.rack = "a";
    const changed = JSON.parse((await h.run(peers, {})).stdout) as PeeringView[];
    expect(changed).toHaveLength(1);
    expect(changed[0]?.complete).toBe(false);
    expect(changed[0]?.missing).toEqual([expect.stringMatching(/^rack b's router is not open to a's range.*; racknet rack peer a b puts it back$/)]);
  });
});

describe("rack peer stopped half way, then run again", () => {
  it("a failure on the peer's side: exit 3 naming the same command; run again, it finishes what is left and ends as an undisturbed run", async () => {
    await twoRacks();
    h.cloudFormation.failNext("b-peering-a", { logicalId: "RouteToPeerFromPublicRouteTable", reason: "Resource handler returned message: \"Rate exceeded\"" });
    const stopped = await h.run(peer, peering("a", "b"));
    expect(stopped.exitCode).toBe(3);
    expect(stopped.stderr).toContain("racknet rack peer a b");
    expect(h.cloudFormation.stack("a")?.parameters.InternalRouterCidrs).toBe("10.0.0.0/16,10.1.0.0/16");
    Object.assign(h.options, { json: true });
    const listed = JSON.parse((await h.run(peers, {})).stdout) as PeeringView[];
    expect(listed.find((view) => view.rack === "a")?.missing).toEqual([
      expect.stringMatching(/^racknet rack peer a b@us-east-1 is not finished .*done: rack a: the peering connection.*failed: rack b: a route to .*; run `racknet rack peer a b` again to finish it$/),
      expect.stringContaining("rack b's side (stack b-peering-a in us-east-1)"),
    ]);
    h.options.json = false;
    const finished = await h.run(peer, peering("a", "b"));
    expect(finished.exitCode, finished.stderr).toBe(0);
    expect(finished.stderr).toContain("finishing racknet rack peer a b@us-east-1");
    expect(h.cloudFormation.stack("b-peering-a")?.status).toBe("CREATE_COMPLETE");
    Object.assign(h.options, { json: true });
    expect((JSON.parse((await h.run(peers, {})).stdout) as PeeringView[]).map((view) => view.complete)).toEqual([true, true]);
  });
});

describe("rack peer and unpeer hold both racks' locks", () => {
  const lockOf = (operation: string) => {
    const now = new Date().toISOString();
    return JSON.stringify({ v: 1, operation, key: "", command: `racknet ${operation}`, owner: { user: "ci", host: "runner-7", pid: 4242 }, token: "t", startedAt: now, heartbeatAt: now });
  };
  const locks = () => ["a", "b"].filter((rack) => h.parameters.values.has(`/racknet/${rack}/locks/rack`));

  /** While the given stack's change set runs, `params set` and `rack update` on rack b, as another racknet would. */
  function onPeerWhileRunning(stackName: string): Promise<{ set: Awaited<ReturnType<typeof h.run>>; update: Awaited<ReturnType<typeof h.run>>; locks: string[] }> {
    return new Promise((resolve) => {
      h.stubs.CloudFormation?.on(ExecuteChangeSetCommand).callsFake(async (input: { ChangeSetName?: string; StackName?: string }) => {
        const answer = h.cloudFormation.executeChangeSet(input);
        const stack = h.cloudFormation.stacks.find((candidate) => candidate.id === input.StackName || candidate.name === input.StackName);
        if (stack?.name === stackName) {
          const held = locks();
          const outer = h.options.rack;
          h.options.rack = "b";
          // Rack b as an older racknet left it, so that rack update has work to do.
          const b = h.cloudFormation.stack("b");
          if (b) delete b.outputs.TemplateVersion;
          const set = await h.run(paramsSet, { params: ["Domain=example.com"] });
          const update = await h.run(rackUpdate, {});
          h.options.rack = outer;
          resolve({ set, update, locks: held });
        }
        return answer;
      });
    });
  }

  it("while rack peer a b runs, params set and rack update on rack b are refused, naming the peering; both locks go at the end", async () => {
    await twoRacks();
    const during = onPeerWhileRunning("a-peering-b");
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode, result.stderr).toBe(0);
    const { set, update, locks: held } = await during;
    expect(held).toEqual(["a", "b"]);
    for (const refused of [set, update]) {
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain("rack b is busy: racknet rack peer a b@us-east-1 is running");
      expect(resourceWrites(refused)).toEqual([]);
    }
    expect(h.cloudFormation.stack("b")?.parameters.Domain).toBe("");
    expect(locks()).toEqual([]);
  });

  it("while rack unpeer a b runs, the same", async () => {
    await twoRacks();
    expect((await h.run(peer, peering("a", "b"))).exitCode).toBe(0);
    const during = onPeerWhileRunning("a");
    const result = await h.run(unpeer, { rack: "a", peer: "b" });
    expect(result.exitCode, result.stderr).toBe(0);
    const { set, locks: held } = await during;
    expect(held).toEqual(["a", "b"]);
    expect(set.exitCode).toBe(1);
    expect(set.stderr).toContain("rack b is busy: racknet rack unpeer a b@us-east-1 is running");
    expect(locks()).toEqual([]);
  });

  it("rack b busy with another racknet: rack peer a b is refused naming it, nothing written, rack a's lock given back", async () => {
    await twoRacks();
    h.parameters.putParameter({ Name: "/racknet/b/locks/rack", Value: lockOf("rack params set") });
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("rack b is busy: racknet rack params set is running");
    expect(resourceWrites(result)).toEqual([]);
    expect(locks()).toEqual(["b"]);
  });

  it("rack b with an unfinished operation of its own: refused, naming the command that finishes it", async () => {
    await twoRacks();
    h.cloudFormation.failNext("a", { logicalId: "RouterLoadBalancer", reason: "Rate exceeded" });
    const other = await h.run(peer, peering("b", "a"));
    expect(other.exitCode).toBe(3);
    const result = await h.run(peer, peering("a", "b"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("rack b has an unfinished operation: racknet rack peer b a");
    expect(resourceWrites(result)).toEqual([]);
  });
});
