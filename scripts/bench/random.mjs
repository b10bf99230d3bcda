// Seeded draws, so that a benchmark run can be repeated with the same stack durations.

/** mulberry32: small and fast; the same seed gives the same sequence in [0, 1). */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A draw in [low, high]. */
export const between = (random, low, high) => low + random() * (high - low);
