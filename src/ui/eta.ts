import type { StackActivity } from "../aws/stack-events.js";
import { estimate, etaText, observedDurations, type Estimate, type PlannedResource } from "../plan/eta.js";
import type { ActivityBoard } from "./activity-board.js";

/** The ETA a progress view shows: the plan's resources, the stack's history, the board's progress. */
export class Eta {
  private history = new Map<string, number[]>();

  constructor(private readonly resources: readonly PlannedResource[] | undefined) {}

  learn(activities: readonly StackActivity[]): void {
    this.history = observedDurations(activities);
  }

  estimate(board: ActivityBoard, now: number): Estimate {
    return estimate(this.resources, board.progress(now), now - board.startedAt, this.history);
  }

  /** `about 2–4 min left`, `finishing`, or "" when the plan's resources are not known. */
  text(board: ActivityBoard, now: number): string {
    const shown = this.estimate(board, now);
    if (shown.kind === "none") return "";
    return shown.kind === "finishing" ? "finishing" : etaText(shown.range);
  }
}
