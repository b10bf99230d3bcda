import { describe, expect, it } from "vitest";
import type { BuildEvent } from "../../src/images/events.js";
import { BuildPrinter } from "../../src/ui/build-printer.js";
import { Printer } from "../../src/ui/printer.js";
import { Capture } from "../support/offline.js";

/** How build events read on a terminal and in CI (src/ui/build-printer.ts). */

const URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod/shop:src-0123456789abcdef0123456789abcdef";
const BUILD = "prod-build:6f1c2a4e";
const EVENTS: BuildEvent[] = [
  { type: "context-uploading", imageUri: URI, bytes: 2048, bucket: "prod-bucket", key: "builds/shop/ab.zip" },
  { type: "build-started", imageUri: URI, buildId: BUILD, services: ["web", "worker"] },
  { type: "build-phase", imageUri: URI, buildId: BUILD, phase: "BUILD" },
  { type: "build-log", imageUri: URI, buildId: BUILD, line: "[Container] 2026/01/01 00:00:00.000000 Running command docker build" },
  { type: "build-log", imageUri: URI, buildId: BUILD, line: "Step 1/4 : FROM node:22-alpine" },
  { type: "build-failed", imageUri: URI, buildId: BUILD, status: "FAILED", phase: "BUILD", failingLines: ["npm ERR! 1 test failed", "BUILD FAILED: exit status 1"] },
];

function render(interactive: boolean): string {
  const stderr = Object.assign(new Capture(), { isTTY: interactive });
  const printer = new Printer({ json: false, color: false, debug: false, stdout: new Capture(), stderr });
  const builds = new BuildPrinter(printer, interactive, () => new Date("2026-09-16T08:31:07.000Z"));
  for (const event of EVENTS) builds.listener(event);
  return stderr.text;
}

describe("build printer", () => {
  it("on a terminal: a line per step, the phase, the build's own output without the agent's lines, then the root cause", () => {
    expect(render(true).split("\n")).toEqual([
      "• src-0123456789abcdef0123456789abcdef: uploading the build context (2.0 KiB) to s3://prod-bucket/builds/shop/ab.zip",
      `• web, worker: build ${BUILD} started`,
      "• web, worker: BUILD",
      "  │ Step 1/4 : FROM node:22-alpine",
      "web, worker: the build ended FAILED in its BUILD phase; the root cause, from its log:",
      "  │ npm ERR! 1 test failed",
      "  │ BUILD FAILED: exit status 1",
      "",
    ]);
  });

  it("in CI: every event and every log line on its own timestamped line, the agent's too", () => {
    const lines = render(false).split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "2026-09-16T08:31:07.000Z src-0123456789abcdef0123456789abcdef: uploading the build context (2.0 KiB) to s3://prod-bucket/builds/shop/ab.zip",
      `2026-09-16T08:31:07.000Z web, worker: build ${BUILD} started`,
      "2026-09-16T08:31:07.000Z web, worker: phase BUILD",
      "2026-09-16T08:31:07.000Z web, worker | [Container] 2026/01/01 00:00:00.000000 Running command docker build",
      "2026-09-16T08:31:07.000Z web, worker | Step 1/4 : FROM node:22-alpine",
    ]);
    expect(lines.slice(5)).toEqual(["web, worker: the build ended FAILED in its BUILD phase; the root cause, from its log:", "  │ npm ERR! 1 test failed", "  │ BUILD FAILED: exit status 1", ""]);
  });
});
