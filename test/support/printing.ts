import type { CommandContext, Context } from "../../src/runtime/context.js";
import type { Workflow } from "../../src/runtime/run-workflow.js";
import { present } from "../../src/ui/outcome.js";

/**
 * A workflow called directly, as tests did before workflows returned outcomes: its outcome
 * written by the printer the CLI uses (src/ui/outcome.ts), a failure beside a result thrown.
 * The exit code is left out: `h.run` (aws-harness.ts) gives it, as the CLI does.
 */
export function printing<Args extends unknown[]>(workflow: (context: Context, ...args: Args) => ReturnType<Workflow<never>>): (context: CommandContext, ...args: Args) => Promise<void> {
  return async (context, ...args) => {
    const done = await workflow(context, ...args);
    if (done) present(context.printer, done);
  };
}
