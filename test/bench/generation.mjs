#!/usr/bin/env node
// One library generation, measured in its own process (a process loads one libtensorflowlite_c): per fixture model,
// the C reference and our invoke on this library, and a JPEG file to top-5. Prints one JSON line.
// usage: node test/bench/generation.mjs LIBRARY ITERATIONS (run by test/bench/run.mjs)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTfliteLibrary, openClassifier } from '@coreforge/runtime';
import { nativeAddon } from '../../runtime/dist/native.js';
import { CPU_INLINE_BELOW_MS } from '../../runtime/dist/classifier.js';
import { imageToRgb } from '../../runtime/dist/image.js';
import { encodeInput } from '../../runtime/dist/tensors.js';
import { median, timeMedian, WARMUP } from './timing.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = path.join(here, '..', '.cache', 'bench');
const fixtures = process.env.COREFORGE_FIXTURES ?? path.join(here, '..', '..', '..', 'shared', 'fixtures');
export const MODELS = [
  'mobilenet_v1_0.25_128_quant.tflite',
  'mobilenet_v1_0.75_192_quant.tflite',
  'mobilenet_v2_1.0_224_quant.tflite',
  'tf2_mobilenet_v2_1.0_224_ptq.tflite',
];
const [library, iterationsArg] = process.argv.slice(2);
const ITERATIONS = Number(iterationsArg ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BMP = readFileSync(path.join(fixtures, 'images', 'grace_hopper.bmp'));
const JPEG = readFileSync(path.join(fixtures, 'images', 'parrot.jpg'));

const time = (fn) => timeMedian(fn, ITERATIONS);

function buildReference() {
  mkdirSync(cache, { recursive: true });
  const include = createRequire(import.meta.url)('../../runtime/scripts/paths.cjs').includeDir();
  const bin = path.join(cache, 'reference');
  const r = spawnSync(
    'g++',
    [
      '-O2',
      '-std=c++17',
      '-I',
      include,
      '-I',
      path.join(here, '..', '..', 'runtime', 'native'),
      '-o',
      bin,
      path.join(here, 'reference.cc'),
      '-ldl',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`cannot build the C reference: ${r.stderr}`);
  return bin;
}

const lib = loadTfliteLibrary(library);
const reference = buildReference();
const rows = [];
for (const name of MODELS) {
  const file = path.join(fixtures, 'models', name);
  const classifier = await openClassifier({ model: file, threads: 1, tfliteLibrary: library });
  const input = classifier.info.inputs[0];
  const [, h, w] = input.shape;
  const native = {
    type: { uint8: 3, int8: 9, float32: 1 }[input.type],
    scale: input.quantization.scale,
    zeroPoint: input.quantization.zeroPoint,
    name: input.name,
  };
  const tensor = encodeInput(await imageToRgb(BMP, w, h), native);
  const inputFile = path.join(cache, `${name}.${lib.version}.input`);
  writeFileSync(inputFile, tensor);

  // Ours: the addon's invoke awaited from JS (hand-off to the interpreter's thread, input copy, Invoke, output copy
  // into the result Buffer, result back on the JS thread; or all of it on the JS thread when the classifier's
  // CPU_INLINE_BELOW_MS applies), on a second interpreter with the options the classifier chose; then the C reference
  // with the same library and flags.
  const flags = classifier.info.path === 'builtin' ? -1 : xnnpackFlagsOf(classifier);
  // Interleaved in ROUNDS so that a change in the machine's load between the two hits both alike: each round
  // times the C reference, then ours; ours/C is the median of the rounds' ratios.
  const ours = nativeAddon().createInterpreter(readFileSync(file), {
    threads: 1,
    xnnpackFlags: flags,
    inlineBelowMs: CPU_INLINE_BELOW_MS,
  });
  let inlineCalls = 0;
  let calls = 0;
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const ref = spawnSync(reference, [lib.path, file, inputFile, String(ITERATIONS + WARMUP), String(flags)], {
      encoding: 'utf8',
    });
    if (ref.status !== 0) throw new Error(`reference failed on ${name}: ${ref.stderr}`);
    const c = median(ref.stdout.trim().split('\n').slice(WARMUP).map(Number));
    const o = await time(async () => {
      const result = await nativeAddon().invoke(ours.handle, tensor);
      calls++;
      if (result.inline) inlineCalls++;
    });
    rounds.push({ c, o });
  }
  nativeAddon().destroy(ours.handle);
  const cMs = median(rounds.map((r) => r.c));
  const oursMs = median(rounds.map((r) => r.o));
  const oursOverC = median(rounds.map((r) => r.o / r.c));
  // The builtin kernels alone (no delegate): what ops XNNPACK does not take run on.
  const builtin = nativeAddon().createInterpreter(readFileSync(file), {
    threads: 1,
    xnnpackFlags: -1,
    inlineBelowMs: CPU_INLINE_BELOW_MS,
  });
  const builtinMs = await time(() => nativeAddon().invoke(builtin.handle, tensor));
  nativeAddon().destroy(builtin.handle);

  // A JPEG photo file to top-5: read, decode + resize, invoke, top-k.
  const jpegMs = await time(async () => classifier.classify(JPEG, { topK: 5 }));
  rows.push({
    model: name,
    path: classifier.info.path,
    inputType: input.type,
    flags,
    cMs,
    oursMs,
    oursOverC,
    // Where our calls ran: on the JS thread (inline), on the interpreter's thread, or both (the share inline).
    dispatch:
      inlineCalls === 0
        ? 'thread'
        : inlineCalls === calls
          ? 'inline'
          : `inline ${Math.round((100 * inlineCalls) / calls)}%`,
    builtinMs,
    jpegMs,
    tensor: tensor.toString('base64'),
  });
  classifier.close();
}
process.stdout.write(`${JSON.stringify({ version: lib.version, library: lib.path, rows })}\n`);

/** The XNNPACK flags behind the path the classifier printed (the bench runs the same choice elsewhere). */
function xnnpackFlagsOf(c) {
  const kinds = /^xnnpack(?:\((.*)\))?$/.exec(c.info.path)?.[1]?.split('+') ?? [];
  return (kinds.includes('qs8') ? 1 : 0) | (kinds.includes('qu8') ? 2 : 0) | (kinds.includes('dynamic-fc') ? 8 : 0);
}
