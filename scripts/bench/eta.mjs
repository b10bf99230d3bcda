// Issue 22's ETA measure: racknet installs side by side through the AWS-timing proxy, each its
// own stack operation of a seeded length, and every ETA each printed against the time really
// left when it was printed (BENCHMARKS.md, "The ETA under the AWS-timing proxy").
import { runProcess } from "./tools.mjs";

/**
 * @param {{ racknet: string, root: string, env: Record<string, string>, lane: { entries(): object[] },
 *   perStackHold: Map<string, number>, holds: number[], progress: (line: string) => void, prefix?: string }} settings
 */
export async function measureEtaInstalls({ racknet, root, env, lane, perStackHold, holds, progress, prefix = "eta" }) {
  const names = holds.map((_, index) => `${prefix}${index + 1}`);
  names.forEach((name, index) => perStackHold.set(name, holds[index]));
  const runs = await Promise.all(
    names.map((name, index) =>
      runProcess(process.execPath, [racknet, "rack", "install", name, "--yes"], { env, cwd: root, keepLines: true }).then(
        (run) => ({ rack: name, holdMs: holds[index], eta: etaAgainstRelease(run.lines ?? [], lane.entries(), name), firstOutput: run.firstOutput - run.launch }),
        (error) => ({ rack: name, holdMs: holds[index], error: (error instanceof Error ? error.message : String(error)).split("\n")[0] }),
      ),
    ),
  );
  progress(`ETA installs: every ETA held the time left in ${runs.filter((run) => run.eta?.contains).length} of ${runs.length}`);
  return runs;
}

/**
 * Seconds of an ETA text (etaText in src/plan/eta.ts), low and high. Seconds are shown rounded
 * outwards to 5 s, so they are taken as shown; minutes are rounded to the nearest one, so half a
 * minute either side counts. `finishing` (every resource settled, only the stack's own completion
 * left) is taken as at most 30 s.
 */
export function etaRange(text) {
  if (/\bfinishing\b/.test(text)) return [0, 30];
  const minutes = (value) => Number(value) * 60;
  let match = /under (\d+)s left/.exec(text);
  if (match) return [0, Number(match[1])];
  match = /about (\d+)–(\d+)s left/.exec(text);
  if (match) return [Number(match[1]), Number(match[2])];
  match = /about (\d+)s–(\d+) min left/.exec(text);
  if (match) return [Number(match[1]), minutes(match[2]) + 30];
  match = /about (\d+)–(\d+) min left/.exec(text);
  if (match) return [minutes(match[1]) - 30, minutes(match[2]) + 30];
  match = /about (\d+) min left/.exec(text);
  if (match) return [minutes(match[1]) - 30, minutes(match[1]) + 30];
  match = /up to (\d+) min left/.exec(text);
  if (match) return [0, minutes(match[1]) + 30];
  return undefined;
}

/**
 * Every ETA the tool printed for the stack's operation (CI lines: the first at the start, then a
 * new one after a stack event when it changed, at most every 5 s; heartbeats too), each against
 * the time really left when the bench read the line: until the proxy first showed the final
 * status. `contains` only when every one of them held; `inside` counts those that did.
 */
export function etaAgainstRelease(lines, entries, stack) {
  const operation = entries.find((entry) => entry.event === "execute" && entry.stack === stack);
  const shown = operation ? lines.filter((line) => line.at >= operation.start && line.at <= operation.release && etaText(line.text) && etaRange(etaText(line.text))) : [];
  if (!operation || shown.length === 0) return { shown: false };
  const checks = shown.map((line) => {
    const text = etaText(line.text);
    const [low, high] = etaRange(text);
    const left = (operation.release - line.at) / 1000;
    return { line: line.text.trim(), text, low, high, left, held: left >= low && left <= high };
  });
  const first = checks[0];
  const missed = checks.find((check) => !check.held);
  return { shown: true, checks, inside: checks.filter((check) => check.held).length, contains: !missed, first, missed, text: first.text, low: first.low, high: first.high, left: first.left };
}

/** The ETA words of a line (`about 10–25s left`, `finishing`), or undefined. */
function etaText(line) {
  return /(finishing|under \d+s left|about [^;()]*? left|up to \d+ min left)/.exec(line)?.[1];
}
