import type { StackActivity } from "./stack-events.js";

/**
 * Why a stack operation failed, from its events. CloudFormation reports one real
 * failure and then a cascade: every resource in flight is cancelled, and the stack
 * says "The following resource(s) failed to ...". The root cause is the first
 * failure that is not part of that cascade. Pure: tested on recorded event lists.
 */
export interface Diagnosis {
  stackName: string;
  finalStatus: string;
  /** The first real failure; absent when the events do not say (then `statusReason` may). */
  rootCause?: StackActivity;
  /** Other real failures, oldest first. */
  otherFailures: StackActivity[];
  /** How many resources were cancelled because of the root cause. */
  cancelled: number;
  /** The stack's own reason, when no resource event explains the failure. */
  statusReason?: string;
  /** Where the stack is now, in words. */
  state: string;
  /** What to run next. */
  recovery: string;
  /** What the failed resources' own services say (stopped tasks, container logs, what holds a subnet), root cause first. */
  details?: string[];
}

const CASCADE = [
  /^Resource (creation|update|deletion) cancelled/i,
  /^The following resource\(s\) failed to /i,
];

export function isCascade(activity: StackActivity): boolean {
  return CASCADE.some((pattern) => pattern.test(activity.reason ?? ""));
}

function isFailure(activity: StackActivity): boolean {
  return activity.status.endsWith("_FAILED");
}

/** `activities` oldest first, as the poller returns them. */
export function diagnose(activities: readonly StackActivity[], stack: { name: string; status: string; statusReason?: string }, removeCommand?: string): Diagnosis {
  const failures = activities.filter(isFailure);
  const real = failures.filter((activity) => !isCascade(activity));
  const rootCause = real.find((activity) => !activity.isStack) ?? real[0];
  const { state, recovery } = recoveryFor(stack.status, stack.name, removeCommand);
  return {
    stackName: stack.name,
    finalStatus: stack.status,
    rootCause,
    otherFailures: real.filter((activity) => activity !== rootCause && !activity.isStack),
    cancelled: failures.filter((activity) => isCascade(activity) && !activity.isStack).length,
    statusReason: rootCause ? undefined : (stack.statusReason ?? lastStackReason(activities)),
    state,
    recovery,
  };
}

function lastStackReason(activities: readonly StackActivity[]): string | undefined {
  return activities.filter((activity) => activity.isStack && activity.reason && activity.reason !== "User Initiated").at(-1)?.reason;
}

/**
 * What a failed or stuck stack status means, and what gets it moving again. A stack that
 * must go is deleted with `removeCommand` where racknet has one (it also removes what racknet
 * made beside the stack: certificates, records, the CA); CloudFormation's delete-stack otherwise.
 */
export function recoveryFor(status: string, stackName: string, removeCommand?: string): { state: string; recovery: string } {
  const deleteIt = `delete it with \`${removeCommand ?? `aws cloudformation delete-stack --stack-name ${stackName}`}\`, fix the cause, then run the command again`;
  switch (status) {
    case "ROLLBACK_COMPLETE":
    case "ROLLBACK_FAILED":
    case "CREATE_FAILED":
      return { state: `the stack's creation failed and was rolled back (${status}); CloudFormation cannot update it`, recovery: deleteIt };
    case "UPDATE_ROLLBACK_COMPLETE":
      return { state: `the update was rolled back (${status}): the previous version is running`, recovery: "fix the cause and run the command again" };
    case "UPDATE_ROLLBACK_FAILED":
      return {
        state: `the update failed and so did its rollback (${status}): the stack is stuck`,
        recovery: `run \`aws cloudformation continue-update-rollback --stack-name ${stackName}\` (with --resources-to-skip for resources that cannot roll back), then run the command again`,
      };
    case "UPDATE_FAILED":
      return {
        state: `the update failed and was not rolled back (${status})`,
        recovery: `roll it back with \`aws cloudformation rollback-stack --stack-name ${stackName}\`, fix the cause, then run the command again`,
      };
    case "DELETE_FAILED":
      return {
        state: `some resources could not be deleted (${status}); the stack still exists`,
        recovery: `fix the cause, then run the command again (or \`aws cloudformation delete-stack --stack-name ${stackName}\`)`,
      };
    default:
      return {
        state: `the stack is ${status}`,
        recovery: `look at \`aws cloudformation describe-stack-events --stack-name ${stackName}\``,
      };
  }
}
