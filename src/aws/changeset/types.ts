import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { S3Client } from "@aws-sdk/client-s3";
import type { ResourceChange } from "../../plan/model.js";
import type { StackInfo } from "../stacks.js";
import type { PendingChangeSet } from "./preflight.js";
import type { FailureDetailClients } from "../failure-details.js";
import type { DeployEvent, Operation } from "./events.js";
import type { EngineClock, Pacing } from "./pacing.js";
import type { CtrlCSource } from "./interrupt.js";

/** The clients the engine uses, built lazily by whoever calls it (src/aws/clients.ts). */
export interface EngineAws extends FailureDetailClients {
  cloudFormation(): Promise<CloudFormationClient>;
  s3(): Promise<S3Client>;
}

export interface StackRequest {
  stackName: string;
  /** `staged`: the body already uploaded (create.ts `stageTemplate`), which CreateChangeSet then names. */
  template: { body: string; staged?: Promise<StagedTemplate> } | { usePrevious: true };
  /** The full set (with usePrevious too: every parameter, with its value). */
  parameters: Record<string, string>;
  tags: Record<string, string>;
  capabilities?: ("CAPABILITY_IAM" | "CAPABILITY_NAMED_IAM")[];
  /** Sentences from the caller (what rack parameters mean, app moves), handed to the review with the changes. */
  notes?: string[];
  /** Where a template body over 51,200 bytes goes (uploaded, then passed as TemplateURL). */
  templateBucket?: TemplateBucket;
  /**
   * The stack as the caller just read it (null: it does not exist), so the engine does not
   * read it again; absent: the engine reads it.
   */
  existing?: StackInfo | null;
  /** Other racknets' pending change sets on the stack, as the caller just read them (preflight.ts `pendingOn`); absent: the engine reads them. */
  pending?: readonly PendingChangeSet[];
}

export type { Operation };

/** A template uploaded ahead of its change set (create.ts `stageTemplate`): the upload goes out beside the caller's other work. */
export interface StagedTemplate {
  url: string;
  /** Deletes the upload; resolves to a warning when that failed. */
  remove(): Promise<string | undefined>;
}

/**
 * The rack's bucket (its name, from the stack's outputs), or a bucket racknet keeps outside any
 * stack (the template staging bucket at install): uploads to that one name the account that
 * must own it, and if it is gone (the last rack's uninstall removed it meanwhile) `remake`
 * makes it again before the one retry.
 */
export type TemplateBucket = string | { name: string; expectedOwner: string; remake: () => Promise<void> };

/** What the engine asks about before it changes anything: the change set's changes, in CloudFormation's words. */
export interface ReviewRequest {
  what: string;
  operation: Operation;
  stackName: string;
  changes: readonly ResourceChange[];
  notes: readonly string[];
}

/** Go ahead, or stop here with nothing changed (the engine deletes the change set). A refusal is thrown. */
export type Verdict = "apply" | "dry-run";

/**
 * How the engine talks to the rest of racknet: it emits what happens and asks for a
 * verdict on the changes. Printing, prompting and the approval policy live behind it.
 */
export interface OperationPort {
  emit(event: DeployEvent): void;
  review(request: ReviewRequest, signal: AbortSignal): Promise<Verdict>;
  /** The workflow's clock: the engine's polls sleep on it (DeployOptions.pacing's sleep, when given, wins), its deadlines and elapsed times read it. */
  clock?: EngineClock;
  /** Ctrl-C as the workflow hears it (src/runtime/interrupt.ts): the engine's guard and waits listen here. */
  interrupts: CtrlCSource;
}

export interface DeployOptions {
  port: OperationPort;
  /** How to watch the stack, e.g. "racknet rack -r prod": given on Ctrl-C and failure. */
  followCommand: string;
  /** The command itself, when running it again follows a stopped run's operation to its end (`rack install`): said first on Ctrl-C. */
  rerunCommand?: string;
  /** What changes, for messages: "rack prod", "app web on rack prod". */
  what: string;
  /**
   * The racknet command that deletes the stack with what racknet made around it (`racknet apps
   * delete shop -r prod`, `racknet rack uninstall prod`): the way out of a creation that rolled
   * back. Absent: CloudFormation's own delete-stack is named.
   */
  removeCommand?: string;
  /** Runs after the change set is approved, before it executes (e.g. move apps off the NAT gateways first). */
  beforeExecute?: () => Promise<void>;
  /** An update still running after this long is cancelled (CancelUpdateStack) and rolled back: `deploy --timeout`. */
  timeoutMs?: number;
  /** Poll intervals and the sleep (tests pass an instant one). */
  pacing?: Pacing;
}

export type DeployOutcome =
  | { kind: "no-changes" }
  | { kind: "dry-run"; changes: readonly ResourceChange[] }
  | { kind: "applied"; stack: StackInfo; changes: readonly ResourceChange[]; /** When the change set was made: what the update did came after. */ since?: Date };
