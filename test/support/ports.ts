import type { Clock } from "../../src/runtime/clock.js";
import { Interrupts } from "../../src/runtime/interrupt.js";
import type { User } from "../../src/runtime/user.js";

/** A question the workflow asked, with the answer it would take on Enter. */
export interface Asked {
  question: string;
  defaultYes: boolean;
}

/**
 * The user as a test scripts them: each question takes the next answer given with `answer`
 * (an Error: the prompt ended by Ctrl-C), and a question nobody scripted fails the test
 * instead of waiting on a terminal. `--yes` is the test's options' own, read when asked.
 */
export class ScriptedUser implements User {
  readonly asked: Asked[] = [];
  readonly #answers: (boolean | Error)[] = [];

  constructor(
    private readonly options: { readonly yes: boolean },
    readonly canPrompt: boolean,
  ) {}

  get yes(): boolean {
    return this.options.yes;
  }

  /** The answers to the next questions, in order. */
  answer(...answers: (boolean | Error)[]): void {
    this.#answers.push(...answers);
  }

  get questions(): string[] {
    return this.asked.map((asked) => asked.question);
  }

  async confirm(question: string, settings: { defaultYes: boolean; signal?: AbortSignal }): Promise<boolean> {
    this.asked.push({ question, defaultYes: settings.defaultYes });
    settings.signal?.throwIfAborted();
    const next = this.#answers.shift();
    if (next === undefined) throw new Error(`the test scripted no answer to "${question}"`);
    if (next instanceof Error) throw next;
    return next;
  }
}

/**
 * A clock that moves only when the workflow waits: each sleep moves it on by the time asked
 * and ends at once (after the test's pending timers and I/O had their turn, as a real wait
 * gives them). It starts at the real time, so what the in-memory AWS stamps reads alike.
 */
export class FakeClock implements Clock {
  /** Every wait asked for, in ms. */
  readonly sleeps: number[] = [];
  #now: number;

  constructor(start = Date.now()) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  readonly sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.#now += ms;
    await new Promise((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  };

  /** Move on without a wait (time passing while the workflow works). */
  advance(ms: number): void {
    this.#now += ms;
  }
}

/**
 * What a hand-built Context takes besides flags, printer and clients: the user (and whether a
 * terminal can ask), the clock, and Ctrl-C: its own fan-out, on the process while a step
 * listens (a test presses Ctrl-C with `process.emit("SIGINT")`), with no fallback.
 */
export function testPorts(options: { readonly yes: boolean }, settings: { interactive?: boolean } = {}): { user: ScriptedUser; clock: FakeClock; interrupts: Interrupts } {
  return { user: new ScriptedUser(options, settings.interactive ?? false), clock: new FakeClock(), interrupts: new Interrupts() };
}
