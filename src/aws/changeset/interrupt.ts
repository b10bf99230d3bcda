/** The reason a wait was aborted: the user pressed Ctrl-C. */
export class CtrlC extends Error {
  constructor() {
    super("interrupted (SIGINT)");
    this.name = "CtrlC";
  }
}

/**
 * Where Ctrl-C comes from: the process's one SIGINT listener (src/runtime/interrupt.ts),
 * handed to the engine through its port. The engine never listens to the process itself.
 */
export interface CtrlCSource {
  /** Calls `listener` at each Ctrl-C until the returned function is called. */
  listen(listener: () => void): () => void;
}

/**
 * Ctrl-C for the whole of one deploy or delete. Without a SIGINT listener Node ends the
 * process on the spot: between the engine's waits, or during a call that must not be cut
 * off half way (CreateChangeSet, ExecuteChangeSet, DeleteStack), that would leave a change
 * set behind or an operation running that nobody was told about. While the guard is on, a
 * Ctrl-C is remembered and the engine acts on it at its next step. Release it when done.
 */
export class CtrlCGuard {
  #pressed = false;
  readonly #stop: () => void;

  constructor(readonly source: CtrlCSource) {
    this.#stop = source.listen(() => {
      this.#pressed = true;
    });
  }

  get pressed(): boolean {
    return this.#pressed;
  }

  release(): void {
    this.#stop();
  }
}

/**
 * Run `work` with Ctrl-C heard only for its duration. Ctrl-C aborts the signal `work` passes
 * to its sleeps and AWS calls, so it stops at once; then `onInterrupt` decides what the user
 * is told (and cleans up). The listener is always removed afterwards, so Ctrl-C outside the
 * engine's waits keeps its usual meaning. With a guard whose Ctrl-C was already pressed,
 * `work` does not start.
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>, onInterrupt: () => Promise<never>, guard: CtrlCGuard): Promise<T> {
  if (guard.pressed) return await onInterrupt();
  const controller = new AbortController();
  const stop = guard.source.listen(() => controller.abort(new CtrlC()));
  try {
    return await work(controller.signal);
  } catch (error) {
    if (controller.signal.aborted || isPromptExit(error)) return await onInterrupt();
    throw error;
  } finally {
    stop();
  }
}

/** @inquirer's prompts turn Ctrl-C (raw mode: a key, not a signal) into these errors. */
function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === "ExitPromptError" || error.name === "AbortPromptError");
}
