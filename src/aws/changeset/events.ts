import type { Plan } from "../../plan/model.js";
import type { Diagnosis } from "../diagnose.js";
import type { StackActivity } from "../stack-events.js";

/**
 * What the engine reports while it works. The engine emits these and never formats
 * them; src/ui/deploy-printer.ts renders them (lines in CI, compact on a terminal).
 */
export type DeployEvent =
  | { type: "plan"; what: string; operation: "create" | "update" | "delete"; stackName: string; plan: Plan }
  | { type: "no-changes"; what: string }
  | { type: "dry-run"; what: string; operation: "create" | "update" | "delete" }
  | { type: "started"; what: string; operation: "create" | "update" | "delete"; stackName: string }
  | { type: "activity"; activity: StackActivity }
  | { type: "finished"; what: string; status: string; elapsedMs: number }
  | { type: "failed"; what: string; diagnosis: Diagnosis };

export type DeployListener = (event: DeployEvent) => void;
