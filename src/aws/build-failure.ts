/**
 * The root cause of a failed build, from its log and its phases: the lines the failing
 * command wrote just before CodeBuild reported it (docker's own error), then CodeBuild's
 * reason for the failed phase. Pure; tested on recorded logs.
 */

/** What CodeBuild's agent writes when a buildspec command fails. */
const FAILED_COMMAND = /Command did not exit successfully/;
/** The agent's own lines; the build's output has no such prefix. */
const AGENT_LINE = /^\[Container\] /;
/** Enough for docker's error block (BuildKit prints the Dockerfile excerpt and the error). */
export const ROOT_CAUSE_LINES = 20;

export interface PhaseReport {
  phaseType?: string;
  phaseStatus?: string;
  contexts?: Array<{ statusCode?: string; message?: string }>;
}

export function failingLines(logLines: readonly string[], phases: readonly PhaseReport[]): string[] {
  const marker = logLines.findIndex((line) => FAILED_COMMAND.test(line));
  const before = marker === -1 ? logLines : logLines.slice(0, marker);
  const output = before.filter((line) => line.trim() !== "" && !AGENT_LINE.test(line)).slice(-ROOT_CAUSE_LINES);
  const markerLine = marker === -1 ? [] : [stripAgentPrefix(logLines[marker] ?? "")];
  const reasons = phases
    .filter((phase) => phase.phaseStatus !== undefined && phase.phaseStatus !== "SUCCEEDED")
    .flatMap((phase) => (phase.contexts ?? []).filter((context) => context.message).map((context) => `${phase.phaseType ?? "?"} ${phase.phaseStatus}: ${context.message}`));
  return [...output, ...markerLine, ...reasons];
}

/** `[Container] 2026/09/16 08:31:07.601108 Command did ...` → `Command did ...` */
function stripAgentPrefix(line: string): string {
  return line.replace(/^\[Container\] \S+ \S+ /, "");
}
