import type { DeployListener } from "../aws/changeset/events.js";
import { formatDuration, isSettled } from "./activity-board.js";
import { activityLine, clockTime } from "./activity-line.js";
import { HEARTBEAT_MS } from "./plain-progress.js";
import type { Progress } from "./printer.js";
import { SpinnerRegion, loadLiveLibraries, type LiveLibraries } from "./spinner-region.js";

/** How often a CI log's quiet time is checked: the heartbeat is at most this late. */
const CHECK_MS = 5_000;
/** Apps listed under the headline; the rest are counted. */
const MAX_LISTED = 12;

interface AppRow {
  /** `creating the change set`, `updating`. */
  state: string;
  since: number;
  planned: number;
  settled: number;
}

/**
 * Several app stacks changing at once (a rack change moving its apps): one live view for
 * all of them, since a terminal has one bottom line to redraw. On a terminal: a headline
 * (what runs, apps done of all, elapsed) and one line per app in progress with its state,
 * resources done and time. In CI: a line when an app starts and when it ends, every failed
 * resource, and a heartbeat naming the apps still at work when a minute passes quietly.
 * Plans and failure diagnoses go to each app's own printer (`fallback`), as lines that stay.
 */
export class AppsBoard extends SpinnerRegion {
  private readonly rows = new Map<string, AppRow>();
  private readonly startedAt: number;
  private finished = 0;
  private quietSince: number;

  constructor(
    printer: Progress,
    private readonly title: string,
    private readonly total: number,
    private readonly now: () => number = Date.now,
    private readonly libraries: () => Promise<LiveLibraries> = loadLiveLibraries,
  ) {
    super(printer);
    this.startedAt = now();
    this.quietSince = this.startedAt;
  }

  start(): this {
    this.printer.attachLive(this);
    if (!this.printer.interactive) {
      this.timer = setInterval(() => this.heartbeat(), CHECK_MS);
      this.timer.unref();
      return this;
    }
    this.startLive(this.libraries());
    return this;
  }

  /** The listener for one app's stack operation: its progress feeds its line here, the rest goes to `fallback`. */
  listener(app: string, fallback: DeployListener): DeployListener {
    return (event) => {
      const now = this.now();
      switch (event.type) {
        case "creating-change-set":
          this.rows.set(app, { state: "creating the change set", since: now, planned: 0, settled: 0 });
          break;
        case "plan": {
          const row = this.rows.get(app);
          if (row) row.planned = event.plan.rows.length;
          fallback(event);
          break;
        }
        case "started":
          this.rows.set(app, { state: "updating", since: now, planned: this.rows.get(app)?.planned ?? 0, settled: 0 });
          if (!this.printer.interactive) this.line(`${clockTime(now)}  app ${app}: ${event.operation} started (stack ${event.stackName})`);
          break;
        case "activity": {
          const row = this.rows.get(app);
          if (row && !event.activity.isStack && isSettled(event.activity.status)) row.settled += 1;
          if (event.activity.status.endsWith("_FAILED")) this.line(`app ${app}: ${activityLine(event.activity, this.printer.paint)}`);
          break;
        }
        case "history":
          break;
        case "finished":
          this.settle(app);
          this.printer.success(`${event.what}: ${event.status} in ${formatDuration(event.elapsedMs)}`);
          break;
        case "failed":
        case "no-changes":
        case "dry-run":
          this.settle(app);
          fallback(event);
          break;
        case "warning":
          fallback(event);
          break;
      }
      this.quietSince = now;
      this.redraw();
    };
  }

  /** The app's work ended without a stack operation's end (a refusal, Ctrl-C before it ran). */
  settle(app: string): void {
    if (this.rows.delete(app)) this.finished += 1;
    this.redraw();
  }

  /** The live part: the headline, then one line per app in progress, the longest-running first. */
  render(): string {
    const { paint } = this.printer;
    const now = this.now();
    const spinner = this.spinner();
    const running = [...this.rows.entries()].sort(([, a], [, b]) => a.since - b.since);
    const headline = `${spinner} ${paint.bold(this.title)}  ${this.finished} of ${this.total} apps done, ${running.length} in progress  ${paint.dim(formatDuration(now - this.startedAt))}`;
    const listed = running.slice(0, MAX_LISTED);
    const width = Math.max(0, ...listed.map(([app]) => app.length));
    const lines = listed.map(([app, row]) => {
      const resources = row.planned > 0 || row.settled > 0 ? `  ${row.settled}/${Math.max(row.planned, row.settled)} resources` : "";
      return `  ${spinner} ${app.padEnd(width)}  ${row.state}${resources}  ${paint.dim(formatDuration(now - row.since))}`;
    });
    if (running.length > listed.length) lines.push(paint.dim(`  … and ${running.length - listed.length} more in progress`));
    return [headline, ...lines].join("\n");
  }

  /** `still moving: shop (2m10s), billing (1m05s)`, once a quiet minute (CI). */
  heartbeat(): void {
    const now = this.now();
    if (now - this.quietSince < HEARTBEAT_MS || this.rows.size === 0) return;
    this.quietSince = now;
    const running = [...this.rows.entries()].sort(([, a], [, b]) => a.since - b.since);
    const named = running.slice(0, 5).map(([app, row]) => `${app} (${row.state}, ${formatDuration(now - row.since)})`);
    const more = running.length > named.length ? `, and ${running.length - named.length} more` : "";
    this.line(`${clockTime(now)}  still at work: ${named.join(", ")}${more}`);
  }

  private line(text: string): void {
    this.quietSince = this.now();
    this.printer.info(text);
  }
}
