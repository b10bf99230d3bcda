import { afterEach, describe, expect, it, vi } from "vitest";
import type { StackActivity } from "../../src/aws/stack-events.js";
import { ActivityBoard, formatDuration } from "../../src/ui/activity-board.js";
import { LiveProgress } from "../../src/ui/live-progress.js";
import { loadLiveLibraries } from "../../src/ui/spinner-region.js";
import { HEARTBEAT_MS, PlainProgress } from "../../src/ui/plain-progress.js";
import { Printer } from "../../src/ui/printer.js";
import { MemoryTerminal, SPINNER, screenOf } from "./terminal.js";

/** The progress views of a stack operation (src/ui/*-progress.ts): live on a terminal, lines and a heartbeat in CI. */

const T0 = Date.parse("2026-03-01T10:00:00Z");
let clock = T0;
const now = () => clock;

function activity(logicalId: string, status: string, resourceType = "AWS::EC2::NatGateway", isStack = false): StackActivity {
  return { id: `${logicalId}-${status}-${clock}`, timestamp: new Date(clock), logicalId, resourceType, status, isStack };
}

function printerOn(stream: MemoryTerminal, color = false): Printer {
  return new Printer({ json: false, color, debug: false, stdout: new MemoryTerminal(), stderr: stream });
}

afterEach(() => {
  vi.useRealTimers();
  clock = T0;
});

describe("ActivityBoard: what an operation has done so far", () => {
  it("counts settled resources towards the plan's total; lists those in progress, the longest-running first", () => {
    const board = new ActivityBoard(5, clock);
    board.record(activity("NatGateway0", "CREATE_IN_PROGRESS"), clock);
    clock += 10_000;
    board.record(activity("Balancer", "CREATE_IN_PROGRESS", "AWS::ElasticLoadBalancingV2::LoadBalancer"), clock);
    board.record(activity("Vpc", "CREATE_COMPLETE", "AWS::EC2::VPC"), clock);
    board.record(activity("Stack", "CREATE_IN_PROGRESS", "AWS::CloudFormation::Stack", true), clock);
    expect(board.done).toBe(1);
    expect(board.total).toBe(5);
    expect(board.inProgress().map((resource) => resource.logicalId)).toEqual(["NatGateway0", "Balancer"]);
    clock += 5_000;
    board.record(activity("NatGateway0", "CREATE_FAILED"), clock);
    expect(board.failed).toBe(1);
    expect(board.inProgress().map((resource) => resource.logicalId)).toEqual(["Balancer"]);
  });

  it("takes the resources seen as the total when CloudFormation reports more than the plan listed", () => {
    const board = new ActivityBoard(0, clock);
    board.record(activity("A", "UPDATE_COMPLETE"), clock);
    board.record(activity("B", "UPDATE_IN_PROGRESS"), clock);
    expect(board.total).toBe(2);
  });

  it("writes durations as a person reads them", () => {
    expect(formatDuration(42_400)).toBe("42s");
    expect(formatDuration(250_000)).toBe("4m10s");
    expect(formatDuration(3_725_000)).toBe("1h02m");
  });
});

describe("PlainProgress: CI logs", () => {
  it("writes one timestamped line per stack event", () => {
    const stderr = new MemoryTerminal();
    const view = new PlainProgress(printerOn(stderr), { title: "creating rack demo", planned: 2, now });
    view.start();
    view.activity(activity("NatGateway0", "CREATE_IN_PROGRESS"));
    clock += 3_000;
    view.activity(activity("NatGateway0", "CREATE_COMPLETE"));
    view.end();
    expect(stderr.text).toBe("10:00:00  CREATE_IN_PROGRESS  AWS::EC2::NatGateway  NatGateway0\n10:00:03  CREATE_COMPLETE  AWS::EC2::NatGateway  NatGateway0\n");
  });

  it("says it is still waiting once a quiet minute, naming what is in progress; never while events come, never after the end", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const stderr = new MemoryTerminal();
    const view = new PlainProgress(printerOn(stderr), { title: "creating rack demo", planned: 4, now });
    view.start();
    for (const id of ["NatGateway0", "NatGateway1", "NatGateway2", "NatGateway3"]) view.activity(activity(id, "CREATE_IN_PROGRESS"));
    // The clock moves with the timers, in the view's 5 s checks.
    const advance = (ms: number) => {
      for (let step = 0; step < ms; step += 5_000) {
        clock += 5_000;
        vi.advanceTimersByTime(5_000);
      }
    };
    advance(HEARTBEAT_MS - 5_000);
    expect(stderr.text).not.toContain("still waiting");
    advance(5_000);
    expect(stderr.text).toContain("10:01:00  still waiting: 4 resources in progress for 1m00s (NatGateway0, NatGateway1, NatGateway2, and 1 more)");
    advance(HEARTBEAT_MS - 5_000);
    expect(stderr.text.match(/still waiting/g)).toHaveLength(1);
    advance(5_000 + 3 * HEARTBEAT_MS);
    expect(stderr.text).toContain("10:02:00  still waiting: 4 resources in progress for 2m00s");
    expect(stderr.text).toContain("10:05:00  still waiting: 4 resources in progress for 5m00s");
    expect(stderr.text.match(/still waiting/g)).toHaveLength(5);
    // An event resets the quiet time.
    view.activity(activity("NatGateway0", "CREATE_COMPLETE"));
    advance(HEARTBEAT_MS - 5_000);
    expect(stderr.text.match(/still waiting/g)).toHaveLength(5);
    advance(5_000);
    expect(stderr.text).toContain("10:06:00  still waiting: 3 resources in progress for 6m00s (NatGateway1, NatGateway2, NatGateway3)");
    view.end();
    advance(10 * HEARTBEAT_MS);
    expect(stderr.text.match(/still waiting/g)).toHaveLength(6);
  });

  it("with nothing in progress, says how long CloudFormation has been quiet", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const stderr = new MemoryTerminal();
    const view = new PlainProgress(printerOn(stderr), { title: "updating rack demo", planned: 0, now });
    view.start();
    clock += HEARTBEAT_MS;
    vi.advanceTimersByTime(HEARTBEAT_MS);
    view.end();
    expect(stderr.text).toBe("10:01:00  still waiting: no stack event for 1m00s\n");
  });
});

