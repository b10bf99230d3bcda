/**
 * The journal of an operation that spans stacks (`rack params set` moving apps, `rack
 * uninstall`, `apps delete`, the objects `rack install` makes before its stack): what was
 * planned, what is done, what AWS may still be doing. It lives in the rack's own storage
 * (one SSM parameter per rack operation, or per app, tagged for the rack), is written before
 * and after each step, and is removed when the operation finishes. A run that stops half way
 * (a failure, Ctrl-C) leaves it behind: `racknet rack` shows it, and running the same command
 * again reads it and does only the steps that are not done.
 */
import { ExitCode, UserError, ValidationErrors } from "../errors/index.js";
import { RACK_TAG, APP_TAG, journalsPath, operationJournalParameter } from "../names/index.js";
import { createRecord, deleteRecords, overwriteRecord, readRecord, readRecords } from "../aws/operation-records.js";
import type { Context } from "../runtime/context.js";

export type StepState = "pending" | "running" | "done" | "failed";

export interface JournalStep {
  /** Stable within the operation: `rack`, `app:shop`, `certificates`. */
  id: string;
  /** For people: `rack prod: Private=Yes`, `app shop: to the private subnets`. */
  what: string;
  state: StepState;
  /** Why it failed, or what AWS is still doing. */
  note?: string;
}

export interface JournalRecord {
  v: 1;
  /** `rack params set`, `rack uninstall`, `apps delete`, `rack install`. */
  operation: string;
  /** What makes a later run "the same operation" (it resumes): e.g. the canonical `Private=Yes`. */
  key: string;
  /** The one command that finishes the job. */
  command: string;
  startedAt: string;
  updatedAt: string;
  /** `stopped`: the run that wrote it ended before the last step (failure, Ctrl-C). */
  state: "running" | "stopped";
  stoppedBecause?: string;
  steps: JournalStep[];
}

/** What an operation means to do: its name, what makes a rerun the same, the command, the steps in order. */
export interface JournalPlan {
  operation: string;
  key: string;
  command: string;
  steps: ReadonlyArray<Pick<JournalStep, "id" | "what">>;
}

export interface JournalOptions {
  /** The stopped run this one finishes: its done steps stay done. */
  resumed?: JournalRecord;
  /** A record is stored under this journal's name already (the run resumed, or one this run takes over). */
  existing?: boolean;
  /** False for a dry run: nothing is written. */
  persist?: boolean;
  beforeStep?: (what: string) => void;
}

export interface JournalScope {
  rack: string;
  app?: string;
}

/** A record read back, or undefined for anything that is not one (a hand-edited or foreign value). */
export function parseJournal(text: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Partial<JournalRecord>;
  const strings = [record.operation, record.key, record.command, record.startedAt, record.updatedAt];
  if (record.v !== 1 || strings.some((field) => typeof field !== "string") || !Array.isArray(record.steps)) return undefined;
  const steps = record.steps.filter((step): step is JournalStep => typeof step?.id === "string" && typeof step.what === "string" && ["pending", "running", "done", "failed"].includes(step.state));
  return { ...(record as JournalRecord), state: record.state === "running" ? "running" : "stopped", steps };
}

/** `done: rack prod (Private=Yes)` ... one line per step, in the order they run. */
export function progressLines(record: Pick<JournalRecord, "steps">): string[] {
  const label: Record<StepState, string> = { done: "done", running: "still running in AWS", failed: "failed", pending: "not started" };
  return record.steps.map((step) => `${label[step.state]}: ${step.what}${step.note ? ` (${step.note})` : ""}`);
}

/**
 * True when the operation changed something: a step is done, or one still runs in AWS. A
 * failed step rolled back (CloudFormation's way), so a run whose only step failed changed nothing.
 */
export function anythingDone(record: Pick<JournalRecord, "steps">): boolean {
  return record.steps.some((step) => step.state === "done" || step.state === "running");
}

/** Where an unfinished operation stands, in one paragraph, for `racknet rack` and refusals. */
export function unfinishedSummary(record: JournalRecord): string {
  const since = record.stoppedBecause ? `; it stopped: ${record.stoppedBecause}` : "";
  return `racknet ${record.operation} ${record.key} is not finished (started ${record.startedAt}${since})`;
}

