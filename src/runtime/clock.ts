import { abortableSleep, type Sleep } from "../aws/changeset/pacing.js";

/**
 * Time as a workflow reads it: what time it is, and a wait that Ctrl-C (the signal) ends.
 * The CLI's is the system's; a test's moves only when the workflow waits, so a ten-minute
 * wait takes no real time and a deadline is reached when the test says.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  /** Wait `ms`, or reject with the signal's reason as soon as it aborts. */
  sleep: Sleep;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: abortableSleep };
