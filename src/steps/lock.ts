/**
 * One racknet at a time on a rack, and on an app. A lock is an SSM parameter created only
 * if absent (PutParameter without Overwrite), holding who took it (user, host, pid), when,
 * for which operation, and a heartbeat the holder refreshes every minute. A rack operation
 * (`params set`, `install`, `uninstall`) takes the rack's lock and then checks that no app
 * lock is held; an app operation (`deploy`, `apps delete`) takes the app's lock and then
 * checks the rack's: when two start together each sees the other and both refuse, so two
 * never run at once. A lock whose heartbeat is older than STALE_AFTER_MS, or whose process is
 * gone from this very host, is left by a racknet that died: the next one takes it over.
 * docs/safety.md, "Locks and journals".
 */
import { hostname, userInfo } from "node:os";
import { randomUUID } from "node:crypto";
import { ExitCode, Interrupted, UserError } from "../core/errors.js";
import { APP_TAG, RACK_TAG, appLocksPath, operationLockParameter } from "../names/index.js";
import { createRecord, deleteRecords, overwriteRecord, readRecord, readRecords } from "../aws/operation-records.js";
import { deleteLeftoverChangeSets } from "../aws/leftover-change-sets.js";
import type { Context } from "../runtime/context.js";
import { describeFailure } from "../runtime/handle-errors.js";
import { Journal, anythingDone, readJournal, stoppedError, unfinishedSummary, type JournalPlan, type JournalRecord, type JournalScope } from "./journal.js";

/** The holder rewrites its lock this often. */
export const HEARTBEAT_MS = 60_000;
/** A lock not rewritten for this long was left by a racknet that died (five missed heartbeats). */
export const STALE_AFTER_MS = 5 * 60_000;

export interface LockSpec {
  operation: string;
  key: string;
  command: string;
}

export interface LockRecord extends LockSpec {
  v: 1;
  owner: { user: string; host: string; pid: number };
  token: string;
  startedAt: string;
  heartbeatAt: string;
}

export function parseLock(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (value.v !== 1 || typeof value.operation !== "string" || typeof value.heartbeatAt !== "string" || typeof value.owner?.pid !== "number") return undefined;
    return value as LockRecord;
  } catch {
    return undefined;
  }
}

/** Whether a process of this host still runs (signal 0 checks without sending anything). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock is live while its holder beats and, on this host, its process runs. Unreadable locks count as live: never break what is not understood. */
export function lockIsLive(lock: LockRecord | undefined, now: number, host = hostname(), alive: (pid: number) => boolean = processAlive): boolean {
  if (!lock) return true;
  const beat = Date.parse(lock.heartbeatAt);
  if (Number.isFinite(beat) && now - beat > STALE_AFTER_MS) return false;
  return !(lock.owner.host === host && lock.owner.pid !== process.pid && !alive(lock.owner.pid));
}

function owner(): LockRecord["owner"] {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container): the host and pid still say who.
  }
  return { user, host: hostname(), pid: process.pid };
}

function what(scope: JournalScope): string {
  return scope.app ? `app ${scope.app} on rack ${scope.rack}` : `rack ${scope.rack}`;
}

function busy(scope: JournalScope, name: string, lock: LockRecord | undefined, now: number): UserError {
  const holder = lock
    ? `racknet ${lock.operation} ${lock.key}`.trim() + ` is running (started ${minutesAgo(lock.startedAt, now)} by ${lock.owner.user} on ${lock.owner.host}, pid ${lock.owner.pid})`
    : "another racknet holds its lock";
  const lapses = lock ? `, at ${new Date(Date.parse(lock.heartbeatAt) + STALE_AFTER_MS).toISOString()}` : "";
  return new UserError(`${what(scope)} is busy: ${holder}; nothing was changed`, {
    fix: `wait for it to finish, then run this again; if that racknet is gone, its lock lapses ${STALE_AFTER_MS / 60_000} min after its last heartbeat${lapses}, or remove it now with \`aws ssm delete-parameter --name ${name}\``,
  });
}

function minutesAgo(iso: string, now: number): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  return Number.isFinite(minutes) ? `${minutes} min ago` : "at an unknown time";
}

/** A held lock: released (and its heartbeat stopped) when the operation ends, however it ends. */
export class OperationLock {
  readonly #context: Context;
  readonly #name: string;
  #record: LockRecord;
  #heartbeat: NodeJS.Timeout | undefined;

  private constructor(context: Context, name: string, record: LockRecord) {
    this.#context = context;
    this.#name = name;
    this.#record = record;
  }

