/**
 * One racknet at a time on a rack, and on an app. A lock is an SSM parameter created only
 * if absent (PutParameter without Overwrite), holding who took it (user, host, pid, and a
 * token drawn for the run: see `claim`), when, for which operation, and a heartbeat the holder
 * refreshes every minute. A rack operation
 * (`params set`, `install`, `uninstall`) takes the rack's lock and then checks that no app
 * lock is held; an app operation (`deploy`, `apps delete`) takes the app's lock and then
 * checks the rack's: when two start together each sees the other and both refuse, so two
 * never run at once. A lock whose heartbeat is older than STALE_AFTER_MS, or whose process is
 * gone from this very host, is left by a racknet that died: the next one takes it over.
 * src/safety/operation.ts runs an operation under it. docs/safety.md, "Locks and journals".
 */
import { hostname, userInfo } from "node:os";
import { randomUUID } from "node:crypto";
import { Interrupted, UserError } from "../errors/index.js";
import { APP_TAG, RACK_TAG, appLocksPath, operationLockParameter } from "../names/index.js";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { createRecord, deleteRecords, overwriteRecord, readRecord, readRecords, type StoredRecord } from "../aws/operation-records.js";
import type { CtrlCSource } from "../aws/changeset/interrupt.js";
import type { Context } from "../runtime/context.js";
import type { JournalScope } from "./journal.js";

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

/**
 * Creates the lock's record, or says what holds the name. A create the SDK sent twice, whose
 * first had landed, is this run's own (src/aws/ssm-create.ts): the record read back is exactly
 * what this run wrote, token and all. The token, drawn for this run alone, keeps another
 * racknet's lock from reading the same: user, host, pid and start time can all repeat on two
 * machines (containers run as pid 1 under the same name).
 */
async function claim(ssm: SSMClient, name: string, record: LockRecord, tags: Record<string, string>): Promise<"ours" | { held: StoredRecord | undefined }> {
  const created = await createRecord(ssm, name, JSON.stringify(record), tags);
  return created.owner === "mine" ? "ours" : { held: created.held };
}

/** A held lock: released (and its heartbeat stopped) when the operation ends, however it ends. */
export class OperationLock {
  readonly #context: Context;
  readonly #name: string;
  #record: LockRecord;
  #heartbeat: NodeJS.Timeout | undefined;
  /** A heartbeat on its way: release waits for it, or its write would bring the lock back after the delete. */
  #beating: Promise<void> | undefined;
  #released: Promise<void> | undefined;

  private constructor(context: Context, name: string, record: LockRecord) {
    this.#context = context;
    this.#name = name;
    this.#record = record;
  }

  /**
   * The lock's own record, created (or a stale one taken over), or a refusal naming who holds
   * it. The caller runs `refuseCrossing` next (alongside reads of its own) and before it
   * changes anything: only create-then-check keeps two racknets from both going on.
   */
  static async take(context: Context, scope: JournalScope, spec: LockSpec): Promise<OperationLock> {
    const ssm = await context.aws.ssm();
    const name = operationLockParameter(scope.rack, scope.app);
    const now = new Date().toISOString();
    const record: LockRecord = { v: 1, ...spec, owner: owner(), token: randomUUID(), startedAt: now, heartbeatAt: now };
    const tags: Record<string, string> = scope.app ? { [RACK_TAG]: scope.rack, [APP_TAG]: scope.app } : { [RACK_TAG]: scope.rack };
    const first = await claim(ssm, name, record, tags);
    if (first !== "ours") {
      const lock = first.held ? parseLock(first.held.value) : undefined;
      if (first.held && lockIsLive(lock, Date.now())) throw busy(scope, name, lock, Date.now());
      if (first.held) {
        context.printer.warn(`taking over the lock of ${what(scope)} left by ${lock ? `racknet ${lock.operation} (pid ${lock.owner.pid} on ${lock.owner.host}, last heartbeat ${lock.heartbeatAt})` : "a racknet"}: that run is gone`);
        await deleteRecords(ssm, [name]);
      }
      const second = await claim(ssm, name, record, tags);
      if (second !== "ours") throw busy(scope, name, second.held ? parseLock(second.held.value) : undefined, Date.now());
    }
    const taken = new OperationLock(context, name, record);
    taken.#heartbeat = setInterval(() => {
      taken.#beating = taken.#beat();
    }, HEARTBEAT_MS);
    taken.#heartbeat.unref();
    return taken;
  }

  /** Refuses (and releases this lock) while a crossing operation holds the rack, or one of its apps. */
  async refuseCrossing(scope: JournalScope): Promise<void> {
    try {
      await this.#refuseCrossingOperation(scope);
    } catch (error) {
      await this.release();
      throw error;
    }
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

  /** Best effort, tried twice: a lock that stays behind lapses by itself, and the user is told how to remove it. Once only. */
  release(): Promise<void> {
    this.#released ??= this.#release();
    return this.#released;
  }

  async #release(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    await this.#beating;
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
  readonly #stop: () => void;

  /** `interrupts`: the Context's (src/runtime/interrupt.ts), through which every Ctrl-C is heard. */
  constructor(interrupts: CtrlCSource) {
    this.#stop = interrupts.listen(() => {
      this.#presses += 1;
      if (this.#presses >= 3) process.exit(130);
    });
  }

  get pressed(): boolean {
    return this.#presses > 0;
  }

  /** Throws when Ctrl-C was pressed: the operation stops before `next`. */
  check(next: string): void {
    if (this.#presses > 0) throw new Interrupted(`interrupted before ${next}`);
  }

  dispose(): void {
    this.#stop();
  }
}
