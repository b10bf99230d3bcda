import type { StackActivity } from "../aws/stack-events.js";
import type { Paint } from "./paint.js";

/** `CREATE_COMPLETE  AWS::EC2::VPC  Vpc  reason`: one stack event, as every progress view writes it. */
export function activityLine(activity: StackActivity, paint: Paint): string {
  const status = activity.status.endsWith("_FAILED") ? paint.red(activity.status) : activity.status.endsWith("_COMPLETE") ? paint.green(activity.status) : activity.status;
  const reason = activity.reason && activity.reason !== "User Initiated" ? `  ${paint.dim(activity.reason)}` : "";
  return `${status}  ${activity.resourceType}  ${activity.logicalId}${reason}`;
}

/** `12:04:31`: the UTC time of day a CI log line is stamped with. */
export function clockTime(at: Date | number): string {
  return new Date(at).toISOString().slice(11, 19);
}
