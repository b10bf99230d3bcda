import { ExitCode } from "../errors/index.js";
import type { Printer } from "../ui/printer.js";

/**
 * Ctrl-C when no step of racknet answers it. Every stack change (the change-set engine) and
 * every operation that spans stacks (src/safety/lock.ts) listens for SIGINT while it runs and
 * says where things stand; outside them Node's default would end racknet on the spot without
 * a word. This listener says what happened instead, and exits 130.
 */
export function installInterruptFallback(printer: Printer): void {
  process.on("SIGINT", () => {
    // Another listener is a step that answers for itself (and may need to finish a call first).
    if (process.listenerCount("SIGINT") > 1) return;
    printer.error("interrupted (Ctrl-C) while racknet was reading or between steps: no stack change was under way", {
      fix: "run the command again; `racknet rack` and `racknet apps` show where things stand",
    });
    process.exit(ExitCode.interrupted);
  });
}
