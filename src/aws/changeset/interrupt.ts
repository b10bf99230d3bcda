/** The reason a wait was aborted: the user pressed Ctrl-C. */
export class CtrlC extends Error {
  constructor() {
    super("interrupted (SIGINT)");
    this.name = "CtrlC";
  }
}

/**
 * Run `work` with a SIGINT handler installed only for its duration. Ctrl-C aborts the
 * signal `work` passes to its sleeps and AWS calls, so it stops at once; then
 * `onInterrupt` decides what the user is told (and cleans up). The handler is always
 * removed afterwards, so Ctrl-C outside the engine's waits keeps its usual meaning.
 */
export async function interruptible<T>(
  work: (signal: AbortSignal) => Promise<T>,
  onInterrupt: () => Promise<never>,
): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new CtrlC());
  process.on("SIGINT", onSigint);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (controller.signal.aborted || isPromptExit(error)) return await onInterrupt();
    throw error;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** @inquirer's prompts turn Ctrl-C (raw mode: a key, not a signal) into these errors. */
function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === "ExitPromptError" || error.name === "AbortPromptError");
}
