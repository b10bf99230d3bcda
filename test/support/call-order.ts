/**
 * When each mocked AWS call started and ended, so that a client-mock test can pin the
 * critical path: "at most 3 sequential round trips before CreateChangeSet".
 *
 *   const cfn = mockClient(CloudFormationClient); const ssm = mockClient(SSMClient); ... // behaviours
 *   const order = recordCallOrder([CloudFormationClient, SSMClient]);
 *   await installRack(...);
 *   expect(order.roundTripsBefore("CreateChangeSet"), order.describeBefore("CreateChangeSet")).toBeLessThanOrEqual(3);
 *
 * Each mocked answer is held for `latencyMs` (real timers), as a network round trip would be:
 * calls the code starts together overlap, calls it makes one after another do not. The
 * round trips before a call are the longest chain of calls, each started after the one before
 * it ended, among the calls that ended before that call started. Synchronous work between
 * two calls cannot break an overlap (a timer fires only when the stack is empty); waiting on
 * real I/O longer than `latencyMs` in one branch (a thread-pool key generation, a file) can
 * make independent calls look sequential: mock that work, or raise `latencyMs` above it.
 *
 * Install it after mockClient() (it wraps the stub mockClient put on the class prototype).
 * The mock's restore() removes it too; stop() removes it alone.
 */

export interface CallSpan {
  /** The client class, e.g. `CloudFormationClient`. */
  client: string;
  /** The operation, e.g. `CreateChangeSet`. */
  name: string;
  /** performance.now() when the code sent the command. */
  start: number;
  /** performance.now() when the answer (or error) was handed back. */
  end: number;
}

export interface CallOrder {
  /** Every call answered so far, in the order they started. */
  spans(): CallSpan[];
  /** The longest chain of sequential calls that ended before the first `name` call started; throws if `name` was never sent. */
  chainBefore(name: string): CallSpan[];
  /** How many sequential round trips the code made before it first sent `name`. */
  roundTripsBefore(name: string): number;
  /** The calls before the first `name`, for an assertion's message: `A ‖ B → C` (‖ together, → one after another). */
  describeBefore(name: string): string;
  /** Puts the mock's own stub back; calls are no longer recorded. */
  stop(): void;
}

type Send = (this: unknown, ...args: unknown[]) => unknown;
interface ClientClass {
  readonly name: string;
  readonly prototype: object;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function operationName(command: unknown): string {
  const name = (command as { constructor?: { name?: string } } | undefined)?.constructor?.name ?? "unknown";
  return name.replace(/Command$/, "");
}

/**
 * The longest chain of calls that ran one after another (each started at or after the end of
 * the one before). Taking the call that ends earliest first is optimal (interval scheduling).
 */
export function longestSequentialChain(spans: readonly CallSpan[]): CallSpan[] {
  const chain: CallSpan[] = [];
  let free = Number.NEGATIVE_INFINITY;
  for (const span of [...spans].sort((a, b) => a.end - b.end)) {
    if (span.start >= free) {
      chain.push(span);
      free = span.end;
    }
  }
  return chain;
}

/** Spans in start order, overlapping ones joined with ‖, sequential steps with →. */
export function describeSpans(spans: readonly CallSpan[]): string {
  const steps: { names: string[]; end: number }[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const last = steps.at(-1);
    if (last && span.start < last.end) {
      last.names.push(span.name);
      last.end = Math.max(last.end, span.end);
    } else {
      steps.push({ names: [span.name], end: span.end });
    }
  }
  return steps.map((step) => step.names.join(" ‖ ")).join(" → ");
}

export function recordCallOrder(clients: readonly ClientClass[], { latencyMs = 10 }: { latencyMs?: number } = {}): CallOrder {
  const spans: CallSpan[] = [];
  const installed: { prototype: { send: Send }; stub: Send; wrapper: Send }[] = [];

  for (const client of clients) {
    const prototype = client.prototype as { send: Send };
    const stub = prototype.send;
    if (typeof (stub as { withArgs?: unknown }).withArgs !== "function") {
      throw new Error(`recordCallOrder: ${client.name} is not mocked; call mockClient(${client.name}) first`);
    }
    const wrapper: Send = async function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      // Settled at once, so that a rejection is never left unhandled while the answer is held.
      const answer = Promise.resolve()
        .then(() => stub.apply(this, args))
        .then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
      await delay(latencyMs);
      const outcome = await answer;
      spans.push({ client: client.name, name: operationName(args[0]), start, end: performance.now() });
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    };
    prototype.send = wrapper;
    installed.push({ prototype, stub, wrapper });
  }

  const ordered = () => [...spans].sort((a, b) => a.start - b.start);
  const before = (name: string) => {
    const all = ordered();
    const first = all.find((span) => span.name === name);
    if (!first) throw new Error(`no ${name} call was made; the calls were: ${describeSpans(all) || "none"}`);
    return all.filter((span) => span.end <= first.start);
  };
  return {
    spans: ordered,
    chainBefore: (name) => longestSequentialChain(before(name)),
    roundTripsBefore: (name) => longestSequentialChain(before(name)).length,
    describeBefore: (name) => describeSpans(before(name)),
    stop() {
      for (const { prototype, stub, wrapper } of installed) if (prototype.send === wrapper) prototype.send = stub;
    },
  };
}