  /** Takes the lock, or refuses naming who holds it. Nothing else is written. */
  static async acquire(context: Context, scope: JournalScope, spec: LockSpec): Promise<OperationLock> {
    const ssm = await context.aws.ssm();
    const name = operationLockParameter(scope.rack, scope.app);
    const now = new Date().toISOString();
    const record: LockRecord = { v: 1, ...spec, owner: owner(), token: randomUUID(), startedAt: now, heartbeatAt: now };
    const tags: Record<string, string> = scope.app ? { [RACK_TAG]: scope.rack, [APP_TAG]: scope.app } : { [RACK_TAG]: scope.rack };
    if (!(await createRecord(ssm, name, JSON.stringify(record), tags))) {
      const held = await readRecord(ssm, name);
      const lock = held ? parseLock(held.value) : undefined;
      if (held && lockIsLive(lock, Date.now())) throw busy(scope, name, lock, Date.now());
      if (held) {
        context.printer.warn(`taking over the lock of ${what(scope)} left by ${lock ? `racknet ${lock.operation} (pid ${lock.owner.pid} on ${lock.owner.host}, last heartbeat ${lock.heartbeatAt})` : "a racknet"}: that run is gone`);
        await deleteRecords(ssm, [name]);
      }
      if (!(await createRecord(ssm, name, JSON.stringify(record), tags))) throw busy(scope, name, undefined, Date.now());
    }
    const taken = new OperationLock(context, name, record);
    try {
      await taken.#refuseCrossingOperation(scope);
    } catch (error) {
      await taken.release();
      throw error;
    }
    taken.#heartbeat = setInterval(() => void taken.#beat(), HEARTBEAT_MS);
    taken.#heartbeat.unref();
    return taken;
  }

  /** A dry run writes nothing: it only refuses while another racknet holds the lock. */
  static async check(context: Context, scope: JournalScope): Promise<void> {
    const name = operationLockParameter(scope.rack, scope.app);
    const held = await readRecord(await context.aws.ssm(), name);
    const lock = held ? parseLock(held.value) : undefined;
    if (held && lockIsLive(lock, Date.now())) throw busy(scope, name, lock, Date.now());
  }

