/**
 * A rack change that moves its apps moves them side by side: an app stack's update is a
 * rolling ECS deployment that takes minutes on AWS, and one after another a rack of fifty
 * apps would take hours. At most `appsAtOnce()` app stacks change at once (docs/aws-limits.md,
 * "Apps in parallel"); each app is a step of the operation's journal of its own, so a failure
 * or Ctrl-C leaves a record naming which apps are done, which still run in AWS and which
 * were not started, and running the command again does only the rest.
 */
import { Interrupted, UserError } from "../errors/index.js";
import type { AppInfo } from "../aws/stacks.js";
import type { Context } from "../runtime/context.js";
import { AppsBoard } from "../ui/apps-board.js";
import { syncAppWithRack, type AppSyncReport } from "./apps-sync.js";
import type { Journal } from "../safety/journal.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { appWaitCommand } from "../shared-steps/wait.js";

/**
 * App stacks changing at once. Each one polls CloudFormation about 1.4 times a second while
 * it runs (docs/change-sets.md), so ten make about 14 calls a second, inside the account's
 * CloudFormation API rate with room for other tools (its throttling is retried with backoff,
 * src/aws/retry.ts), and ten ECS services rolling at once are far inside ECS's service
 * actions' token bucket. Twenty apps take two rounds: at most twice one app's time.
 */
export const APPS_AT_ONCE = 10;
/** The most `RACKNET_APPS_AT_ONCE` may ask for: past it the polls alone pass CloudFormation's rate. */
export const MOST_APPS_AT_ONCE = 20;

/** Reads of every app (their templates, before a rack change): cheap calls, more at once than changes. */
export const APP_READS_AT_ONCE = 20;

/** The bound: APPS_AT_ONCE, or RACKNET_APPS_AT_ONCE (1 to 20) for an account whose API rate other tools share. */
export function appsAtOnce(env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.RACKNET_APPS_AT_ONCE;
  if (asked === undefined || asked === "") return APPS_AT_ONCE;
  const value = Number(asked);
  if (!Number.isInteger(value) || value < 1 || value > MOST_APPS_AT_ONCE) {
    throw new UserError(`RACKNET_APPS_AT_ONCE=${asked} is not a whole number from 1 to ${MOST_APPS_AT_ONCE}; nothing was changed`, {
      fix: `unset it (${APPS_AT_ONCE} apps at once), or set it to 1-${MOST_APPS_AT_ONCE}: 1 moves the apps one after another`,
    });
  }
  return value;
}

/** `work` on each item, at most `atOnce` at a time; the results in the items' order. The first failure is thrown once all started have ended. */
export async function eachAtMost<T, R>(items: readonly T[], atOnce: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  const ended = await Promise.allSettled(Array.from({ length: Math.min(Math.max(1, atOnce), items.length) }, lane));
  const failed = ended.find((end): end is PromiseRejectedResult => end.status === "rejected");
  if (failed) throw failed.reason;
  return results;
}

/** One app to move: its journal step, and the facts it takes beside the rack's (`overrides`). */
export interface AppMove {
  id: string;
  app: AppInfo;
  overrides?: Readonly<Record<string, string>>;
}

interface Ended {
  move: AppMove;
  error: unknown;
}

/**
 * Move the apps whose steps are not done yet, at most `atOnce` at a time, in the order
 * given. After the first failure no other app starts; those under way finish (an update
 * running in AWS is followed to its end, never abandoned). Returns the reports in order;
 * throws the failure (or Ctrl-C), with the journal saying where each app stands.
 */
export async function moveAppsTogether(context: Context, rack: RackInfo, journal: Journal, moves: readonly AppMove[], title: string, atOnce: number): Promise<AppSyncReport[]> {
  const todo = moves.filter((move) => !journal.isDone(move.id));
  if (todo.length === 0) return [];
  const lanes = Math.min(atOnce, todo.length);
  const reports = new Map<string, AppSyncReport>();
  const ended: Ended[] = [];
  let stoppedBefore: unknown;
  // The first round's steps are marked running in one write; each later one as it starts.
  await journal.startTogether(todo.slice(0, lanes).map((move) => move.id));
  let next = lanes;
  const board = new AppsBoard(context.printer, title, todo.length).start();
  // Each app's engine listens for Ctrl-C itself (its guard, and its wait): Node warns past 10 listeners.
  const listenerLimit = process.getMaxListeners();
  if (listenerLimit !== 0) process.setMaxListeners(listenerLimit + 2 * lanes);

  const moveOne = async (move: AppMove): Promise<void> => {
    try {
      const report = await syncAppWithRack(context, rack, move.app, move.overrides ?? {}, (fallback) => board.listener(move.app.app, fallback));
      reports.set(move.id, report);
      await journal.done(move.id, report.outcome === "unchanged" ? "it already had them" : undefined);
    } catch (error) {
      ended.push({ move, error });
      if (!continuesInAws(error)) journal.settle(move.id, error instanceof Interrupted ? "pending" : "failed", error instanceof Interrupted ? "Ctrl-C came before it changed anything" : firstLine(error));
    } finally {
      board.settle(move.app.app);
    }
  };
  const lane = async (first: AppMove): Promise<void> => {
    let move: AppMove | undefined = first;
    while (move) {
      await moveOne(move);
      move = ended.length === 0 && stoppedBefore === undefined ? todo[next] : undefined;
      if (!move) return;
      next += 1;
      try {
        await journal.start(move.id);
      } catch (error) {
        // Ctrl-C between two apps: the next one is not started.
        stoppedBefore ??= error;
        return;
      }
    }
  };
  try {
    await Promise.all(todo.slice(0, lanes).map((move) => lane(move)));
  } finally {
    board.end();
    if (listenerLimit !== 0) process.setMaxListeners(listenerLimit);
  }
  if (ended.length === 0 && stoppedBefore === undefined) return todo.flatMap((move) => reports.get(move.id) ?? []);
  throw whyItStopped(ended, stoppedBefore, rack.rack);
}

/**
 * The error that ends the run. Apps whose update goes on in AWS come first (exit 130, with
 * how to follow each); else the first failure (its root cause was printed as it came; the
 * journal lists every app); else the Ctrl-C.
 */
function whyItStopped(ended: readonly Ended[], stoppedBefore: unknown, rack: string): unknown {
  const running = ended.filter((end) => continuesInAws(end.error));
  if (running.length === 1) return running[0]?.error;
  if (running.length > 1) {
    const apps = running.map((end) => end.move.app.app);
    return new Interrupted(`stopped watching: each app's update continues in AWS (Ctrl-C does not cancel it): ${apps.join(", ")} on rack ${rack}`, {
      fix: `follow each to its end with ${apps.map((app) => `\`${appWaitCommand(app, rack)}\``).join(", ")}`,
    });
  }
  const failure = ended.find((end) => !(end.error instanceof Interrupted));
  if (failure) return failure.error;
  return ended[0]?.error ?? stoppedBefore;
}

function continuesInAws(error: unknown): boolean {
  return error instanceof Interrupted && /continues in AWS/.test(error.message);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n")[0] ?? text).slice(0, 200);
}
