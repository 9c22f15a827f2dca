// Seeded fuzzing of the fixture models: truncations, bit flips, zeroed regions, edited offsets. Every case
// must end in a clear RuntimeError or a normal result, and no case may take the process down. Cases run in
// child processes (built runtime), so a crash is observed, not suffered.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/helpers/fixtures.js';

const CHILD = fileURLToPath(new URL('../test-support/fuzz-child.mjs', import.meta.url));
const MODELS = [
  'mobilenet_v1_0.25_128_quant.tflite',
  'mobilenet_v1_0.25_128_quant_edgetpu.tflite',
  'mobilenet_v1_0.75_192_quant.tflite',
  'tf2_mobilenet_v2_1.0_224_ptq.tflite',
];
const KINDS = ['truncate', 'bitflip', 'zero', 'offset'] as const;
const PER_MODEL_KIND = 20; // 4 models x 4 kinds x 20 = 320 cases

/** mulberry32: a small seeded PRNG, so a failing case can be reproduced from its id. */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(model: Buffer, kind: (typeof KINDS)[number], rand: () => number): Buffer {
  const out = Buffer.from(model);
  const at = (n = out.length) => Math.floor(rand() * n);
  switch (kind) {
    case 'truncate':
      return out.subarray(0, at());
    case 'bitflip':
      for (let i = 0, n = 1 + at(8); i < n; i++) out[at()]! ^= 1 << at(8);
      return out;
    case 'zero': {
      const start = at();
      out.fill(0, start, Math.min(out.length, start + 1 + at(512)));
      return out;
    }
    case 'offset': {
      // Flatbuffer offsets and vtables live in the tables at the end of the file and in the header.
      const region = rand() < 0.3 ? 64 : out.length;
      const pos = (rand() < 0.3 ? at(region) : out.length - 1 - at(Math.min(out.length, 200_000))) & ~3;
      const values = [0xffffffff, 0x7fffffff, out.length, out.length - 4, at(), 0];
      out.writeUInt32LE(values[at(values.length)]! >>> 0, Math.max(0, Math.min(pos, out.length - 4)));
      return out;
    }
  }
}

describe('model fuzzing', () => {
  it('survives 320 seeded mutations of the fixture models with zero crashes', () => {
    const rand = prng(20261124);
    const cases: { id: number; kind: string; model: string; data: string }[] = [];
    for (const name of MODELS) {
      const model = readFileSync(fixture(`models/${name}`));
      for (const kind of KINDS)
        for (let i = 0; i < PER_MODEL_KIND; i++)
          cases.push({ id: cases.length, kind, model: name, data: mutate(model, kind, rand).toString('base64') });
    }
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-fuzz-'));
    const outcomes = new Map<number, { outcome: string; code?: string; message?: string }>();
    let crashes = 0;
    try {
      for (let start = 0; start < cases.length; start += 40) {
        const batch = cases.slice(start, start + 40);
        const input = path.join(dir, `batch-${start}.json`);
        writeFileSync(input, JSON.stringify({ cases: batch, image: fixture('images/cat.bmp') }));
        const child = spawnSync(process.execPath, [CHILD, input], {
          encoding: 'utf8',
          timeout: 300_000,
          maxBuffer: 64 * 1024 * 1024,
        });
        for (const line of child.stdout.split('\n').filter(Boolean)) {
          const r = JSON.parse(line) as { case: number; outcome: string; code?: string; message?: string };
          outcomes.set(r.case, r);
        }
        if (child.status !== 0 || child.signal) {
          crashes++;
          const next = batch.find((c) => !outcomes.has(c.id));
          throw new Error(
            `fuzz child crashed (${child.signal ?? `exit ${child.status}`}) on case ${next?.id} (${next?.kind} of ${next?.model}):\n${child.stderr.slice(-2000)}`,
          );
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const all = [...outcomes.values()];
    const unexpected = all.filter((o) => o.outcome === 'unexpected');
    expect(unexpected).toEqual([]);
    expect(crashes).toBe(0);
    expect(outcomes.size).toBe(cases.length);
    const errors = all.filter((o) => o.outcome === 'error');
    for (const e of errors) expect(['MODEL_INVALID', 'EDGETPU_UNAVAILABLE', 'INFERENCE_FAILED']).toContain(e.code);
    // The summary the README reports.
    console.log(
      `fuzz: ${cases.length} cases, ${errors.length} clear errors, ${all.length - errors.length} normal results, ${crashes} crashes`,
    );
  });
});