  /** A rack operation waits for every app operation, and an app operation for a rack operation. */
  async #refuseCrossingOperation(scope: JournalScope): Promise<void> {
    const ssm = await this.#context.aws.ssm();
    const now = Date.now();
    if (scope.app) {
      const name = operationLockParameter(scope.rack);
      const rackLock = await readRecord(ssm, name);
      const lock = rackLock ? parseLock(rackLock.value) : undefined;
      if (rackLock && lockIsLive(lock, now)) throw busy({ rack: scope.rack }, name, lock, now);
      return;
    }
    for (const [name, text] of await readRecords(ssm, appLocksPath(scope.rack))) {
      const lock = parseLock(text);
      if (lockIsLive(lock, now)) throw busy({ rack: scope.rack, app: name.slice(appLocksPath(scope.rack).length) }, name, lock, now);
    }
  }

  async #beat(): Promise<void> {
    this.#record = { ...this.#record, heartbeatAt: new Date().toISOString() };
    await overwriteRecord(await this.#context.aws.ssm(), this.#name, JSON.stringify(this.#record)).catch(() => undefined);
  }

  /** Best effort, tried twice: a lock that stays behind lapses by itself, and the user is told how to remove it. */
  async release(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    const ssm = await this.#context.aws.ssm();
    for (let attempt = 1; ; attempt += 1) {
      try {
        await deleteRecords(ssm, [this.#name]);
        return;
      } catch (error) {
        if (attempt < 2) continue;
        const reason = error instanceof Error ? error.message : String(error);
        this.#context.printer.warn(`could not remove the lock ${this.#name} (${reason}): it lapses ${STALE_AFTER_MS / 60_000} min after its last heartbeat, or remove it with \`aws ssm delete-parameter --name ${this.#name}\``);
        return;
      }
    }
  }
}

/**
 * Ctrl-C for the whole of an operation. Without a SIGINT listener Node ends the process on
 * the spot, between two steps, without a word and with the lock held. While this is on, a
 * Ctrl-C is remembered (the change-set engine acts on its own at once in its waits) and the
 * operation stops at its next step boundary, says where things stand and releases the lock.
 * A third Ctrl-C quits at once, as a person who insists expects.
 */
export class CtrlCWatch {
  #presses = 0;
  readonly #onSigint = () => {
    this.#presses += 1;
    if (this.#presses >= 3) process.exit(130);
  };

  constructor() {
    process.on("SIGINT", this.#onSigint);
  }

  get pressed(): boolean {
    return this.#presses > 0;
  }

  /** Throws when Ctrl-C was pressed: the operation stops before `next`. */
  check(next: string): void {
    if (this.#presses > 0) throw new Interrupted(`interrupted before ${next}`);
  }

  dispose(): void {
    process.off("SIGINT", this.#onSigint);
  }
}

export interface OperationPlan extends JournalPlan {
  /** The stacks the operation changes: racknet change sets a dead run left on them are deleted once the lock is held. */
  stacks?: readonly string[];
  /** Stopped operations this one may take over and finish in its own way (uninstall after a failed install). */
  supersedes?: readonly string[];
}

export interface OperationRun {
  journal: Journal;
  /** The stopped run this one resumes, if any. */
  resumed?: JournalRecord;
}

/**
 * An operation that spans stacks, from start to end: the lock taken (a dry run only checks
 * it), the journal opened (resuming a stopped run of the same operation; refusing while a
 * different one is unfinished), the steps run with Ctrl-C honoured between them, and at the
 * end, however it ends, the lock released. A run that stops after changing something keeps
 * its journal and ends with where things stand and the command that finishes the job; one
 * that changed nothing removes it, and its error is left as it was.
 */
export async function runOperation<T>(context: Context, scope: JournalScope, plan: OperationPlan, work: (run: OperationRun) => Promise<T>): Promise<T> {
  const dryRun = context.options.dryRun;
  const lock = dryRun ? undefined : await OperationLock.acquire(context, scope, plan);
  if (dryRun) await OperationLock.check(context, scope);
  const ctrlC = new CtrlCWatch();
  let journal: Journal | undefined;
  try {
    if (!dryRun) await clearLeftoverChangeSets(context, plan.stacks ?? []);
    const previous = await readJournal(context, scope);
    if (previous) refuseOtherUnfinished(scope, previous, plan);
    const resumed = previous && previous.operation === plan.operation && previous.key === plan.key ? previous : undefined;
    journal = await Journal.open(context, scope, plan, { resumed, persist: !dryRun, beforeStep: (next) => ctrlC.check(next) });
    const done = journal.record.steps.filter((step) => step.state === "done").length;
    if (resumed && !dryRun) context.printer.step(`finishing racknet ${plan.operation} ${plan.key}, stopped ${resumed.updatedAt}: ${done} of ${journal.record.steps.length} step(s) were done`);
    const result = await work({ journal, ...(resumed ? { resumed } : {}) });
    await journal.finish();
    // Ctrl-C during the last step's call: the call had to end, and with it the whole job.
    if (ctrlC.pressed) context.printer.warn(`Ctrl-C came during the last step, which completed: racknet ${plan.operation} ${plan.key} is done, nothing is left to finish`);
    return result;
  } catch (error) {
    throw journal ? await stopHere(journal, error) : error;
  } finally {
    ctrlC.dispose();
    await lock?.release();
  }
}

/** Another operation's journal: finish that first (unless this one is made to take it over). */
function refuseOtherUnfinished(scope: JournalScope, previous: JournalRecord, plan: OperationPlan): void {
  if (previous.operation === plan.operation && previous.key === plan.key) return;
  if (plan.supersedes?.includes(previous.operation)) return;
  const target = scope.app ? `app ${scope.app} on rack ${scope.rack}` : `rack ${scope.rack}`;
  throw new UserError(`${target} has an unfinished operation: ${unfinishedSummary(previous)}; nothing was changed`, {
    fix: `finish it first with \`${previous.command}\` (it does only what is not done), then run this again`,
  });
}

/**
 * The run stops. The journal stays when racknet has steps left to do (the user finishes them
 * by running the command again), and the error says where things stand. When nothing was
 * changed, or the only step left is the one AWS carries on by itself (Ctrl-C while it runs,
 * nothing after it), there is nothing to finish: the journal goes and the error is left as it was.
 */
async function stopHere(journal: Journal, error: unknown): Promise<unknown> {
  const stillRunning = error instanceof Interrupted && /continues in AWS/.test(error.message);
  // The step that was running when the error came rolled back, unless AWS still carries it on.
  const changed = journal.record.steps.some((step) => step.state === "done") || (stillRunning && anythingDone(journal.record));
  const leftForRacknet = journal.record.steps.some((step) => step.state === "pending" || step.state === "failed" || (step.state === "running" && !stillRunning));
  if (!changed || !leftForRacknet) {
    await journal.finish().catch(() => undefined);
    return error;
  }
  const failure = await describeFailure(error);
  await journal.stop(failure.message.split("\n")[0]?.slice(0, 300) ?? "stopped", stillRunning ? "running" : "failed");
  return failure.exitCode === ExitCode.bug ? error : stoppedError(failure, journal.record, error);
}

/**
 * A single-stack operation (`deploy`) under the app's lock: refused while another racknet
 * holds the app or the rack, or while a stopped operation of another kind waits to be
 * finished on the app (a half-done `apps delete`). A dry run only checks.
 */
export async function withLock<T>(context: Context, scope: JournalScope, spec: LockSpec, work: () => Promise<T>, stacks: readonly string[] = []): Promise<T> {
  if (context.options.dryRun) {
    await OperationLock.check(context, scope);
    return work();
  }
  const lock = await OperationLock.acquire(context, scope, spec);
  try {
    await clearLeftoverChangeSets(context, stacks);
    const previous = await readJournal(context, scope);
    if (previous) refuseOtherUnfinished(scope, previous, { ...spec, steps: [] });
    return await work();
  } finally {
    await lock.release();
  }
}

/**
 * With the lock held no other racknet is reviewing a change set on these stacks: a pending
 * racknet change set there was left by a run that died before its clean-up. It is deleted
 * (and said), so it never blocks this run the way another racknet's would (docs/change-sets.md).
 */
async function clearLeftoverChangeSets(context: Context, stacks: readonly string[]): Promise<void> {
  if (stacks.length === 0) return;
  const cfn = await context.aws.cloudFormation();
  for (const stack of stacks) {
    for (const name of await deleteLeftoverChangeSets(cfn, stack)) context.printer.step(`deleted change set ${name} of stack ${stack}, left by a racknet run that stopped before it could`);
  }
}
