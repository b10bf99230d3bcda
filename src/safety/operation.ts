/**
 * An operation from start to end: the lock taken, the journal opened or resumed, its steps
 * run with Ctrl-C honoured between them, and, however it ends, the lock released and the
 * user told where things stand (src/safety/lock.ts holds the lock, src/safety/journal.ts the
 * record). docs/safety.md, "Locks and journals".
 */
import { ExitCode, Interrupted, UserError } from "../errors/index.js";
import { deleteChangeSets, findLeftoverChangeSets, type LeftoverChangeSet } from "../aws/leftover-change-sets.js";
import type { Context } from "../runtime/context.js";
import { describeFailure } from "../runtime/handle-errors.js";
import { Journal, anythingDone, readJournal, stoppedError, unfinishedSummary, type JournalPlan, type JournalRecord, type JournalScope } from "./journal.js";
import { CtrlCWatch, OperationLock, type LockSpec } from "./lock.js";

export interface OperationPlan extends JournalPlan {
  /** The stacks the operation changes: racknet change sets a dead run left on them are deleted once the lock is held. */
  stacks?: readonly string[];
  /** Stopped operations this one may take over and finish in its own way (uninstall after a failed install). */
  supersedes?: readonly string[];
}

export interface OperationRun<R = undefined> {
  journal: Journal;
  /** The stopped run this one resumes, if any. */
  resumed?: JournalRecord;
  /** What `alongside` read, once the lock was held. */
  read: R;
}

export interface OperationOptions<R> {
  /** Reads of the caller's own, made beside the lock's checks, that no other racknet can change from then on. */
  alongside?: () => Promise<R>;
  /** The lock, already on its way (`takeLock`, sent beside the caller's first reads); absent: taken here. */
  lock?: Promise<OperationLock | undefined>;
  /**
   * Other racks the operation changes (a peering's other rack), each with the context of its
   * Region: their locks are held too, for the whole run, so no other racknet changes them
   * meanwhile; an unfinished operation of theirs refuses this one, as the rack's own does.
   */
  others?: readonly OtherRack[];
}

export interface OtherRack {
  context: Context;
  scope: JournalScope;
}

/**
 * The lock's create, sent at once so that it rides along with the caller's first reads (a
 * dry run takes none). A caller that stops before `runOperation` releases it itself.
 */
export function takeLock(context: Context, scope: JournalScope, spec: LockSpec): Promise<OperationLock | undefined> {
  const taking = context.options.dryRun ? Promise.resolve(undefined) : OperationLock.take(context, scope, spec);
  // A caller that fails before awaiting it must not leave an unobserved rejection.
  taking.catch(() => undefined);
  return taking;
}

/**
 * An operation that spans stacks, from start to end: the lock taken (a dry run only checks
 * it), the journal opened (resuming a stopped run of the same operation; refusing while a
 * different one is unfinished), the steps run with Ctrl-C honoured between them, and at the
 * end, however it ends, the lock released. A run that stops after changing something keeps
 * its journal and ends with where things stand and the command that finishes the job; one
 * that changed nothing removes it, and its error is left as it was.
 */
export async function runOperation<T, R = undefined>(context: Context, scope: JournalScope, plan: OperationPlan, work: (run: OperationRun<R>) => Promise<T>, options: OperationOptions<R> = {}): Promise<T> {
  const dryRun = context.options.dryRun;
  const { alongside } = options;
  const lock = await (options.lock ?? takeLock(context, scope, plan));
  const ctrlC = new CtrlCWatch(context.interrupts);
  let journal: Journal | undefined;
  let resumedRun = false;
  let otherLocks: (OperationLock | undefined)[] = [];
  try {
    otherLocks = await takeOtherLocks(options.others ?? [], plan);
    // With the lock taken, one round trip: the crossing lock, the journal, the change sets a
    // dead run may have left (found now, deleted only once no crossing operation holds them),
    // and the caller's own reads (`alongside`), which no other racknet can change from now on.
    const [, previous, leftovers, read, othersPrevious] = await Promise.all([
      lock ? lock.refuseCrossing(scope) : OperationLock.check(context, scope),
      readJournal(context, scope),
      dryRun ? [] : findLeftovers(context, plan.stacks ?? []),
      alongside ? alongside() : (undefined as R),
      Promise.all((options.others ?? []).map(async (other, index) => {
        await (otherLocks[index] ? otherLocks[index].refuseCrossing(other.scope) : OperationLock.check(other.context, other.scope));
        return readJournal(other.context, other.scope);
      })),
    ]);
    if (previous) refuseOtherUnfinished(scope, previous, plan);
    for (const [index, other] of (options.others ?? []).entries()) {
      const theirs = othersPrevious[index];
      if (theirs) refuseOtherUnfinished(other.scope, theirs, plan);
    }
    await clearLeftovers(context, leftovers);
    const resumed = previous && previous.operation === plan.operation && previous.key === plan.key ? previous : undefined;
    resumedRun = resumed !== undefined;
    journal = Journal.open(context, scope, plan, { resumed, existing: previous !== undefined, persist: !dryRun, beforeStep: (next) => ctrlC.check(next) });
    const done = journal.record.steps.filter((step) => step.state === "done").length;
    if (resumed && !dryRun) context.printer.step(`finishing racknet ${plan.operation} ${plan.key}, stopped ${resumed.updatedAt}: ${done} of ${journal.record.steps.length} step(s) were done`);
    const result = await work({ journal, read, ...(resumed ? { resumed } : {}) });
    await journal.finish();
    // Ctrl-C during the last step's call: the call had to end, and with it the whole job.
    if (ctrlC.pressed) context.printer.warn(`Ctrl-C came during the last step, which completed: racknet ${plan.operation} ${plan.key} is done, nothing is left to finish`);
    return result;
  } catch (error) {
    throw journal ? await stopHere(journal, error, resumedRun) : error;
  } finally {
    ctrlC.dispose();
    await Promise.all([lock?.release(), ...otherLocks.map((other) => other?.release())]);
  }
}

