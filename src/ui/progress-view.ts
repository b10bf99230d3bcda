import type { StackActivity } from "../aws/stack-events.js";
import type { PlannedResource } from "../plan/eta.js";

/** How one stack operation's events are shown while it runs: a live view on a terminal, lines in CI. */
export interface ProgressView {
  /** Begin: the view takes the bottom of stderr (and its clock starts). */
  start(): void;
  activity(activity: StackActivity): void;
  /** The stack's last operation, from its events: what each resource type took there refines the ETA. */
  history?(activities: readonly StackActivity[]): void;
  /** The operation ended (or racknet stops watching it): nothing of the view stays on screen but its lines. */
  end(): void;
}

export interface ProgressSettings {
  /** `creating rack demo`: what the operation does, for its headline. */
  title: string;
  /** Resource changes the plan listed: the total the view counts towards. */
  planned: number;
  /** The plan's resources (type and action): the ETA is estimated from them; absent, no ETA is shown. */
  resources?: readonly PlannedResource[];
  /** The clock (tests pass their own). */
  now?: () => number;
}
