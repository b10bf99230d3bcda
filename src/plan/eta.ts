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
  /** When settled: how long it took, from its own *_IN_PROGRESS (absent when only its end was seen). */
  tookMs?: number;
  /** When settled: when, in ms after the operation started (by its event's own time where known). */
  settledMs?: number;
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

/** Seconds left by the plan's types alone, low and high; [0, 0] once everything planned is settled. */
export function remaining(planned: readonly PlannedResource[], progress: ReadonlyMap<string, ResourceProgress>, history: ReadonlyMap<string, readonly number[]> = new Map()): Range {
  return priorParts(planned, progress, history, 1).total;
}

interface PriorParts {
  /** Everything left: the running ones, then what waits (see the file's comment). */
  total: Range;
  /** The resources seen in progress alone: what this operation has shown is still going. */
  running: Range;
}

function priorParts(planned: readonly PlannedResource[], progress: ReadonlyMap<string, ResourceProgress>, history: ReadonlyMap<string, readonly number[]>, pace: number): PriorParts {
  let runningLow = 0;
  let runningHigh = 0;
  let waitingLow = 0;
  let waitingHigh = 0;
  for (const resource of planned) {
    const state = progress.get(resource.logicalId);
    if (state?.settled) continue;
    const [typicalLow, typicalHigh] = expectedRange(resource, history);
    const low = typicalLow * pace;
    const high = typicalHigh * pace;
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
  return { total: [Math.max(runningLow, waitingLow), runningHigh + waitingHigh], running: [runningLow, runningHigh] };
}

/**
 * What the view shows: a range of seconds; `finishing` once every resource is settled and
 * only the stack's own completion is left (or the range would already have passed); or
 * nothing, when the plan's resources are not known.
 */
export type Estimate = { kind: "range"; range: Range } | { kind: "finishing" } | { kind: "none" };

/** Completions before the observed rate weighs as much as the plan's types (the blend's pseudo-count). */
const RATE_PRIOR_WEIGHT = 3;
/** Durations observed before this operation's pace weighs as much as AWS's usual one. */
const PACE_PRIOR_WEIGHT = 2;

/**
 * How long this operation has left, blending two views of it (docs/decisions.md, "The ETA"):
 *
 * - the plan's types (`remaining`), their ranges scaled by this operation's pace: the geometric
 *   mean of what its settled resources took against their type's usual time, shrunk towards 1
 *   while few are known;
 * - the rate it has shown (`observedRate`): each resource still to settle takes what a settled
 *   one has taken on average.
 *
 * The rate weighs settled/(settled + 3) against the types, bound by bound (geometric mean), so
 * a few completions already move the range and many decide it. Resources seen in progress are
 * hard evidence: the ends never drop below what the slowest of them has left by its type. Past
 * that, the low end is the lower of the two views: the range stays wide until they agree.
 */
export function estimate(
  planned: readonly PlannedResource[] | undefined,
  progress: ReadonlyMap<string, ResourceProgress>,
  elapsedMs: number,
  history: ReadonlyMap<string, readonly number[]> = new Map(),
): Estimate {
  if (!planned || planned.length === 0) return { kind: "none" };
  const states = [...progress.values()];
  const settled = states.filter((state) => state.settled).length;
  const total = Math.max(planned.length, states.length);
  const left = total - settled;
  if (left <= 0) return { kind: "finishing" };
  const shown = pace(planned, progress, history);
  const prior = priorParts(planned, progress, history, shown.pace);
  // Before anything settles, this operation's pace is unknown: the types bound it from above
  // (AWS's usual times), but only what is seen running bounds it from below.
  if (settled === 0) return { kind: "range", range: [prior.running[0], prior.total[1]] };
  const rate = observedRate(states, left, elapsedMs / 1000);
  // How far the types explain what settled: 1 at AWS's usual pace (and until a resource of a
  // known type settles: nothing contradicts them yet), near 0 at a tenth of it; 0 when the plan
  // has no type of known duration (they know nothing the rate does not).
  const typed = planned.some((resource) => TYPICAL[resource.resourceType]?.[phaseOf(resource.action)]);
  const fit = typed ? Math.exp(-2 * Math.abs(Math.log(shown.pace))) : 0;
  const weight = (settled / (settled + RATE_PRIOR_WEIGHT)) * (1 - fit);
  const blend = (typed: number, observed: number) => Math.exp((1 - weight) * Math.log(Math.max(1, typed)) + weight * Math.log(Math.max(1, observed)));
  const low = Math.max(prior.running[0], Math.min(prior.total[0], rate[0]));
  const high = Math.max(prior.running[1], blend(prior.total[1], rate[1]));
  if (high < 1) return { kind: "finishing" };
  return { kind: "range", range: [Math.min(low, high), high] };
}

/**
 * The range the rate alone gives: each resource left takes what a settled one took on average,
 * counted to the latest completion (as it happened, not as it was read: events come seconds
 * late), less the time since it; the high end counts to now, so a stall widens it. The range
 * narrows as 1/√settled; the high end adds the stack's own completion after its last resource.
 */
function observedRate(states: readonly ResourceProgress[], left: number, elapsed: number): Range {
  const times = states.filter((state) => state.settled).map((state) => Math.min(elapsed, state.settledMs === undefined ? elapsed : state.settledMs / 1000));
  const settled = times.length;
  const latest = Math.max(0, ...times);
  const spread = 1 / Math.sqrt(settled);
  const perResource = latest / settled;
  const low = Math.max(0, left * perResource - (elapsed - latest)) * Math.max(0.2, 1 - spread);
  const high = left * Math.max(perResource, elapsed / settled) * (1 + 1.5 * spread) + Math.max(5, 0.15 * elapsed);
  return [low, high];
}

/**
 * This operation's pace against AWS's usual one: 0.5 when its resources take half their type's
 * time. Only types the table knows count (`OTHER` is a
 * catch-all, not a usual time). A resource seen only settling took at most the time since the
 * operation started: that bound counts when it is under the usual time.
 */
function pace(planned: readonly PlannedResource[], progress: ReadonlyMap<string, ResourceProgress>, history: ReadonlyMap<string, readonly number[]>): { pace: number } {
  const ratios = planned.flatMap((resource) => {
    const state = progress.get(resource.logicalId);
    if (!state?.settled || !TYPICAL[resource.resourceType]?.[phaseOf(resource.action)]) return [];
    const [low, high] = expectedRange(resource, history);
    const usual = Math.sqrt(low * high);
    if (state.tookMs !== undefined) return [Math.log(Math.max(0.5, state.tookMs / 1000) / usual)];
    if (state.settledMs === undefined) return [];
    return [Math.min(0, Math.log(Math.max(0.5, state.settledMs / 1000) / usual))];
  });
  const logSum = ratios.reduce((sum, ratio) => sum + ratio, 0);
  return { pace: Math.min(10, Math.max(0.1, Math.exp(logSum / (ratios.length + PACE_PRIOR_WEIGHT)))) };
}

/**
 * `about 2–4 min left`, `about 10–25s left`, `under 20s left`, `about 40s–2 min left`,
 * `up to 3 min left`. Seconds are rounded outwards to 5 s, so the text holds the whole range;
 * minutes to the nearest one.
 */
export function etaText([low, high]: Range): string {
  if (high < 60) {
    const lowText = Math.floor(low / 5) * 5;
    const highText = Math.max(5, Math.ceil(high / 5) * 5);
    return lowText <= 0 ? `under ${highText}s left` : `about ${lowText}–${highText}s left`;
  }
  const part = (seconds: number) => (seconds < 60 ? `${Math.max(5, Math.round(seconds / 5) * 5)}s` : `${Math.round(seconds / 60)}`);
  const highText = `${Math.round(high / 60)} min`;
  if (low >= 60 && Math.round(low / 60) === Math.round(high / 60)) return `about ${highText} left`;
  if (low < 5) return `up to ${highText} left`;
  return `about ${part(low)}–${highText} left`;
}
