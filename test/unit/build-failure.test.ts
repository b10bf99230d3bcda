import { describe, expect, it } from "vitest";
import { failingLines } from "../../src/aws/build-failure.js";

/** A BuildKit failure as CodeBuild logs it (shape of real logs; paths and times made up). */
const LOG = [
  "[Container] 2026/09/16 08:30:01.000001 Running command docker build --file \"$RACKNET_DOCKERFILE\" --tag \"$RACKNET_IMAGE\" .",
  "#5 [2/4] WORKDIR /app",
  "#6 [3/4] RUN npm install",
  "#6 1.203 npm ERR! code E404",
  "#6 1.204 npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd",
  "------",
  " > [3/4] RUN npm install:",
  "------",
  "Dockerfile:3",
  "--------------------",
  "   3 | >>> RUN npm install",
  "--------------------",
  "ERROR: failed to solve: process \"/bin/sh -c npm install\" did not complete successfully: exit code: 1",
  "",
  "[Container] 2026/09/16 08:31:07.601108 Command did not exit successfully docker build --file \"$RACKNET_DOCKERFILE\" --tag \"$RACKNET_IMAGE\" . exit status 1",
  "[Container] 2026/09/16 08:31:07.607840 Phase complete: BUILD State: FAILED",
  "[Container] 2026/09/16 08:31:07.607859 Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command",
  "[Container] 2026/09/16 08:31:08.000000 Entering phase POST_BUILD",
];

const PHASES = [
  { phaseType: "PRE_BUILD", phaseStatus: "SUCCEEDED", contexts: [{ statusCode: "", message: "" }] },
  { phaseType: "BUILD", phaseStatus: "FAILED", contexts: [{ statusCode: "COMMAND_EXECUTION_ERROR", message: "Error while executing command: docker build ... Reason: exit status 1" }] },
  { phaseType: "POST_BUILD", phaseStatus: "SUCCEEDED" },
];

describe("root cause of a failed build", () => {
  it("starts with docker's own error lines, then the failed command, then CodeBuild's reason", () => {
    const lines = failingLines(LOG, PHASES);
    expect(lines.slice(0, 2)).toEqual(["#5 [2/4] WORKDIR /app", "#6 [3/4] RUN npm install"]);
    expect(lines).toContain("ERROR: failed to solve: process \"/bin/sh -c npm install\" did not complete successfully: exit code: 1");
    expect(lines.at(-2)).toBe('Command did not exit successfully docker build --file "$RACKNET_DOCKERFILE" --tag "$RACKNET_IMAGE" . exit status 1');
    expect(lines.at(-1)).toBe("BUILD FAILED: Error while executing command: docker build ... Reason: exit status 1");
    expect(lines.filter((line) => line.startsWith("[Container]"))).toEqual([]);
    expect(lines.some((line) => line.includes("POST_BUILD"))).toBe(false);
  });

  it("keeps the last 20 lines of output before the failure", () => {
    const noisy = [...Array.from({ length: 50 }, (_, index) => `step ${index}`), "[Container] 2026/09/16 08:31:07.601108 Command did not exit successfully docker push x exit status 1"];
    const lines = failingLines(noisy, []);
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe("step 30");
  });

  it("without a failed command (the source did not download), gives the phase's reason", () => {
    const phases = [{ phaseType: "DOWNLOAD_SOURCE", phaseStatus: "CLIENT_ERROR", contexts: [{ statusCode: "CLIENT_ERROR", message: "AccessDenied: Access Denied for object builds/shop/x.zip" }] }];
    expect(failingLines([], phases)).toEqual(["DOWNLOAD_SOURCE CLIENT_ERROR: AccessDenied: Access Denied for object builds/shop/x.zip"]);
  });
});
