import { ExitCode } from "../errors/index.js";
import { present, type Outcome } from "../ui/outcome.js";
import type { CommandContext, Context } from "./context.js";
import { handleError } from "./handle-errors.js";

/** A command's workflow (src/operations/<name>.ts): what it did, as an Outcome, for the runner to print. */
export type Workflow<Args> = (context: Context, args: Args) => Promise<Outcome | void>;

export interface WorkflowRun {
  exitCode: number;
  /** What the workflow threw, if anything (after it was turned into a message). */
  error?: unknown;
}

/**
 * The one place a command's result is written and its exit code decided: the workflow runs,
 * its outcome goes to the printer (text or --json), the exit code follows from the outcome
 * (a result's own, or 4 for a dry run that held changes back under --exit-code); any error
 * becomes its message and exit code (handle-errors.ts).
 */
export async function runWorkflow<Args>(workflow: Workflow<Args>, context: CommandContext, args: Args, settings: { profile?: string } = {}): Promise<WorkflowRun> {
  try {
    const done = (await workflow(context, args)) ?? {};
    present(context.printer, done);
    return { exitCode: exitCodeOf(done, context) };
  } catch (error) {
    return { exitCode: await handleError(error, context.printer, settings), error };
  }
}

function exitCodeOf(done: Outcome, context: Context): number {
  if (done.exitCode !== undefined) return done.exitCode;
  return context.options.exitCode && done.changesPending ? ExitCode.changesPending : ExitCode.ok;
}
