#!/usr/bin/env node
// One library generation, measured in its own process (a process loads one libtensorflowlite_c): per fixture model,
// the C reference, our invoke and LiteRT.js on the same input, interleaved in short rounds; the builtin kernels; and
// a JPEG file to top-5. Prints one JSON line.
// usage: node test/bench/generation.mjs LIBRARY ITERATIONS (run by test/bench/run.mjs)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadTfliteLibrary, openClassifier } from '@coreforge/runtime';
import { nativeAddon } from '../../runtime/dist/native.js';
import { CPU_INLINE_BELOW_MS } from '../../runtime/dist/classifier.js';
import { imageToRgb } from '../../runtime/dist/image.js';
import { encodeInput } from '../../runtime/dist/tensors.js';
import { loadLiteRtForNode } from './litert-shim.mjs';
import { median, timeMedian, timeSamples, warmUp } from './timing.mjs';
import { fixtures } from './shared.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = path.join(here, '..', '.cache', 'bench');
export const MODELS = [
  'mobilenet_v1_0.25_128_quant.tflite',
  'mobilenet_v1_0.75_192_quant.tflite',
  'mobilenet_v2_1.0_224_quant.tflite',
  'tf2_mobilenet_v2_1.0_224_ptq.tflite',
];
const [library, iterationsArg] = process.argv.slice(2);
const ITERATIONS = Number(iterationsArg ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 24);
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
const referenceBinary = buildReference();
const litert = await loadLiteRtForNode();
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

  // Three contenders on the same input tensor, each one classification per call:
  //   C       the reference program (copy in, Invoke, copy out), one process kept loaded, same library and flags;
  //   ours    the addon's invoke awaited from JS (hand-off to the interpreter's thread, input copy, Invoke, output
  //           copy into the result Buffer, result back on the JS thread; or all of it on the JS thread when the
  //           classifier's CPU_INLINE_BELOW_MS applies), on a second interpreter with the options the classifier chose;
  //   LiteRT  LiteRT.js (WASM + XNNPACK, one thread), in this process.
  // A shared VM's speed drifts by tens of percent over seconds (other guests' cache and memory traffic, which the
  // steal counter does not show), so they take turns in ROUNDS short bursts of ITERATIONS calls, in a rotating
  // order, and each ratio is the median of the rounds' ratios: a drift hits both sides of a ratio alike.
  const flags = classifier.info.path === 'builtin' ? -1 : xnnpackFlagsOf(classifier);
  const reference = startReference([lib.path, file, inputFile, String(flags)], name);
  const ours = nativeAddon().createInterpreter(readFileSync(file), {
    threads: 1,
    xnnpackFlags: flags,
    inlineBelowMs: CPU_INLINE_BELOW_MS,
  });
  const litertModel = await litert.loadAndCompile(new Uint8Array(readFileSync(file)), { accelerator: 'wasm' });
  let inlineCalls = 0;
  let calls = 0;
  const oursCall = async () => {
    const result = await nativeAddon().invoke(ours.handle, tensor);
    calls++;
    if (result.inline) inlineCalls++;
  };
  // Each contender: n calls, their times in milliseconds.
  const contenders = {
    c: (n) => reference.burst(n),
    ours: (n) => timeSamples(oursCall, n),
    litert: (n) => timeSamples(() => runLiteRt(litertModel, tensor, input.type), n),
  };
  const order = Object.keys(contenders);
  for (const k of order) await warmUp(contenders[k]);
  inlineCalls = calls = 0;
  const samples = { c: [], ours: [], litert: [] };
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = {};
    for (let i = 0; i < order.length; i++) {
      const k = order[(r + i) % order.length];
      const t = await contenders[k](ITERATIONS);
      samples[k].push(...t);
      round[k] = median(t);
    }
    rounds.push(round);
  }
  reference.close();
  nativeAddon().destroy(ours.handle);
  litertModel.delete();
  const cMs = median(samples.c);
  const oursMs = median(samples.ours);
  const litertMs = median(samples.litert);
  const oursOverC = median(rounds.map((r) => r.ours / r.c));
  const litertOverOurs = median(rounds.map((r) => r.litert / r.ours));
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
    litertMs,
    litertOverOurs,
    // Where our calls ran: on the JS thread (inline), on the interpreter's thread, or both (the share inline).
    dispatch:
      inlineCalls === 0
        ? 'thread'
        : inlineCalls === calls
          ? 'inline'
          : `inline ${Math.round((100 * inlineCalls) / calls)}%`,
    builtinMs,
    jpegMs,
  });
  classifier.close();
}
process.stdout.write(`${JSON.stringify({ version: lib.version, library: lib.path, litert: litert.variant, rows })}\n`);

/** The C reference for one model, kept loaded: burst(n) runs n classifications and resolves to their times. */
function startReference(args, name) {
  const child = spawn(referenceBinary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async burst(n) {
      child.stdin.write(`${n}\n`);
      const { value, done } = await lines.next();
      if (done) throw new Error(`the C reference failed on ${name}: ${stderr.trim()}`);
      return value.trim().split(' ').map(Number);
    },
    close: () => child.stdin.end(),
  };
}

/** One LiteRT.js classification of the same input tensor (NHWC, 3 channels), its scores read back. */
async function runLiteRt(model, tensor, type) {
  const typed =
    type === 'int8'
      ? new Int8Array(tensor.buffer, tensor.byteOffset, tensor.length)
      : new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.length);
  const side = Math.round(Math.sqrt(tensor.length / 3));
  const t = new litert.Tensor(typed, [1, side, side, 3]);
  const [out] = await model.run([t]);
  if ((await out.data()).length === 0) throw new Error('LiteRT.js returned no scores');
  t.delete();
  out.delete();
}

/** The XNNPACK flags behind the path the classifier printed (the bench runs the same choice elsewhere). */
function xnnpackFlagsOf(c) {
  const kinds = /^xnnpack(?:\((.*)\))?$/.exec(c.info.path)?.[1]?.split('+') ?? [];
  return (kinds.includes('qs8') ? 1 : 0) | (kinds.includes('qu8') ? 2 : 0) | (kinds.includes('dynamic-fc') ? 8 : 0);
}
