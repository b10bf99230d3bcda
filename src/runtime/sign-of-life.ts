import type { Printer } from "../ui/printer.js";
import { Waiting } from "../ui/waiting.js";

/**
 * The line itself; the launcher writes the same (dist/help/sign-of-life.json, written at build
 * time by scripts/build-help.mjs) so that it needs nothing of the CLI loaded.
 */
export function signOfLifeLabel(command: string): string {
  return `racknet ${command}: reading and preparing before the plan…`;
}

/** Past this, a command that changes AWS and shows no view of its own shows that it works. */
const QUIET_MS = 300;

/**
 * A command that changes AWS reads and prepares before its plan (the rack, the app, the CA,
 * quotas), a round trip or several: a timestamped line in CI says at once that it is working
 * (a timer could not keep the promise of a second: loading the command's modules and the AWS
 * SDK holds the event loop for longer on a busy machine); on a terminal, if no view of its own
 * shows after QUIET_MS, a spinner does, until the command's own first view takes over or it ends.
 */
export function signOfLife(printer: Printer, command: string, launcherSaidIt = false): { end(): void } {
  const waiting = new Waiting(printer, signOfLifeLabel(command));
  // In CI the launcher may have written the line already, before the CLI loaded (bin/racknet).
  if (!printer.interactive) waiting.start({ said: launcherSaidIt });
  const timer = setTimeout(() => {
    if (printer.interactive && !printer.showingLive) waiting.start();
  }, QUIET_MS);
  timer.unref();
  return {
    end: () => {
      clearTimeout(timer);
      waiting.end();
    },
  };
}
