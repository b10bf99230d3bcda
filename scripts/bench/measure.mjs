// What one command did against the AWS-timing proxy, read from the proxy's call log.
// Times are epoch ms (the proxy's clock, which is also the benchmark's: they share a process).

export const median = (values) => {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * The longest chain of calls that ran one after another (each started after the one before
 * it ended): the round trips on the critical path. Earliest end first is optimal for this.
 * test/support/call-order.ts does the same for client-mock tests.
 */
export function longestSequentialChain(calls) {
  const chain = [];
  let free = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.end - b.end)) {
    if (call.start >= free) {
      chain.push(call);
      free = call.end;
    }
  }
  return chain;
}

/**
 * Calls in start order, overlapping ones joined with ‖ and sequential steps with →; a run of
 * the same call repeated is shown once with ×N. Reads like the critical path.
 */
export function describeSequence(calls) {
  const steps = [];
  for (const call of [...calls].sort((a, b) => a.start - b.start)) {
    const last = steps.at(-1);
    if (last && call.start < last.end) {
      last.names.push(call.action);
      last.end = Math.max(last.end, call.end);
    } else {
      steps.push({ names: [call.action], end: call.end });
    }
  }
  return collapseRepeats(steps.map((step) => step.names.join(" ‖ "))).join(" → ");
}

/** A run of the same step, or of the same two or three steps (a poll), is written once with ×N. */
function collapseRepeats(labels) {
  const out = [];
  let index = 0;
  while (index < labels.length) {
    let best = { period: 1, times: 1 };
    for (let period = 1; period <= 3; period += 1) {
      const cycle = labels.slice(index, index + period);
      let times = 1;
      while (cycle.length === period && cycle.every((label, offset) => labels[index + times * period + offset] === label)) times += 1;
      if (times > 1 && times * period > best.times * best.period) best = { period, times };
    }
    const cycle = labels.slice(index, index + best.period).join(" → ");
    out.push(best.times === 1 ? cycle : best.period === 1 ? `${cycle} ×${best.times}` : `(${cycle}) ×${best.times}`);
    index += best.period * best.times;
  }
  return out;
}

/**
 * The measures of one command run.
 * @param {object[]} entries the proxy's log (calls and events) of the tool's lane
 * @param {{ launch: number, exit: number }[]} processes the command's processes (the AWS CLI may need several), in order
 */
export function measureRun(entries, processes) {
  const from = processes[0].launch;
  const to = processes.at(-1).exit;
  const within = (entry) => entry.start >= from && entry.start <= to;
  const calls = entries.filter((entry) => !entry.event && within(entry)).sort((a, b) => a.start - b.start);
  const executes = entries.filter((entry) => entry.event === "execute" && within(entry)).sort((a, b) => a.start - b.start);
  const changeSets = entries.filter((entry) => entry.event === "changeset" && within(entry)).sort((a, b) => a.start - b.start);
  if (calls.length === 0 || executes.length === 0) throw new Error(`no stack operation between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}`);

  const first = executes[0];
  const last = executes.at(-1);
  const firstCall = calls[0].start;
  const createChangeSet = calls.find((call) => call.action === "CreateChangeSet");
  const before = (time) => calls.filter((call) => call.end <= time);
  const duringHold = calls.filter((call) => executes.some((operation) => call.start > operation.start && call.start < operation.release));
  const statusReads = duringHold.filter((call) => call.action === "DescribeStacks");
  const holdSeconds = executes.reduce((sum, operation) => sum + (operation.release - operation.start) / 1000, 0);
  const readGaps = statusReads.slice(1).map((call, index) => call.start - statusReads[index].start);
  const exitOfLast = processes.find((process) => process.exit >= last.start)?.exit ?? to;
  const readyOfFirst = changeSets.filter((changeSet) => changeSet.stack === first.stack && changeSet.start <= first.start).at(-1)?.ready;

  return {
    operations: executes.length,
    /** Launch to the first byte the tool wrote (a sign of life), ms. */
    firstOutput: processes[0].firstOutput - processes[0].launch,
    /** First request to the first ExecuteChangeSet/CreateStack request, ms. */
    beforeCloudFormation: first.start - firstCall,
    /** Process launch to the same, ms. */
    fromLaunch: first.start - from,
    /** How long after the change set was ready the tool executed it, ms. */
    changeSetNoticed: readyOfFirst === undefined ? Number.NaN : first.start - readyOfFirst,
    /** How long after the proxy first showed the final status the tool exited, ms. */
    completionLag: exitOfLast - last.release,
    endToEnd: processes.reduce((sum, process) => sum + process.exit - process.launch, 0),
    calls: calls.length,
    callsBeforeExecute: calls.filter((call) => call.start < first.start).length,
    roundTripsBeforeCreateChangeSet: createChangeSet ? longestSequentialChain(before(createChangeSet.start)).length : Number.NaN,
    roundTripsBeforeExecute: longestSequentialChain(before(first.start)).length,
    callsDuringOperation: duringHold.length,
    callsPerSecondDuringOperation: holdSeconds > 0 ? duringHold.length / holdSeconds : Number.NaN,
    /** Median time between two DescribeStacks during the operation: the poll interval. */
    statusReadGap: median(readGaps),
    /** Calls after the one that first saw the final status. */
    callsAfterFinalStatusSeen: Math.max(0, calls.filter((call) => call.start >= last.release).length - 1),
    sequence: {
      beforeExecute: describeSequence(calls.filter((call) => call.start < first.start)),
      duringOperation: describeSequence(duringHold),
      afterRelease: describeSequence(calls.filter((call) => call.start >= last.release)),
    },
  };
}
