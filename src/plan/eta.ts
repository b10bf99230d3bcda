/**
 * How long a stack operation has left, as a range: from each planned resource's type (what
 * such a resource usually takes, table below), refined by what the same types took in this
 * stack's last operation (its stack events, which CloudFormation keeps), and by what is
 * already done or running. Pure.
 *
 * CloudFormation works on independent resources in parallel and on dependent ones in turn,
 * and racknet does not model the graph: the low end assumes everything left runs side by
 * side (the longest one decides), the high end that what has not started waits for what is
 * running (the longest running one, then the longest waiting one).
 */

/** A resource the plan lists. */
export interface PlannedResource {
  logicalId: string;
  resourceType: string;
  /** Add, Modify, Remove (from the plan), or create/update/delete for a whole operation. */
  action: string;
}

/** Where a resource is, as the live view's board knows it. */
export interface ResourceProgress {
  logicalId: string;
  /** Milliseconds since it started, when it is in progress. */
  runningMs?: number;
  settled: boolean;
}

/** Seconds, low and high. */
export type Range = readonly [number, number];

/** A stack event as far as durations need it. */
export interface TimedEvent {
  logicalId: string;
  resourceType: string;
  status: string;
  timestamp: Date;
  isStack: boolean;
}

type Phase = "create" | "update" | "delete";

/**
 * What a resource of a type usually takes, in seconds, by phase. Sources: Route 53 changes
 * "generally propagate to all Route 53 name servers within 60 seconds" (Route 53 developer
 * guide, editing records: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html),
 * and CloudFormation waits for INSYNC; an ECS service is complete once stable, and a rolling
 * update waits for the old tasks to drain from their target group (deregistration delay,
 * 0-3600 s, default 300 s: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay).
 * AWS documents no duration for the others: their ranges are what such resources take in
 * practice, wide on purpose; the stack's own history narrows them (observedDurations).
 */
const TYPICAL: Record<string, Partial<Record<Phase, Range>>> = {
  "AWS::EC2::NatGateway": { create: [60, 200], update: [5, 60], delete: [30, 120] },
  "AWS::ElasticLoadBalancingV2::LoadBalancer": { create: [100, 240], update: [5, 60], delete: [5, 60] },
  "AWS::ECS::Service": { create: [40, 240], update: [40, 420], delete: [30, 360] },
  "AWS::Route53::RecordSet": { create: [20, 70], update: [20, 70], delete: [20, 70] },
  "AWS::Route53::HostedZone": { create: [30, 90], update: [10, 60], delete: [20, 90] },
  "AWS::RDS::DBInstance": { create: [300, 1200], update: [60, 900], delete: [180, 900] },
  "AWS::ElastiCache::CacheCluster": { create: [300, 900], update: [60, 900], delete: [120, 600] },
  "AWS::ElastiCache::ReplicationGroup": { create: [400, 1200], update: [60, 1200], delete: [180, 900] },
  "AWS::EC2::VPCEndpoint": { create: [30, 150], update: [10, 90], delete: [30, 150] },
  "AWS::EC2::VPCGatewayAttachment": { create: [10, 30], delete: [10, 60] },
  "AWS::IAM::Role": { create: [10, 30], update: [5, 30], delete: [5, 30] },
  "AWS::IAM::Policy": { create: [10, 30], update: [5, 30], delete: [5, 30] },
  "AWS::Lambda::Function": { create: [5, 60], update: [5, 60], delete: [5, 60] },
  "AWS::EC2::Subnet": { create: [3, 15], delete: [3, 30] },
  "AWS::EC2::VPC": { create: [3, 20], delete: [3, 30] },
};

/** Any other type: a few seconds, rarely a minute. */
const OTHER: Range = [2, 40];

function phaseOf(action: string): Phase {
  const lower = action.toLowerCase();
  if (lower === "add" || lower === "create") return "create";
  if (lower === "remove" || lower === "delete") return "delete";
  return "update";
}

export function typicalRange(resourceType: string, action: string): Range {
  return TYPICAL[resourceType]?.[phaseOf(action)] ?? OTHER;
}

/**
 * What each type took in the events given (a stack's last operation): seconds from a
 * resource's *_IN_PROGRESS to its *_COMPLETE, by type and phase (`AWS::EC2::NatGateway create`).
 */
export function observedDurations(events: readonly TimedEvent[]): Map<string, number[]> {
  const started = new Map<string, Date>();
  const durations = new Map<string, number[]>();
  for (const event of [...events].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime())) {
    if (event.isStack) continue;
    const phase = /^(CREATE|UPDATE|DELETE)_/.exec(event.status)?.[1]?.toLowerCase();
    if (!phase) continue;
    const key = `${event.logicalId}\0${phase}`;
    if (event.status.endsWith("_IN_PROGRESS")) started.set(key, event.timestamp);
    else if (event.status.endsWith("_COMPLETE")) {
      const since = started.get(key);
      if (!since) continue;
      const byType = `${event.resourceType} ${phase}`;
      durations.set(byType, [...(durations.get(byType) ?? []), (event.timestamp.getTime() - since.getTime()) / 1000]);
      started.delete(key);
    }
  }
  return durations;
}

/** The range for a resource: the stack's own history when it has this type and phase (around its longest), else the table's. */
export function expectedRange(resource: PlannedResource, history: ReadonlyMap<string, readonly number[]>): Range {
  const seen = history.get(`${resource.resourceType} ${phaseOf(resource.action)}`);
  if (!seen || seen.length === 0) return typicalRange(resource.resourceType, resource.action);
  const longest = Math.max(...seen);
  return [longest * 0.7, longest * 1.4 + 5];
}

/** Seconds left, low and high; [0, 0] once everything planned is settled. */
export function remaining(planned: readonly PlannedResource[], progress: ReadonlyMap<string, ResourceProgress>, history: ReadonlyMap<string, readonly number[]> = new Map()): Range {
  let runningLow = 0;
  let runningHigh = 0;
  let waitingLow = 0;
  let waitingHigh = 0;
  for (const resource of planned) {
    const state = progress.get(resource.logicalId);
    if (state?.settled) continue;
    const [low, high] = expectedRange(resource, history);
    if (state?.runningMs !== undefined) {
      const ran = state.runningMs / 1000;
      // Past its high end it is late, not done: a little longer, each time it is asked.
      runningLow = Math.max(runningLow, Math.max(0, low - ran));
      runningHigh = Math.max(runningHigh, high > ran ? high - ran : Math.min(60, ran * 0.25));
    } else {
      waitingLow = Math.max(waitingLow, low);
      waitingHigh = Math.max(waitingHigh, high);
    }
  }
  return [Math.max(runningLow, waitingLow), runningHigh + waitingHigh];
}

/** `about 2–4 min left`, `under a minute left`, `about 40s–2 min left`, `up to 3 min left`. */
export function etaText([low, high]: Range): string {
  if (high < 60) return "under a minute left";
  const part = (seconds: number) => (seconds < 60 ? `${Math.max(5, Math.round(seconds / 5) * 5)}s` : `${Math.round(seconds / 60)}`);
  const highText = `${Math.round(high / 60)} min`;
  if (low >= 60 && Math.round(low / 60) === Math.round(high / 60)) return `about ${highText} left`;
  if (low < 5) return `up to ${highText} left`;
  return `about ${part(low)}–${highText} left`;
}
