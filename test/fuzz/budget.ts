/**
 * The fuzzers' budget. Every run is seeded, so a failure can be replayed: seed 42 and the
 * case counts the tests name, in `npm test` and CI; `npm run fuzz` (RACKNET_FUZZ=long) runs
 * twenty times as many cases from a fresh seed, printed first, to look further.
 *
 * FC_SEED=<n> replays a seed; FC_RUNS=<n> sets every property's case count:
 * `FC_SEED=1234 FC_RUNS=20000 npx vitest run test/fuzz/manifest.test.ts`.
 */
const LONG_FACTOR = 20;

const long = process.env.RACKNET_FUZZ === "long";
const seed = chooseSeed();

function chooseSeed(): number {
  const given = Number(process.env.FC_SEED);
  if (process.env.FC_SEED && Number.isInteger(given)) return given;
  if (!long) return 42;
  const fresh = Math.floor(Math.random() * 2 ** 31);
  process.stderr.write(`fuzzing from seed ${fresh} (replay with FC_SEED=${fresh})\n`);
  return fresh;
}

/** fast-check's options for a property with `runs` cases in CI. */
export function fuzzOptions(runs: number): { seed: number; numRuns: number } {
  const given = Number(process.env.FC_RUNS);
  if (process.env.FC_RUNS && Number.isInteger(given) && given > 0) return { seed, numRuns: given };
  return { seed, numRuns: long ? runs * LONG_FACTOR : runs };
}