/** A journal being written: each step is recorded before it starts and once it is done. */
export class Journal {
  readonly #context: Context;
  readonly #name: string;
  /** False for a dry run: the steps are followed in memory, nothing is written. */
  readonly #persist: boolean;
  /** Called before each step starts: throws to stop there (Ctrl-C). */
  readonly #beforeStep: (what: string) => void;
  readonly #tags: Record<string, string>;
  /** A record is stored under the journal's name: one was there before, or this run wrote it. */
  #stored: boolean;
  #record: JournalRecord;
  #writing: Promise<void> = Promise.resolve();

  private constructor(context: Context, scope: JournalScope, record: JournalRecord, options: JournalOptions) {
    this.#context = context;
    this.#name = operationJournalParameter(scope.rack, scope.app);
    this.#tags = tagsOf(scope);
    this.#record = record;
    this.#persist = options.persist ?? true;
    this.#beforeStep = options.beforeStep ?? (() => undefined);
    this.#stored = options.existing ?? options.resumed !== undefined;
  }

  /**
   * The journal of a new run, or of the stopped run it resumes (its done steps stay done).
   * Nothing is written yet: the record goes to SSM with the first step's start, since until a
   * step starts the run has changed nothing and has nothing to finish (one round trip saved).
   */
  static open(context: Context, scope: JournalScope, plan: JournalPlan, options: JournalOptions = {}): Journal {
    const resumed = options.resumed;
    const now = new Date().toISOString();
    const previous = new Map((resumed?.steps ?? []).map((step) => [step.id, step]));
    const steps = plan.steps.map((step) => {
      const before = previous.get(step.id);
      return { id: step.id, what: step.what, state: before?.state === "done" ? ("done" as const) : ("pending" as const) };
    });
    const record: JournalRecord = { v: 1, operation: plan.operation, key: plan.key, command: plan.command, startedAt: resumed?.startedAt ?? now, updatedAt: now, state: "running", steps };
    return new Journal(context, scope, record, options);
  }

  get record(): JournalRecord {
    return this.#record;
  }

  isDone(id: string): boolean {
    return this.#record.steps.find((step) => step.id === id)?.state === "done";
  }

  /** Steps not done yet, in order. */
  remaining(): JournalStep[] {
    return this.#record.steps.filter((step) => step.state !== "done");
  }

  /** Marks the step running (Ctrl-C pressed before it: stops here instead). */
  start(id: string): Promise<void> {
    return this.startTogether([id]);
  }

  /**
   * Marks steps that run side by side running, in one write: the work of each may go out
   * before the others are done (Ctrl-C pressed before the first: stops here instead).
   */
  async startTogether(ids: readonly string[]): Promise<void> {
    const [first = ""] = ids;
    this.#beforeStep(this.#record.steps.find((step) => step.id === first)?.what ?? first);
    for (const id of ids) this.#mark(id, "running");
    await this.#write();
  }

  /**
   * Marks the step done, written with the journal's next write (the next step's start, a
   * stop, the end): a run cut off in between does the step again, and every step adopts
   * what it made before, so doing one twice changes nothing. One round trip saved per step.
   */
  done(id: string, note?: string): Promise<void> {
    this.#mark(id, "done", note);
    return Promise.resolve();
  }

  /** The step failed and the run goes on with the others (a leftover it could not remove). */
  failed(id: string, note?: string): Promise<void> {
    return this.#set(id, "failed", note);
  }

  /**
   * A step that ran beside others ended without being done: failed, or back to not started
   * (Ctrl-C came before it changed anything). Written with the journal's next write, which
   * the run's stop makes (the other steps' ends are still coming in).
   */
  settle(id: string, state: "failed" | "pending", note?: string): void {
    this.#mark(id, state, note);
  }

  /** What the step made was removed again: it is as if it never ran. */
  undo(id: string): Promise<void> {
    return this.#set(id, "pending", "removed");
  }

  /**
   * The run stops here: the step that was running is marked failed (or, when AWS carries on
   * without racknet, still running), the journal kept. Best effort: the error the user sees
   * is the one that stopped the run, not a failure to write this.
   */
  async stop(reason: string, running: "failed" | "running"): Promise<void> {
    const steps = this.#record.steps.map((step) => (step.state === "running" ? { ...step, state: running } : step));
    this.#record = { ...this.#record, steps, state: "stopped", stoppedBecause: reason, updatedAt: new Date().toISOString() };
    await this.#write().catch(() => undefined);
  }

