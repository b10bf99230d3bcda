import type { LiveRegion, Progress } from "./printer.js";

export interface LiveLibraries {
  createLogUpdate: typeof import("log-update").createLogUpdate;
  spinner: { interval: number; frames: string[] };
}

let loading: Promise<LiveLibraries> | undefined;

/**
 * log-update (redraw in place) and cli-spinners, loaded the first time a live view may be
 * needed, so commands that never show one do not pay for them at start-up.
 */
export function loadLiveLibraries(): Promise<LiveLibraries> {
  loading ??= Promise.all([import("log-update"), import("cli-spinners")]).then(([logUpdate, spinners]) => ({
    createLogUpdate: logUpdate.createLogUpdate,
    spinner: spinners.default.dots,
  }));
  return loading;
}

/**
 * What every live view shares: on a terminal, a part redrawn in place with a turning spinner
 * once log-update and cli-spinners are loaded (until then, or if they cannot be, only lines),
 * erased at the end. The view says what to draw (`render`) and when to start.
 */
export abstract class SpinnerRegion implements LiveRegion {
  protected timer?: NodeJS.Timeout;
  protected ended = false;
  private redrawer?: ReturnType<LiveLibraries["createLogUpdate"]>;
  private frames: string[] = ["-"];
  private frame = 0;

  constructor(protected readonly printer: Progress) {}

  /** The live part as it is now. */
  abstract render(): string;

  /** Redraw in place as soon as the libraries are there; the spinner never keeps racknet running. */
  protected startLive(libraries: Promise<LiveLibraries>): void {
    libraries.then(
      (loaded) => {
        if (this.ended) return;
        this.redrawer = loaded.createLogUpdate(this.printer.liveTerminal());
        this.frames = loaded.spinner.frames;
        this.timer = setInterval(() => {
          this.frame += 1;
          this.redraw();
        }, loaded.spinner.interval);
        this.timer.unref();
        this.redraw();
      },
      () => undefined,
    );
  }

  /** The spinner's frame now, painted. */
  protected spinner(): string {
    return this.printer.paint.cyan(this.frames[this.frame % this.frames.length] ?? "-");
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer) clearInterval(this.timer);
    this.redrawer?.clear();
    this.redrawer?.done();
    this.printer.detachLive(this);
  }

  clear(): void {
    this.redrawer?.clear();
  }

  redraw(): void {
    if (!this.ended) this.redrawer?.(this.render());
  }
}
