import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CtrlC } from "../../src/aws/changeset/interrupt.js";
import { Interrupts, installInterruptFallback } from "../../src/runtime/interrupt.js";
import { CtrlCWatch } from "../../src/safety/lock.js";
import { Printer } from "../../src/ui/printer.js";
import { Capture } from "../support/offline.js";

/**
 * Ctrl-C heard in one place (src/runtime/interrupt.ts, issue 19 item 5): one SIGINT listener
 * on the process, fanned out to the steps listening now; the fallback answers when none does.
 */

let interrupts: Interrupts;
let before: number;
const undo: (() => void)[] = [];
beforeEach(() => {
  interrupts = new Interrupts();
  before = process.listenerCount("SIGINT");
});
afterEach(() => {
  for (const step of undo.splice(0).reverse()) step();
  vi.restoreAllMocks();
});

describe("one SIGINT listener for the process", () => {
  it("however many scopes listen, the process has one listener more, and none once they are released", () => {
    const scopes = [interrupts.scope(), interrupts.scope(), interrupts.scope()];
    const stop = interrupts.listen(() => undefined);
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    for (const scope of scopes) scope.release();
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    stop();
    expect(process.listenerCount("SIGINT")).toBe(before);
  });

  it("Ctrl-C aborts each scope's signal (reason CtrlC); a released scope's stays as it was", () => {
    const done = interrupts.scope();
    done.release();
    const first = interrupts.scope();
    const second = interrupts.scope();
    undo.push(first.release, second.release);
    process.emit("SIGINT");
    expect(first.signal.aborted).toBe(true);
    expect(first.signal.reason).toBeInstanceOf(CtrlC);
    expect(second.signal.aborted).toBe(true);
    expect(done.signal.aborted).toBe(false);
  });

  it("a listener hears every Ctrl-C until it stops listening", () => {
    let heard = 0;
    const stop = interrupts.listen(() => (heard += 1));
    process.emit("SIGINT");
    process.emit("SIGINT");
    stop();
    process.emit("SIGINT");
    expect(heard).toBe(2);
  });
});

describe("the fallback: Ctrl-C when no step listens", () => {
  function fallback(): { stderr: Capture; exit: ReturnType<typeof vi.spyOn> } {
    const stderr = new Capture();
    const printer = new Printer({ json: false, color: false, debug: false, stdout: new Capture(), stderr });
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    undo.push(installInterruptFallback(interrupts, printer));
    return { stderr, exit };
  }

  it("says no stack change was under way and exits 130", () => {
    const { stderr, exit } = fallback();
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    process.emit("SIGINT");
    expect(exit).toHaveBeenCalledWith(130);
    expect(stderr.text).toContain("interrupted (Ctrl-C) while racknet was reading or between steps: no stack change was under way");
  });

  it("stays silent while a step listens, and the step hears it", () => {
    const { stderr, exit } = fallback();
    const scope = interrupts.scope();
    undo.push(scope.release);
    process.emit("SIGINT");
    expect(scope.signal.aborted).toBe(true);
    expect(exit).not.toHaveBeenCalled();
    expect(stderr.text).toBe("");
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
  });

  it("stays silent while the operation lock's watch listens, which hears the press", () => {
    const { exit } = fallback();
    const watch = new CtrlCWatch(interrupts);
    undo.push(() => watch.dispose());
    process.emit("SIGINT");
    expect(exit).not.toHaveBeenCalled();
    expect(watch.pressed).toBe(true);
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
  });

  it("taken back, it leaves the process as it found it", () => {
    fallback();
    undo.pop()?.();
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});
