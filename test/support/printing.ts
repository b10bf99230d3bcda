import type { Context } from "../../src/runtime/context.js";
import type { Workflow } from "../../src/runtime/run-workflow.js";
import { present } from "../../src/ui/outcome.js";

/**
 * A workflow called directly, as tests did before workflows returned outcomes: its outcome
 * written by the printer the CLI uses (src/ui/outcome.ts), a failure beside a result thrown.
 * The exit code is left out: `h.run` (aws-harness.ts) gives it, as the CLI does.
 */
export function printing<Run extends (context: Context, ...args: never[]) => ReturnType<Workflow<never>>>(workflow: Run): (...args: Parameters<Run>) => Promise<void> {
  return async (...args) => {
    const done = await (workflow as (...given: Parameters<Run>) => ReturnType<Run>)(...args);
    if (done) present(args[0].printer, done);
  };
}
