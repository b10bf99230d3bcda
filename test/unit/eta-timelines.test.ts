import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StackActivity } from "../../src/aws/stack-events.js";
import type { PlannedResource } from "../../src/plan/eta.js";
import { ActivityBoard } from "../../src/ui/activity-board.js";
import { Eta } from "../../src/ui/eta.js";

/**
 * The ETA replayed second by second over whole stack operations (docs/decisions.md, "The ETA"):
 * at every second the live view could redraw, the range it would show against the time really
 * left. One timeline recorded through the AWS-timing proxy (every resource released at an even
 * pace whatever its type), one with AWS's usual durations per type (a load balancer for minutes).
 */

interface TimelineEvent {
  /** When racknet read it, ms after the operation started. */
  readMs: number;
  /** Its own timestamp, ms after the operation started (AWS's clock). */
  stampMs: number;
  logicalId: string;
  resourceType: string;
  status: string;
  isStack: boolean;
}

interface Timeline {
  viewStartMs: number;
  endMs: number;
  planned: PlannedResource[];
  events: TimelineEvent[];
}

interface Moment {
  atS: number;
  leftS: number;
  shown: "finishing" | readonly [number, number];
  held: boolean;
}

/** `finishing` claims at most this much is left (the bench counts it so too: scripts/bench/eta.mjs). */
const FINISHING_S = 30;
/** AWS's clock runs this far behind the local one in the replays: the estimate must not care. */
const SKEW_MS = 7_000;

function replay(timeline: Timeline): Moment[] {
  const origin = Date.parse("2026-03-01T10:00:00Z");
  const board = new ActivityBoard(timeline.planned.length, origin + timeline.viewStartMs);
  const eta = new Eta(timeline.planned);
  const events = [...timeline.events].sort((a, b) => a.readMs - b.readMs);
  const moments: Moment[] = [];
  let next = 0;
  for (let atMs = timeline.viewStartMs; atMs < timeline.endMs; atMs += 1000) {
    while (next < events.length && events[next]!.readMs <= atMs) {
      const event = events[next]!;
      board.record(activity(event, origin - SKEW_MS), origin + event.readMs);
      next += 1;
    }
    const estimate = eta.estimate(board, origin + atMs);
    if (estimate.kind === "none") throw new Error("the plan's resources are known: an estimate is due");
    const leftS = (timeline.endMs - atMs) / 1000;
    const shown = estimate.kind === "finishing" ? "finishing" : estimate.range;
    const held = shown === "finishing" ? leftS <= FINISHING_S : leftS >= shown[0] && leftS <= shown[1];
    moments.push({ atS: atMs / 1000, leftS, shown, held });
  }
  return moments;
}

function activity(event: TimelineEvent, awsOrigin: number): StackActivity {
  return { id: `${event.logicalId}-${event.status}-${event.stampMs}`, timestamp: new Date(awsOrigin + event.stampMs), logicalId: event.logicalId, resourceType: event.resourceType, status: event.status, isStack: event.isStack };
}

const width = (moment: Moment) => (moment.shown === "finishing" ? FINISHING_S : moment.shown[1] - moment.shown[0]);
const misses = (moments: Moment[]) => moments.filter((moment) => !moment.held).map((moment) => `${moment.atS}s: ${JSON.stringify(moment.shown)} with ${moment.leftS}s left`);

const proxyInstall = JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/eta/proxy-install.json"), "utf8")) as Timeline;

/**
 * A public rack's install (the same 42 resources) at AWS's usual pace: each resource from its
 * start to its end in seconds, in the order CloudFormation's dependencies allow; the load
 * balancer (about 2.5 min) decides. Events are read every 2.4 s, as the engine's cadence does.
 */
