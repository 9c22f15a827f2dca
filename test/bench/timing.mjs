// The bench scripts' one way to time: the median of N runs after a warm-up.
import { performance } from 'node:perf_hooks';

export const WARMUP = 3;

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median milliseconds of `iterations` awaited calls of `fn`, after WARMUP unmeasured ones. */
export async function timeMedian(fn, iterations) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const t = [];
  for (let i = 0; i < iterations; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  return median(t);
}