describe("LiveProgress: a terminal", () => {
  async function liveView(stderr: MemoryTerminal, planned = 4) {
    const libraries = await loadLiveLibraries();
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const printer = printerOn(stderr);
    const view = new LiveProgress(printer, { title: "creating rack demo", planned, now }, Promise.resolve(libraries));
    view.start();
    await Promise.resolve();
    await Promise.resolve();
    return { view, printer, interval: libraries.spinner.interval };
  }

  it("redraws in place: a spinner headline with done/total and time, each resource in progress with its own time, the slowest first", async () => {
    const stderr = new MemoryTerminal();
    const { view, interval } = await liveView(stderr);
    view.activity(activity("NatGateway0", "CREATE_IN_PROGRESS"));
    clock += 40_000;
    view.activity(activity("ExternalBalancer", "CREATE_IN_PROGRESS", "AWS::ElasticLoadBalancingV2::LoadBalancer"));
    view.activity(activity("Vpc", "CREATE_COMPLETE", "AWS::EC2::VPC"));
    clock += 90_000;
    vi.advanceTimersByTime(interval * 5);

    const frame = view.render();
    expect(frame).toMatch(new RegExp(`^${SPINNER.source} creating rack demo  1/4 done, 2 in progress  2m10s\\n`));
    expect(frame).toMatch(/\n {2}\S NatGateway0 {6} AWS::EC2::NatGateway {2}2m10s\n {2}\S ExternalBalancer {2}AWS::ElasticLoadBalancingV2::LoadBalancer {2}1m30s$/);
    // Frames were redrawn in place: erase-line sequences, and the spinner turned.
    expect(stderr.text).toContain("\u001b[2K");
    expect(new Set(stderr.text.match(new RegExp(SPINNER.source, "g"))).size).toBeGreaterThan(3);
    const during = await screenOf(stderr.text);
    expect(during).toContain("[1] CREATE_COMPLETE  AWS::EC2::VPC  Vpc");
    expect(during.at(-1)).toMatch(/ExternalBalancer/);
    view.end();
  });

  it("lines written meanwhile go above the live part; at the end the live part is gone and the screen ends with the last line", async () => {
    const stderr = new MemoryTerminal();
    const { view, printer, interval } = await liveView(stderr, 2);
    view.activity(activity("NatGateway0", "CREATE_IN_PROGRESS"));
    vi.advanceTimersByTime(interval * 3);
    printer.warn("the template upload was left in the bucket");
    clock += 65_000;
    view.activity(activity("NatGateway0", "CREATE_COMPLETE"));
    vi.advanceTimersByTime(interval * 3);
    view.end();
    printer.success("rack demo: CREATE_COMPLETE in 1m05s");
    vi.advanceTimersByTime(interval * 10);

    const screen = await screenOf(stderr.text);
    expect(screen).toEqual(["warning: the template upload was left in the bucket", "[1] CREATE_COMPLETE  AWS::EC2::NatGateway  NatGateway0  1m05s", "✔ rack demo: CREATE_COMPLETE in 1m05s"]);
    expect(screen.join("\n")).not.toMatch(SPINNER);
  });

  it("an error ends the live view before it is written", async () => {
    const stderr = new MemoryTerminal();
    const { view, printer, interval } = await liveView(stderr, 2);
    view.activity(activity("NatGateway0", "CREATE_IN_PROGRESS"));
    printer.error("stopped watching: the create of rack demo continues in AWS");
    const written = stderr.text.length;
    vi.advanceTimersByTime(interval * 10);
    expect(stderr.text.length, "no frame after the error").toBe(written);
    expect(await screenOf(stderr.text)).toEqual(["error: stopped watching: the create of rack demo continues in AWS"]);
  });
});