const AWS_DURATIONS: Record<string, readonly [number, number]> = {
  Vpc: [0, 13],
  InternetGateway: [0, 17],
  InternetGatewayAttachment: [18, 34],
  PublicRouteTable: [14, 16],
  PublicDefaultRoute: [35, 37],
  NetworkSecurityGroup: [14, 19],
  NetworkTcpFromMembers: [20, 21],
  NetworkUdpFromMembers: [20, 21],
  PublicSubnet1: [14, 19],
  PublicSubnet1Routes: [20, 21],
  PublicSubnet2: [14, 19],
  PublicSubnet2Routes: [20, 21],
  PublicSubnet3: [14, 20],
  PublicSubnet3Routes: [21, 22],
  ExternalBalancerSecurityGroup: [14, 19],
  ExternalBalancer: [23, 178],
  ExternalHttpListener: [179, 180],
  ExternalHttpsListener: [179, 181],
  RackZone: [0, 42],
  PrivateNetworkZone: [14, 61],
  Cluster: [0, 7],
  ExecutionRole: [0, 16],
  LogGroup: [0, 1],
  TemplateBucket: [0, 22],
  TemplateBucketPolicy: [23, 24],
  BuildBaseImageCache: [0, 2],
  BuildLogGroup: [0, 1],
  BuildRole: [0, 17],
  BuildProject: [18, 20],
  PrivateNetworkSyncLogGroup: [0, 1],
  PrivateNetworkSyncRole: [0, 16],
  PrivateNetworkSyncFunction: [17, 24],
  PrivateNetworkSyncRule: [25, 31],
  PrivateNetworkSyncSchedule: [25, 86],
  PrivateNetworkSyncRulePermission: [32, 41],
  PrivateNetworkSyncSchedulePermission: [87, 96],
  CaRenewalLogGroup: [0, 1],
  CaRenewalRole: [0, 17],
  CaRenewalFunction: [18, 25],
  CaRenewalSchedule: [26, 87],
  CaRenewalSchedulePermission: [88, 97],
  RackTemplateVersion: [0, 2],
};
const READ_EVERY_MS = 2_400;

function awsLikeInstall(): Timeline {
  const readAt = (stampMs: number) => Math.ceil((stampMs + 1) / READ_EVERY_MS) * READ_EVERY_MS + 150;
  const events: TimelineEvent[] = [{ readMs: readAt(0), stampMs: 0, logicalId: "rack", resourceType: "AWS::CloudFormation::Stack", status: "CREATE_IN_PROGRESS", isStack: true }];
  for (const resource of proxyInstall.planned) {
    const [start, end] = AWS_DURATIONS[resource.logicalId] ?? [0, 0];
    const base = { logicalId: resource.logicalId, resourceType: resource.resourceType, isStack: false };
    events.push({ ...base, readMs: readAt(start * 1000 + 500), stampMs: start * 1000 + 500, status: "CREATE_IN_PROGRESS" });
    events.push({ ...base, readMs: readAt(end * 1000 + 700), stampMs: end * 1000 + 700, status: "CREATE_COMPLETE" });
  }
  return { viewStartMs: 300, endMs: 184_000, planned: proxyInstall.planned, events };
}

describe("the ETA over recorded stack operations", () => {
  it("every resource of the AWS-like timeline has its durations (the table follows the plan)", () => {
    expect(proxyInstall.planned.filter((resource) => !AWS_DURATIONS[resource.logicalId]).map((resource) => resource.logicalId)).toEqual([]);
  });

  it("under the AWS-timing proxy: the range holds the time left at every second, and narrows to the observed rate", () => {
    const moments = replay(proxyInstall);
    expect(misses(moments)).toEqual([]);
    // The first range is the types' (AWS's minutes); in the second half it is seconds wide, then finishing.
    const secondHalf = moments.filter((moment) => moment.atS * 1000 >= proxyInstall.endMs / 2 && moment.shown !== "finishing");
    expect(secondHalf.length).toBeGreaterThan(5);
    expect(Math.max(...secondHalf.map(width))).toBeLessThanOrEqual(20);
    expect(width(secondHalf.at(-1)!)).toBeLessThan(width(moments[0]!) / 10);
    expect(moments.at(-1)!.shown).toBe("finishing");
  });

  it("at AWS's pace: the range holds the time left at every second, and keeps the load balancer's minutes", () => {
    const timeline = awsLikeInstall();
    const moments = replay(timeline);
    expect(misses(moments)).toEqual([]);
    // Two minutes in, most resources are done fast, but the load balancer runs: minutes, not seconds.
    const twoMinutesIn = moments.find((moment) => moment.atS >= 120)!;
    expect(twoMinutesIn.shown).not.toBe("finishing");
    expect((twoMinutesIn.shown as readonly [number, number])[1]).toBeGreaterThanOrEqual(twoMinutesIn.leftS);
  });

  it("never shows a time already passed: a range to the end, or finishing", () => {
    for (const moments of [replay(proxyInstall), replay(awsLikeInstall())]) {
      for (const moment of moments) expect(moment.shown === "finishing" || moment.shown[1] > 0).toBe(true);
    }
  });
});
