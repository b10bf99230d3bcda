import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { DeployEvent } from "./events.js";
import { CtrlCGuard } from "./interrupt.js";
import { defaultPacing, type Pacing } from "./pacing.js";
import type { DeployOptions, EngineAws } from "./types.js";

/** What every step of one deploy or delete shares. */
export interface Run {
  aws: EngineAws;
  cfn: CloudFormationClient;
  pacing: Pacing;
  /** What time it is (the workflow's clock): the --timeout deadline and elapsed times. */
  now: () => number;
  options: DeployOptions;
  emit: (event: DeployEvent) => void;
  /** Ctrl-C pressed between the waits (or during a call that is not cut off); see `withRun`. */
  ctrlC: CtrlCGuard;
  /** Work that need not hold up the next step (deleting an uploaded template): the run waits for it before it ends. */
  alongside(work: Promise<void>): void;
}

/**
 * Start a deploy or delete, run `steps`, and always release its Ctrl-C guard: from the
 * first AWS call to the last, Ctrl-C never ends racknet without a word.
 */
export async function withRun<T>(aws: EngineAws, options: DeployOptions, steps: (run: Run) => Promise<T>): Promise<T> {
  const ctrlC = new CtrlCGuard(options.port.interrupts);
  const background: Promise<void>[] = [];
  try {
    const run: Run = {
      aws,
      cfn: await aws.cloudFormation(),
      pacing: options.pacing ?? (options.port.clock ? { ...defaultPacing, sleep: options.port.clock.sleep } : defaultPacing),
      now: options.port.clock?.now ?? Date.now,
      options,
      emit: (event) => options.port.emit(event),
      ctrlC,
      alongside: (work) => void background.push(work.catch(() => undefined)),
    };
    return await steps(run);
  } finally {
    await Promise.all(background);
    ctrlC.release();
  }
}
