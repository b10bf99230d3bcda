import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DeployPrinter } from "../../src/ui/deploy-printer.js";
import { loadLiveLibraries } from "../../src/ui/spinner-region.js";
import { HEARTBEAT_MS } from "../../src/ui/plain-progress.js";
import { Printer } from "../../src/ui/printer.js";
import { Waiting } from "../../src/ui/waiting.js";
import { MemoryTerminal, SPINNER, screenOf } from "./terminal.js";

/** A sign of life while racknet waits on something that reports nothing (src/ui/waiting.ts). */

const T0 = Date.parse("2026-03-01T10:00:00Z");
let clock = T0;
const now = () => clock;

class Log extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const printerOn = (stderr: NodeJS.WritableStream) => new Printer({ json: false, color: false, debug: false, stdout: new Log(), stderr });

afterEach(() => {
  vi.useRealTimers();
  clock = T0;
});

describe("Waiting", () => {
  it("in CI: a timestamped line at once, then a heartbeat at most once a quiet minute", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const log = new Log();
    const waiting = new Waiting(printerOn(log), "creating the change set for app shop on rack prod (stack prod-shop)…", now).start();
    expect(log.text).toBe("10:00:00  creating the change set for app shop on rack prod (stack prod-shop)…\n");
    clock += HEARTBEAT_MS - 1;
    vi.advanceTimersByTime(HEARTBEAT_MS);
    expect(log.text.split("\n").filter(Boolean)).toHaveLength(1);
    clock += 5_000;
    vi.advanceTimersByTime(5_000);
    expect(log.text).toContain("10:01:04  still waiting (1m04s): creating the change set for app shop");
    waiting.end();
  });

  it("on a terminal: a spinner line with the time so far, redrawn in place and gone when the wait ends", async () => {
    const libraries = await loadLiveLibraries();
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const stderr = new MemoryTerminal();
    const printer = printerOn(stderr);
    const waiting = new Waiting(printer, "waiting for 2 network interfaces to leave the rack's subnets", now, () => Promise.resolve(libraries)).start();
    await Promise.resolve();
    await Promise.resolve();
    clock += 3_000;
    vi.advanceTimersByTime(libraries.spinner.interval * 3);
    expect(waiting.render()).toMatch(new RegExp(`^${SPINNER.source} waiting for 2 network interfaces to leave the rack's subnets  3s$`));
    printer.info("a line written meanwhile");
    waiting.end();
    const screen = await screenOf(stderr.text);
    expect(screen).toEqual(["a line written meanwhile"]);
  });
});

describe("the deploy printer shows a sign of life while the change set is made", () => {
  it("in CI, a line as CreateChangeSet is sent; the plan follows", () => {
    const log = new Log();
    const printer = new DeployPrinter(printerOn(log), { live: false });
    printer.render({ type: "creating-change-set", what: "app shop on rack prod", stackName: "prod-shop" });
    expect(log.text).toMatch(/^\d\d:\d\d:\d\d {2}creating the change set for app shop on rack prod \(stack prod-shop\)…\n$/);
    printer.render({ type: "no-changes", what: "app shop on rack prod" });
    expect(log.text).toContain("no changes: app shop on rack prod is already up to date");
  });
});