describe("the ETA in the progress views", () => {
  it("the live headline says how long is left, as a range, from the plan's resource types and the stack's last operation", async () => {
    const libraries = await loadLiveLibraries();
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const stderr = new MemoryTerminal();
    const resources = [{ logicalId: "NatGateway0", resourceType: "AWS::EC2::NatGateway", action: "Add" }];
    const view = new LiveProgress(printerOn(stderr), { title: "creating rack demo", planned: 1, resources, now }, Promise.resolve(libraries));
    view.start();
    view.activity(activity("NatGateway0", "CREATE_IN_PROGRESS"));
    expect(view.render()).toMatch(/creating rack demo {2}0\/1 done, 1 in progress {2}0s {2}about 1–3 min left$/m);
    // The same stack's last NAT gateway took 30 s: the range follows it.
    const earlier = (seconds: number, status: string): StackActivity => ({ id: `old-${status}`, timestamp: new Date(T0 - 600_000 + seconds * 1000), logicalId: "NatGateway9", resourceType: "AWS::EC2::NatGateway", status, isStack: false });
    view.history([earlier(0, "CREATE_IN_PROGRESS"), earlier(30, "CREATE_COMPLETE")]);
    expect(view.render()).toMatch(/0s {2}about 20–50s left$/m);
    view.end();
  });

  it("a CI log says it at the start, and again when the stack's last operation refines it", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const stderr = new MemoryTerminal();
    const printer = new Printer({ json: false, color: false, debug: false, stdout: new MemoryTerminal(), stderr });
    const view = new PlainProgress(printer, { title: "creating rack demo", planned: 1, resources: [{ logicalId: "NatGateway0", resourceType: "AWS::EC2::NatGateway", action: "Add" }], now });
    view.start();
    // Nothing is seen running yet: AWS's usual times bound it from above only.
    expect(stderr.text).toMatch(/up to 3 min left \(from the plan's resource types\)/);
    const earlier = (seconds: number, status: string): StackActivity => ({ id: `old-${status}`, timestamp: new Date(T0 - 600_000 + seconds * 1000), logicalId: "NatGateway9", resourceType: "AWS::EC2::NatGateway", status, isStack: false });
    view.history([earlier(0, "CREATE_IN_PROGRESS"), earlier(30, "CREATE_COMPLETE")]);
    expect(stderr.text).toMatch(/under 50s left \(refined by this stack's last operation\)/);
    view.end();
  });

  it("a CI log follows the estimate as resources settle: a new line when it changes, at most every 5 s", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const stderr = new MemoryTerminal();
    const printer = new Printer({ json: false, color: false, debug: false, stdout: new MemoryTerminal(), stderr });
    const resources = Array.from({ length: 20 }, (_, index) => ({ logicalId: `Queue${index}`, resourceType: "AWS::SQS::Queue", action: "Add" }));
    const view = new PlainProgress(printer, { title: "creating rack demo", planned: 20, resources, now });
    view.start();
    const settle = (index: number) => view.activity({ ...activity(`Queue${index}`, "CREATE_COMPLETE"), resourceType: "AWS::SQS::Queue", timestamp: new Date(clock) });
    for (let index = 0; index < 10; index += 1) {
      clock += 1000;
      settle(index);
    }
    const etaLines = stderr.text.split("\n").filter((line) => / left \(/.test(line));
    // At the start, then after the 5th second's event, then after the 10th: 10 resources in 10 s, 10 left.
    expect(etaLines).toHaveLength(3);
    expect(etaLines[1]).toMatch(/left \(from 5 of 20 resources done in 5s\)$/);
    expect(etaLines[2]).toMatch(/under 25s left \(from 10 of 20 resources done in 10s\)$/);
    view.end();
  });

  it("the CI heartbeat says it too", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const stderr = new MemoryTerminal();
    const printer = new Printer({ json: false, color: false, debug: false, stdout: new MemoryTerminal(), stderr });
    const view = new PlainProgress(printer, { title: "creating rack demo", planned: 1, resources: [{ logicalId: "NatGateway0", resourceType: "AWS::EC2::NatGateway", action: "Add" }], now });
    view.start();
    view.activity(activity("NatGateway0", "CREATE_IN_PROGRESS"));
    clock += HEARTBEAT_MS;
    view.heartbeat();
    expect(stderr.text).toMatch(/still waiting: 1 resource in progress for 1m00s \(NatGateway0\); up to 2 min left/);
    view.end();
  });
});