/** Each other rack's lock (a dry run takes none); when one is busy, those taken are given back and the refusal stands. */
async function takeOtherLocks(others: readonly OtherRack[], spec: LockSpec): Promise<(OperationLock | undefined)[]> {
  const taken = await Promise.allSettled(others.map((other) => takeLock(other.context, other.scope, spec)));
  const refused = taken.find((result) => result.status === "rejected");
  if (refused) {
    await Promise.all(taken.map((result) => (result.status === "fulfilled" ? result.value?.release() : undefined)));
    throw refused.reason;
  }
  return taken.map((result) => (result.status === "fulfilled" ? result.value : undefined));
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
async function stopHere(journal: Journal, error: unknown, resumed: boolean): Promise<unknown> {
  const stillRunning = error instanceof Interrupted && /continues in AWS/.test(error.message);
  // The step that was running when the error came rolled back, unless AWS still carries it on.
  // A resumed run keeps what an earlier run started: a refusal before its first step loses nothing of it.
  const changed = journal.record.steps.some((step) => step.state === "done") || ((stillRunning || resumed) && anythingDone(journal.record));
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
 * The app's lock for a single-stack operation (`deploy`), in two round trips that ride along
 * with the workflow's own: `claimLock` sends the lock's create at once (beside the rack's
 * read); `confirm` (beside the workflow's reads, before anything is written) refuses while
 * the rack's lock is held or a stopped operation of another kind waits on the app (a
 * half-done `apps delete`), and deletes the change sets a dead run left on the app's stack,
 * whose names it returns. `release` ends it, however the workflow ended. A dry run only checks.
 */
export interface LockClaim {
  confirm(stacks: readonly string[]): Promise<ReadonlySet<string>>;
  release(): Promise<void>;
}

export function claimLock(context: Context, scope: JournalScope, spec: LockSpec): LockClaim {
  const dryRun = context.options.dryRun;
  const taking = takeLock(context, scope, spec);
  return {
    async confirm(stacks) {
      if (dryRun) {
        await OperationLock.check(context, scope);
        return new Set<string>();
      }
      const lock = await taking;
      // A rack operation that moves apps reviews change sets on their stacks under the rack's
      // lock alone: what is found here is deleted only once that lock is known to be free.
      const [, leftovers] = await Promise.all([
        lock?.refuseCrossing(scope),
        findLeftovers(context, stacks),
        readJournal(context, scope).then((previous) => {
          if (previous) refuseOtherUnfinished(scope, previous, { ...spec, steps: [] });
        }),
      ]);
      await clearLeftovers(context, leftovers);
      return new Set(leftovers.map((changeSet) => changeSet.name));
    },
    async release() {
      const lock = await taking.catch(() => undefined);
      await lock?.release();
    },
  };
}

/** racknet change sets not executed on these stacks: leftovers, if this run holds their locks (a read). */
async function findLeftovers(context: Context, stacks: readonly string[]): Promise<LeftoverChangeSet[]> {
  if (stacks.length === 0) return [];
  const cfn = await context.aws.cloudFormation();
  return (await Promise.all(stacks.map((stack) => findLeftoverChangeSets(cfn, stack)))).flat();
}

/**
 * With the lock held and no crossing operation running, no other racknet is reviewing a
 * change set on these stacks: a pending racknet change set there was left by a run that died
 * before its clean-up. It is deleted (and said), so it never blocks this run the way another
 * racknet's would (docs/change-sets.md).
 */
async function clearLeftovers(context: Context, leftovers: readonly LeftoverChangeSet[]): Promise<void> {
  if (leftovers.length === 0) return;
  await deleteChangeSets(await context.aws.cloudFormation(), leftovers);
  for (const changeSet of leftovers) context.printer.step(`deleted change set ${changeSet.name} of stack ${changeSet.stackName}, left by a racknet run that stopped before it could`);
}
