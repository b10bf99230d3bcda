import type { StackActivity } from "../aws/stack-events.js";

/** How one stack operation's events are shown while it runs: a live view on a terminal, lines in CI. */
export interface ProgressView {
  /** Begin: the view takes the bottom of stderr (and its clock starts). */
  start(): void;
  activity(activity: StackActivity): void;
  /** The operation ended (or racknet stops watching it): nothing of the view stays on screen but its lines. */
  end(): void;
}

export interface ProgressSettings {
  /** `creating rack demo`: what the operation does, for its headline. */
  title: string;
  /** Resource changes the plan listed: the total the view counts towards. */
  planned: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}
