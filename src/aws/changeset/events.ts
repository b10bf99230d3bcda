import type { Plan } from "../../plan/model.js";
import type { Diagnosis } from "../diagnose.js";
import type { StackActivity } from "../stack-events.js";

/**
 * What a stack operation reports while it works. The engine emits these (and the review
 * above it emits `plan`) and never formats them; src/ui/deploy-printer.ts renders them.
 */
export type Operation = "create" | "update" | "delete";

export type DeployEvent =
  /** CreateChangeSet is about to be sent: CloudFormation takes seconds to compute it, and says nothing meanwhile. */
  | { type: "creating-change-set"; what: string; stackName: string }
  | { type: "plan"; what: string; operation: Operation; stackName: string; plan: Plan }
  | { type: "no-changes"; what: string }
  | { type: "dry-run"; what: string; operation: Operation }
  | { type: "started"; what: string; operation: Operation; stackName: string }
  | { type: "activity"; activity: StackActivity }
  /** The stack's previous operation's events (what each resource took then): for the ETA, never printed as lines. */
  | { type: "history"; activities: StackActivity[] }
  | { type: "finished"; what: string; status: string; elapsedMs: number }
  | { type: "failed"; what: string; diagnosis: Diagnosis }
  /** Something left behind that the user may want to remove by hand (a change set, an upload). */
  | { type: "warning"; message: string };

export type DeployListener = (event: DeployEvent) => void;