  /** Every step done (or nothing was): the journal goes. */
  async finish(): Promise<void> {
    if (this.#persist && this.#stored) await deleteRecords(await this.#context.aws.ssm(), [this.#name]);
  }

  async #set(id: string, state: StepState, note?: string): Promise<void> {
    this.#mark(id, state, note);
    await this.#write();
  }

  #mark(id: string, state: StepState, note?: string): void {
    const steps = this.#record.steps.map((step) => (step.id === id ? { ...step, state, ...(note ? { note } : {}) } : step));
    this.#record = { ...this.#record, steps, updatedAt: new Date().toISOString() };
  }

  /**
   * Steps that run side by side write one after the other: each write sends the whole record
   * as it is when its turn comes, so a slower, older write can never land last.
   */
  #write(): Promise<void> {
    if (!this.#persist) return Promise.resolve();
    const turn = this.#writing.then(() => this.#send());
    this.#writing = turn.catch(() => undefined);
    return turn;
  }

  async #send(): Promise<void> {
    const ssm = await this.#context.aws.ssm();
    const text = JSON.stringify(this.#record);
    // The first write creates the record with the rack's tags; one that is there already is overwritten.
    if (this.#stored || (await createRecord(ssm, this.#name, text, this.#tags)).owner === "theirs") await overwriteRecord(ssm, this.#name, text);
    this.#stored = true;
  }
}

/** The journal a stopped run left for this rack (or app); undefined when there is none. */
export async function readJournal(context: Context, scope: JournalScope): Promise<JournalRecord | undefined> {
  const found = await readRecord(await context.aws.ssm(), operationJournalParameter(scope.rack, scope.app));
  return found ? parseJournal(found.value) : undefined;
}

/** Every journal of the rack (its own and its apps'), for `racknet rack`. */
export async function readRackJournals(context: Context, rack: string): Promise<JournalRecord[]> {
  const records = await readRecords(await context.aws.ssm(), journalsPath(rack));
  return [...records.values()].flatMap((text) => parseJournal(text) ?? []);
}

function tagsOf(scope: JournalScope): Record<string, string> {
  return scope.app ? { [RACK_TAG]: scope.rack, [APP_TAG]: scope.app } : { [RACK_TAG]: scope.rack };
}

/**
 * The error that ends a run half way: the cause's message and exit code, then where things
 * stand (each step: done, still running in AWS, failed, not started), and the command that
 * finishes the job.
 */
export class OperationStopped extends UserError {
  override readonly exitCode: ExitCode;
  constructor(message: string, options: { fix: string; exitCode: ExitCode; cause?: unknown }) {
    super(message, { fix: options.fix, cause: options.cause });
    this.name = "OperationStopped";
    this.exitCode = options.exitCode;
  }
}

/** What the cause said and its exit code: a UserError's own, an AWS error's as racknet describes it. */
export function stoppedError(cause: { message: string; exitCode: ExitCode; fix?: string }, record: JournalRecord, original?: unknown): UserError {
  const lines = progressLines(record);
  // The cause spoke of its own step; the operation did change something before it.
  const said = cause.message.replace(/;? *nothing (was )?changed\.?$/, "");
  const message = `${said}\nwhere things stand (${record.operation} ${record.key}):\n${lines.map((line) => `  ${line}`).join("\n")}`;
  const finish = `run \`${record.command}\` again to finish: it does only what is not done`;
  // "run the command again" is what finishing means here: said once, with the command.
  const first = cause.fix ? cause.fix.replace(/[;,]? *(and |then )?run (the command|this|it) again\.?$/i, "") : "";
  const fix = first ? `${first}; then ${finish}` : finish;
  // The same kind of error as the cause (an AWS failure stays one), so callers and exit codes see no difference.
  if (original instanceof UserError && !(original instanceof ValidationErrors) && original.exitCode === cause.exitCode) {
    const Kind = original.constructor as new (message: string, options: { fix?: string; cause?: unknown }) => UserError;
    return new Kind(message, { fix, cause: original });
  }
  return new OperationStopped(message, { fix, exitCode: cause.exitCode, cause: original });
}
