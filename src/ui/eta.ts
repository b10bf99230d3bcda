import type { StackActivity } from "../aws/stack-events.js";
import { etaText, observedDurations, remaining, type PlannedResource } from "../plan/eta.js";
import type { ActivityBoard } from "./activity-board.js";

/** The ETA a progress view shows: the plan's resources, the stack's history, the board's progress. */
export class Eta {
  private history = new Map<string, number[]>();

  constructor(private readonly resources: readonly PlannedResource[] | undefined) {}

  learn(activities: readonly StackActivity[]): void {
    this.history = observedDurations(activities);
  }

  /** `about 2–4 min left`, or "" when the plan's resources are not known or all are done. */
  text(board: ActivityBoard, now: number): string {
    if (!this.resources || this.resources.length === 0) return "";
    const left = remaining(this.resources, board.progress(now), this.history);
    return left[1] <= 0 ? "" : etaText(left);
  }
}
