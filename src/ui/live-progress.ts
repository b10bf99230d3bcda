import type { StackActivity } from "../aws/stack-events.js";
import { ActivityBoard, doneOf, formatDuration, isSettled } from "./activity-board.js";
import { activityLine } from "./activity-line.js";
import { Eta } from "./eta.js";
import type { Progress } from "./printer.js";
import { SpinnerRegion, loadLiveLibraries, type LiveLibraries } from "./spinner-region.js";
import type { ProgressSettings, ProgressView } from "./progress-view.js";

/** The most resources listed under the headline; the rest are counted. */
const MAX_LISTED = 8;

/**
 * A stack operation on a terminal, in the CDK and Copilot manner: each resource that
 * finishes or fails is a line that stays; below them, redrawn in place, a headline with a
 * spinner (what runs, done/total, elapsed time) and every resource still in progress with
 * its own time, the longest-running first, so a NAT gateway or a load balancer that takes
 * minutes is visibly still working. At the end the live part is erased: only lines remain.
 * Until the libraries are loaded (or if they cannot be) the lines come without the live part.
 */
export class LiveProgress extends SpinnerRegion implements ProgressView {
  private readonly board: ActivityBoard;
  private readonly eta: Eta;
  private readonly now: () => number;

  constructor(
    printer: Progress,
    private readonly settings: ProgressSettings,
    private readonly libraries: Promise<LiveLibraries> = loadLiveLibraries(),
  ) {
    super(printer);
    this.now = settings.now ?? Date.now;
    this.board = new ActivityBoard(settings.planned, this.now());
    this.eta = new Eta(settings.resources);
  }

  history(activities: readonly StackActivity[]): void {
    this.eta.learn(activities);
  }

  start(): void {
    this.printer.attachLive(this);
    this.startLive(this.libraries);
  }

  activity(activity: StackActivity): void {
    const resource = this.board.record(activity, this.now());
    if (resource && !isSettled(resource.status)) {
      this.redraw();
      return;
    }
    // A resource done (or failed), or the stack's own news: a line that stays.
    if (activity.isStack && activity.status.endsWith("_IN_PROGRESS") && activity.reason === "User Initiated") return;
    const count = resource ? this.printer.paint.dim(`[${this.board.done}] `) : "";
    const took = resource?.since !== undefined && resource.settledAt !== undefined ? `  ${this.printer.paint.dim(formatDuration(resource.settledAt - resource.since))}` : "";
    this.printer.info(`${count}${activityLine(activity, this.printer.paint)}${took}`);
  }

  /** The live part: the headline, then the resources in progress. */
  render(): string {
    const { paint } = this.printer;
    const now = this.now();
    const spinner = this.spinner();
    const running = this.board.inProgress();
    const counts = running.length > 0 ? `${doneOf(this.board)}, ${running.length} in progress` : doneOf(this.board);
    const eta = this.eta.text(this.board, now);
    const headline = `${spinner} ${paint.bold(this.settings.title)}  ${counts}  ${paint.dim(formatDuration(now - this.board.startedAt))}${eta ? `  ${paint.dim(eta)}` : ""}`;
    const listed = running.slice(0, MAX_LISTED);
    const width = Math.max(0, ...listed.map((resource) => resource.logicalId.length));
    const lines = listed.map((resource) => `  ${spinner} ${resource.logicalId.padEnd(width)}  ${paint.dim(resource.resourceType)}  ${formatDuration(now - resource.since)}`);
    if (running.length > listed.length) lines.push(paint.dim(`  … and ${running.length - listed.length} more in progress`));
    return [headline, ...lines].join("\n");
  }
}
