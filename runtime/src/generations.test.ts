// The two library generations side by side, each in its own process (a process loads one libtensorflowlite_c):
// TFLite 2.9 (tfjs-tflite-node) and 2.19 (LiteRT v2.2.0, ../shared/tflite). Real libraries, real fixtures.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../test/helpers/fixtures.js';
import { tflite219, tflite29 } from '../../test/helpers/tflite.js';
import { xnnpackFlagsFor } from './classifier.js';
import type { ModelSummary } from './model-check.js';

const CHILD = fileURLToPath(new URL('../test-support/top1-child.mjs', import.meta.url));
const CPU_MODELS = [
  'mobilenet_v1_0.25_128_quant',
  'mobilenet_v1_0.75_192_quant',
  'mobilenet_v2_1.0_224_quant',
  'tf2_mobilenet_v2_1.0_224_ptq',
];

interface Top1 {
  version: string;
  layout: string;
  models: { model: string; path: string; index: number; score: number }[];
}

/** Runs the child without blocking this worker (vitest's RPC must be answered within a minute). */
function top1(library: string): Promise<Top1> {
  const models = CPU_MODELS.map((m) => fixture(`models/${m}.tflite`));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CHILD, library, fixture('images/grace_hopper.bmp'), ...models],
      { encoding: 'utf8', env: { ...process.env, COREFORGE_TFLITE_LIB: '' } },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stderr }));
        else resolve(JSON.parse(stdout) as Top1);
      },
    );
  });
}

describe('TFLite 2.9 and 2.19', () => {
  let old: Top1;
  let current: Top1;
  beforeAll(async () => {
    [old, current] = await Promise.all([top1(tflite29()), top1(tflite219())]);
  });

  it('detects each generation by TfLiteVersion() and picks its XNNPACK options layout', () => {
    expect([old.version, old.layout]).toEqual(['2.9.0', '2.9']);
    expect([current.version, current.layout]).toEqual(['2.19.0', '2.19']);
  });

  it('runs every uint8 and int8 fixture on XNNPACK with QS8+QU8 on 2.19 (2.9 cannot take the uint8 ones)', () => {
    expect(current.models.map((m) => m.path)).toEqual(CPU_MODELS.map(() => 'xnnpack(qs8+qu8)'));
    expect(old.models.map((m) => m.path)).toEqual(['xnnpack(qu8)', 'xnnpack(qu8)', 'builtin', 'xnnpack(qs8)']);
  });

  it('gives the same top-1 label on every CPU fixture with both generations', () => {
    expect(current.models.map((m) => m.index)).toEqual(old.models.map((m) => m.index));
    expect(current.models.map((m) => m.index)).toEqual([401, 653, 653, 653]);
    for (const [i, m] of current.models.entries()) expect(Math.abs(m.score - old.models[i]!.score)).toBeLessThan(0.06);
  });
});

describe('a library of a generation the runtime does not know', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-tflite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused with LIBRARY_UNSUPPORTED before any XNNPACK options are passed', async () => {
    // A real 2.19 library whose TfLiteVersion() answers "2.18.0": same symbols, a version we have no layout for.
    const lib = path.join(dir, 'libtensorflowlite_c.so');
    copyFileSync(tflite219(), lib);
    const bytes = execFileSync('grep', ['-c', '-a', '2\\.19\\.0', lib], { encoding: 'utf8' });
    expect(Number(bytes)).toBeGreaterThan(0);
    execFileSync('sed', ['-i', 's/2\\.19\\.0\\x00/2.18.0\\x00/g', lib]);
    const message = await top1(lib).then(
      () => '',
      (error: unknown) => String((error as { stderr?: string }).stderr),
    );
    expect(message).toContain('LIBRARY_UNSUPPORTED');
    expect(message).toContain(
      'is TFLite 2.18.0, whose XNNPACK options layout this runtime does not know (it knows 2.9 and 2.19)',
    );
  });
});

describe('xnnpackFlagsFor', () => {
  const summary = (types: number[], dynamicFullyConnected = false): ModelSummary => ({
    subgraphs: 1,
    tensors: 1,
    operators: 1,
    customOps: [],
    tensorTypes: new Set(types),
    dynamicFullyConnected,
    outputShape: [1, 1001],
  });
  it.each([
    ['uint8 on 2.19', summary([3, 2]), '2.19', 0x3],
    ['int8 on 2.19', summary([9, 2]), '2.19', 0x3],
    ['float on 2.19', summary([0]), '2.19', 0],
    ['float with dynamic FC on 2.19', summary([0], true), '2.19', 0x8],
    ['int8 with dynamic FC on 2.19', summary([9], true), '2.19', 0xb],
    ['uint8 on 2.9', summary([3]), '2.9', 0x2],
    ['int8 on 2.9', summary([9, 3]), '2.9', 0x1],
    ['float on 2.9', summary([0], true), '2.9', 0],
    ['anything without XNNPACK', summary([3]), 'none', -1],
  ] as const)('%s', (_name, s, layout, flags) => {
    expect(xnnpackFlagsFor(s, layout)).toBe(flags);
  });
});
