import type { StackActivity } from "../aws/stack-events.js";
import { ActivityBoard, formatDuration } from "./activity-board.js";
import { activityLine, clockTime } from "./activity-line.js";
import { Eta } from "./eta.js";
import type { LiveRegion, Progress } from "./printer.js";
import type { ProgressSettings, ProgressView } from "./progress-view.js";

/** How long without a stack event before a CI log says racknet is still waiting, and how often after. */
export const HEARTBEAT_MS = 60_000;
/** How often the quiet time is checked: the heartbeat is at most this late. */
const CHECK_MS = 5_000;
/** Resources a heartbeat names; the rest are counted. */
const NAMED = 3;
/** The fewest milliseconds between two ETA lines (each says a new estimate after a stack event). */
export const ETA_EVERY_MS = 5_000;

/**
 * A stack operation in CI (stderr not a terminal): one timestamped line per stack event,
 * so the log tells the whole story, and while CloudFormation reports nothing a heartbeat
 * line at most once a minute, naming what is still in progress, so a long NAT gateway
 * wait does not look like a hung job.
 */
export class PlainProgress implements ProgressView, LiveRegion {
  private readonly board: ActivityBoard;
  private readonly eta: Eta;
  private readonly now: () => number;
  /** The last line this view wrote (an event or a heartbeat). */
  private quietSince: number;
  private lastEventAt: number;
  private lastEta = "";
  private lastEtaAt = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly printer: Progress,
    settings: ProgressSettings,
  ) {
    this.now = settings.now ?? Date.now;
    this.board = new ActivityBoard(settings.planned, this.now());
    this.eta = new Eta(settings.resources);
    this.quietSince = this.now();
    this.lastEventAt = this.quietSince;
  }

  history(activities: readonly StackActivity[]): void {
    this.eta.learn(activities);
    this.sayEta("refined by this stack's last operation");
  }

  start(): void {
    this.printer.attachLive(this);
    this.timer = setInterval(() => this.heartbeat(), CHECK_MS);
    this.timer.unref();
    // A CI log gets the estimate at once, not only with the first heartbeat a quiet minute later.
    this.sayEta("from the plan's resource types");
  }

  /** The ETA as its own line, when there is one and it differs from the last one said. */
  private sayEta(basis: string): void {
    const now = this.now();
    const eta = this.eta.text(this.board, now);
    if (!eta || eta === this.lastEta) return;
    this.lastEta = eta;
    this.lastEtaAt = now;
    this.printer.info(`${clockTime(now)}  ${eta} (${basis})`);
  }

  activity(activity: StackActivity): void {
    this.board.record(activity, this.now());
    this.quietSince = this.now();
    this.lastEventAt = this.quietSince;
    this.printer.info(`${clockTime(activity.timestamp)}  ${activityLine(activity, this.printer.paint)}`);
    // A CI log follows the estimate as the operation shows its pace, without a line per event.
    if (!activity.isStack && this.now() - this.lastEtaAt >= ETA_EVERY_MS) this.sayEta(`from ${this.board.done} of ${this.board.total} resources done in ${formatDuration(this.now() - this.board.startedAt)}`);
  }

  /** `still waiting: 3 resources in progress for 4m10s (NatGateway0, NatGateway1, NatGateway2)`, once a quiet minute. */
  heartbeat(): void {
    const now = this.now();
    if (now - this.quietSince < HEARTBEAT_MS) return;
    this.quietSince = now;
    const running = this.board.inProgress();
    const oldest = running[0];
    if (!oldest) {
      this.printer.info(`${clockTime(now)}  still waiting: no stack event for ${formatDuration(now - this.lastEventAt)}`);
      return;
    }
    const names = running.slice(0, NAMED).map((resource) => resource.logicalId);
    const more = running.length > NAMED ? `, and ${running.length - NAMED} more` : "";
    const noun = running.length === 1 ? "resource" : "resources";
    const eta = this.eta.text(this.board, now);
    this.printer.info(`${clockTime(now)}  still waiting: ${running.length} ${noun} in progress for ${formatDuration(now - oldest.since)} (${names.join(", ")}${more})${eta ? `; ${eta}` : ""}`);
  }

  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.printer.detachLive(this);
  }

  // Plain lines are never redrawn: other lines go between them as they come.
  clear(): void {}
  redraw(): void {}
}
