import type { Plan } from "../../plan/model.js";
import type { StackInfo } from "../stacks.js";
import type { DeployListener } from "./events.js";
import type { Pacing } from "./pacing.js";

export interface StackRequest {
  stackName: string;
  template: { body: string } | { usePrevious: true };
  /** The full set (with usePrevious too: every parameter, with its value). */
  parameters: Record<string, string>;
  tags: Record<string, string>;
  capabilities?: ("CAPABILITY_IAM" | "CAPABILITY_NAMED_IAM")[];
  /** Sentences from the caller (what rack parameters mean, app moves), shown with the plan. */
  notes?: string[];
  /** S3 bucket for template bodies over 51,200 bytes (uploaded, then passed as TemplateURL). */
  templateBucket?: string;
}

export interface DeployOptions {
  dryRun: boolean;
  yes: boolean;
  canPrompt: boolean;
  /** How to watch the stack, e.g. "racknet rack -r prod": given on Ctrl-C and failure. */
  followCommand: string;
  /** What changes, for messages: "rack prod", "app web on rack prod". */
  what: string;
  /** Runs after the change set is approved, before it executes (e.g. move apps off the NAT gateways first). */
  beforeExecute?: () => Promise<void>;
  /** Poll intervals and the sleep (tests pass an instant one). */
  pacing?: Pacing;
  /** Who renders the engine's events; default: the deploy printer on context.printer. */
  listener?: DeployListener;
}

export type DeployOutcome =
  | { kind: "no-changes" }
  | { kind: "dry-run"; plan: Plan }
  | { kind: "applied"; stack: StackInfo; plan: Plan };
