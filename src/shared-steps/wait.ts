/**
 * `racknet apps wait` and `racknet rack wait`: attach to the operation a stack is in and
 * follow it to its end (the way back in after Ctrl-C, which stops only the watching).
 */
import { attachToStack } from "../aws/changeset/attach.js";
import type { Context } from "../runtime/context.js";
import { operationPort } from "./review.js";

/** `racknet apps wait --json` and `racknet rack wait --json`. */
export interface WaitResult {
  stack: string;
  /** `followed`: an operation was running and racknet followed it to its end; `idle`: none was. */
  outcome: "followed" | "idle";
  status: string;
}

/** The command that follows an app's operation: every Ctrl-C message and "in progress" refusal names it. */
export function appWaitCommand(app: string, rack: string): string {
  return `racknet apps wait ${app} -r ${rack}`;
}

export function rackWaitCommand(rack: string): string {
  return `racknet rack wait -r ${rack}`;
}

export async function waitFor(context: Context, target: { stackName: string; what: string; waitCommand: string; removeCommand: string }): Promise<WaitResult> {
  const attached = await attachToStack(context.aws, target.stackName, {
    port: operationPort(context),
    followCommand: target.waitCommand,
    removeCommand: target.removeCommand,
    what: target.what,
  });
  // An operation that ended failed was thrown as followed (exit 3, its root cause): idle is a success.
  if (attached.kind === "idle") context.printer.success(`nothing in progress: ${target.what} is ${attached.status}`);
  return { stack: target.stackName, outcome: attached.kind, status: attached.status };
}
