import type { Printer } from "../ui/printer.js";
import { Waiting } from "../ui/waiting.js";

/** Past this, a command that changes AWS and shows no view of its own shows that it works. */
const QUIET_MS = 300;

/**
 * A command that changes AWS reads and prepares before its plan (the rack, the app, the CA,
 * quotas), a round trip or several: a timestamped line in CI says at once that it is working
 * (a timer could not keep the promise of a second: loading the command's modules and the AWS
 * SDK holds the event loop for longer on a busy machine); on a terminal, if no view of its own
 * shows after QUIET_MS, a spinner does, until the command's own first view takes over or it ends.
 */
export function signOfLife(printer: Printer, command: string): { end(): void } {
  const waiting = new Waiting(printer, `racknet ${command}: reading and preparing before the plan…`);
  if (!printer.interactive) waiting.start();
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
