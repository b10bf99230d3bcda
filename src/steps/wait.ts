/**
 * `racknet apps wait` and `racknet rack wait`: attach to the operation a stack is in and
 * follow it to its end (the way back in after Ctrl-C, which stops only the watching).
 */
import { attachToStack } from "../aws/changeset/attach.js";
import { AwsOperationFailed } from "../core/errors.js";
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

/** A stack left in a failed state is no success to wait for: exit 3 with what to run. */
const FAILED_STATES = /(_FAILED|ROLLBACK_COMPLETE)$/;

export async function waitFor(context: Context, target: { stackName: string; what: string; waitCommand: string; removeCommand: string }): Promise<WaitResult> {
  const attached = await attachToStack(context.aws, target.stackName, {
    port: operationPort(context),
    followCommand: target.waitCommand,
    removeCommand: target.removeCommand,
    what: target.what,
  });
  if (attached.kind === "idle") {
    if (FAILED_STATES.test(attached.status) && attached.status !== "UPDATE_ROLLBACK_COMPLETE") {
      throw new AwsOperationFailed(`${target.what} is not changing: its stack ${target.stackName} is ${attached.status}${attached.statusReason ? ` (${attached.statusReason})` : ""}`, {
        fix: attached.status === "ROLLBACK_COMPLETE" ? `its creation rolled back; remove it with \`${target.removeCommand}\`, then create it again` : `see the stack's events with \`aws cloudformation describe-stack-events --stack-name ${target.stackName}\``,
      });
    }
    context.printer.success(`nothing in progress: ${target.what} is ${attached.status}`);
  }
  return { stack: target.stackName, outcome: attached.kind, status: attached.status };
}
