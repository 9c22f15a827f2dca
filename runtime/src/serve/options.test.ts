import { describe, expect, it } from 'vitest';
import { defaultWorkers } from './options.js';

describe('defaultWorkers', () => {
  it.each([
    [2, 1, 2],
    [4, 2, 2],
    [4, 4, 1],
    [2, 4, 1],
    [1, 1, 1],
    [8, 3, 2],
  ])('%i CPUs at %i thread(s) each: %i worker(s)', (cpus, threads, workers) => {
    expect(defaultWorkers(cpus, threads)).toBe(workers);
  });
});
