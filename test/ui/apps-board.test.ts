import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DeployEvent } from "../../src/aws/changeset/events.js";
import { AppsBoard } from "../../src/ui/apps-board.js";
import { loadLiveLibraries } from "../../src/ui/spinner-region.js";
import { HEARTBEAT_MS } from "../../src/ui/plain-progress.js";
import { Printer } from "../../src/ui/printer.js";
import { MemoryTerminal, screenOf } from "./terminal.js";

/** Several apps moving at once: one live view, one line per app in progress (src/ui/apps-board.ts). */

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
const resource = (logicalId: string, status: string) => ({ type: "activity", activity: { logicalId, resourceType: "AWS::ECS::Service", status, timestamp: new Date(clock), isStack: false } }) as DeployEvent;

afterEach(() => {
  vi.useRealTimers();
  clock = T0;
});

describe("AppsBoard", () => {
  it("on a terminal: a headline, then one line per app in progress with its state, resources done and time; a finished app leaves a line that stays", async () => {
    const libraries = await loadLiveLibraries();
    const stderr = new MemoryTerminal();
    const printer = printerOn(stderr);
    const passed: DeployEvent[] = [];
    const board = new AppsBoard(printer, "moving the apps onto rack prod's new facts", 3, now, () => Promise.resolve(libraries)).start();
    await Promise.resolve();
    await Promise.resolve();
    const shop = board.listener("shop", (event) => passed.push(event));
    const billing = board.listener("billing", (event) => passed.push(event));
    shop({ type: "creating-change-set", what: "app shop on rack prod", stackName: "prod-shop" });
    billing({ type: "creating-change-set", what: "app billing on rack prod", stackName: "prod-billing" });
    clock += 2_000;
    shop({ type: "started", what: "app shop on rack prod", operation: "update", stackName: "prod-shop" });
    shop(resource("WebService", "UPDATE_IN_PROGRESS"));
    shop(resource("WebTaskDefinition", "UPDATE_COMPLETE"));
    clock += 5_000;
    const live = board.render().split("\n");
    expect(live[0]).toMatch(/moving the apps onto rack prod's new facts {2}0 of 3 apps done, 2 in progress {2}7s$/);
    expect(live).toHaveLength(3);
    expect(live[1]).toMatch(/billing {2}creating the change set {2}7s$/);
    expect(live[2]).toMatch(/shop {5}updating {2}1\/1 resources {2}5s$/);

    shop({ type: "finished", what: "app shop on rack prod", status: "UPDATE_COMPLETE", elapsedMs: 5_000 });
    expect(board.render().split("\n")).toHaveLength(2);
    expect(board.render()).toContain("1 of 3 apps done, 1 in progress");
    board.end();
    expect(await screenOf(stderr.text)).toEqual(["✔ app shop on rack prod: UPDATE_COMPLETE in 5s"]);
    expect(passed).toEqual([]);
  });

  it("in CI: a line as each app starts and for each failed resource, a heartbeat naming the apps at work; plans and failures go to the app's own printer", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const log = new Log();
    const passed: string[] = [];
    const board = new AppsBoard(printerOn(log), "moving", 2, now).start();
    const shop = board.listener("shop", (event) => passed.push(event.type));
    shop({ type: "started", what: "app shop on rack prod", operation: "update", stackName: "prod-shop" });
    shop(resource("WebService", "UPDATE_FAILED"));
    shop({ type: "failed", what: "app shop on rack prod", diagnosis: { stackName: "prod-shop", state: "UPDATE_ROLLBACK_COMPLETE", otherFailures: [], cancelled: 0 } as never });
    const zoo = board.listener("zoo", (event) => passed.push(event.type));
    zoo({ type: "started", what: "app zoo on rack prod", operation: "update", stackName: "prod-zoo" });
    clock += HEARTBEAT_MS + 5_000;
    vi.advanceTimersByTime(HEARTBEAT_MS + 5_000);
    board.end();
    const lines = log.text.split("\n").filter(Boolean);
    expect(lines[0]).toBe("10:00:00  app shop: update started (stack prod-shop)");
    expect(lines[1]).toBe("app shop: UPDATE_FAILED  AWS::ECS::Service  WebService");
    expect(lines[2]).toBe("10:00:00  app zoo: update started (stack prod-zoo)");
    expect(lines[3]).toMatch(/^10:01:05 {2}still at work: zoo \(updating, 1m05s\)$/);
    expect(passed).toEqual(["failed"]);
  });
});
