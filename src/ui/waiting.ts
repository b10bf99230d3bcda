import { formatDuration } from "./activity-board.js";
import { clockTime } from "./activity-line.js";
import type { Progress } from "./printer.js";
import { SpinnerRegion, loadLiveLibraries, type LiveLibraries } from "./spinner-region.js";
import { HEARTBEAT_MS } from "./plain-progress.js";

/** How often a CI log's quiet time is checked: the heartbeat is at most this late. */
const CHECK_MS = 5_000;

/**
 * A sign of life while racknet waits on something that reports no progress of its own
 * (CloudFormation computing a change set, network interfaces leaving a subnet, reads before a
 * plan). On a terminal: one line redrawn in place, a spinner, what is awaited and the time so
 * far, erased when the wait ends. In CI: a timestamped line when the wait starts, and while it
 * lasts a heartbeat at most once a minute, so a job log never goes quiet without a reason.
 */
export class Waiting extends SpinnerRegion {
  private readonly startedAt: number;
  private quietSince: number;

  constructor(
    printer: Progress,
    private label: string,
    private readonly now: () => number = Date.now,
    private readonly libraries: () => Promise<LiveLibraries> = loadLiveLibraries,
  ) {
    super(printer);
    this.startedAt = now();
    this.quietSince = this.startedAt;
  }


  /**
   * Show it: at once in CI, on a terminal as soon as the spinner is loaded (already, mostly).
   * `said`: in CI, the line is already written (by the launcher), only the heartbeat is left.
   */
  start({ said = false }: { said?: boolean } = {}): this {
    this.printer.attachLive(this);
    if (!this.printer.interactive) {
      if (!said) this.printer.info(`${clockTime(this.startedAt)}  ${this.label}`);
      this.timer = setInterval(() => this.heartbeat(), CHECK_MS);
      this.timer.unref();
      return this;
    }
    this.startLive(this.libraries());
    return this;
  }

  /** What is awaited now (a count that changed): redrawn on a terminal, a new line in CI. */
  update(label: string): void {
    if (label === this.label) return;
    this.label = label;
    if (this.printer.interactive) this.redraw();
    else if (!this.ended) {
      this.quietSince = this.now();
      this.printer.info(`${clockTime(this.quietSince)}  ${label}`);
    }
  }

  render(): string {
    const { paint } = this.printer;
    return `${this.spinner()} ${this.label}  ${paint.dim(formatDuration(this.now() - this.startedAt))}`;
  }

  /** `still waiting (1m05s): creating the change set for app shop`, once a quiet minute. */
  heartbeat(): void {
    const now = this.now();
    if (this.ended || now - this.quietSince < HEARTBEAT_MS) return;
    this.quietSince = now;
    this.printer.info(`${clockTime(now)}  still waiting (${formatDuration(now - this.startedAt)}): ${this.label}`);
  }
}
