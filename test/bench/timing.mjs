// The bench scripts' one way to time: the median of N runs after a warm-up.
import { performance } from 'node:perf_hooks';

export const WARMUP = 3;
// Contenders compared in one bench are warmed up for at least this long: V8 runs LiteRT.js's WASM on its baseline
// compiler first (measured here: its first ~30 calls of a small model 5-8x slower) and tiers hot functions up in the
// background, so a fixed count of warm-up calls would time a cold LiteRT.js against a warm native library.
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds of each of `iterations` awaited calls of `fn`, in order (no warm-up). */
export async function timeSamples(fn, iterations) {
  const t = [];
  for (let i = 0; i < iterations; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  return t;
}

/** Median milliseconds of `iterations` awaited calls of `fn`, after WARMUP unmeasured ones. */
export async function timeMedian(fn, iterations) {
  for (let i = 0; i < WARMUP; i++) await fn();
  return median(await timeSamples(fn, iterations));
}

/** Warms a contender up: `burst(WARMUP)` (n calls of it, unmeasured) until WARMUP_MS have passed. */
export async function warmUp(burst) {
  const start = performance.now();
  do await burst(WARMUP);
  while (performance.now() - start < WARMUP_MS);
}
