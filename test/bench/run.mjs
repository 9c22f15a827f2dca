#!/usr/bin/env node
// npm run bench: per fixture model, medians measured in this one run, and the ratios:
//   ours invoke / C reference       (the same libtensorflowlite_c from a small C program; 1.00 is the floor)
//   file-to-top-5 / ours invoke     (decode + resize + invoke + top-k, from the image file)
//   ours invoke / LiteRT.js         (@litertjs/core 2.5.3, WASM + XNNPACK, the fastest Node alternative), same thread count (1)
// Needs a built runtime (npm run build). Writes nothing but a compiled reference under test/.cache.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openClassifier, loadTfliteLibrary } from '@coreforge/runtime';
import { nativeAddon } from '../../runtime/dist/native.js';
import { imageToRgb } from '../../runtime/dist/image.js';
import { encodeInput } from '../../runtime/dist/tensors.js';
import { loadLiteRtForNode } from './litert-shim.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = path.join(here, '..', '.cache', 'bench');
const fixtures = process.env.COREFORGE_FIXTURES ?? path.join(here, '..', '..', '..', 'shared', 'fixtures');
const MODELS = ['mobilenet_v1_0.25_128_quant.tflite', 'mobilenet_v1_0.75_192_quant.tflite', 'mobilenet_v2_1.0_224_quant.tflite', 'tf2_mobilenet_v2_1.0_224_ptq.tflite'];
const PHOTO = path.join(fixtures, 'images', 'grace_hopper.bmp');
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);
const WARMUP = 3;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const t = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  return median(t);
}

function buildReference() {
  mkdirSync(cache, { recursive: true });
  const include = createRequire(import.meta.url)('../../runtime/scripts/paths.cjs').includeDir();
  const bin = path.join(cache, 'reference');
  const r = spawnSync('gcc', ['-O2', '-I', include, '-o', bin, path.join(here, 'reference.c'), '-ldl'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot build the C reference: ${r.stderr}`);
  return bin;
}

const XNNPACK_FLAGS = { builtin: -1, xnnpack: 0, 'xnnpack(qs8)': 1, 'xnnpack(qu8)': 2 };

async function main() {
  const reference = buildReference();
  const library = loadTfliteLibrary();
  const litert = await loadLiteRtForNode();
  const photo = readFileSync(PHOTO);
  const rows = [];
  for (const name of MODELS) {
    const file = path.join(fixtures, 'models', name);
    const classifier = await openClassifier({ model: file, threads: 1 });
    const input = classifier.info.inputs[0];
    const [, h, w] = input.shape;
    const native = { type: { uint8: 3, int8: 9, float32: 1 }[input.type], scale: input.quantization.scale, zeroPoint: input.quantization.zeroPoint, name: input.name };
    const tensor = encodeInput(await imageToRgb(photo, w, h), native);
    const inputFile = path.join(cache, `${name}.input`);
    writeFileSync(inputFile, tensor);

    // The C reference, same library and delegate choice.
    const ref = spawnSync(reference, [library.path, file, inputFile, String(ITERATIONS + WARMUP), String(XNNPACK_FLAGS[classifier.info.path] ?? -1)], { encoding: 'utf8' });
    if (ref.status !== 0) throw new Error(`reference failed on ${name}: ${ref.stderr}`);
    const cMs = median(ref.stdout.trim().split('\n').slice(WARMUP).map(Number));

    // Ours: the addon's invoke from JS (input copy, AsyncWorker, Invoke, output copy), on a second interpreter.
    const interp = nativeAddon().createInterpreter(readFileSync(file), { threads: 1, xnnpackFlags: XNNPACK_FLAGS[classifier.info.path] ?? -1 });
    const oursMs = await time(() => nativeAddon().invoke(interp.handle, tensor));
    nativeAddon().destroy(interp.handle);

    // Ours, image file to top-5.
    const fileMs = await time(async () => classifier.classify(readFileSync(PHOTO), { topK: 5 }));
    classifier.close();

    // LiteRT.js on the same model and input, one thread.
    const model = await litert.loadAndCompile(new Uint8Array(readFileSync(file)), { accelerator: 'wasm' });
    const typed = input.type === 'int8' ? new Int8Array(tensor.buffer, tensor.byteOffset, tensor.length) : new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.length);
    const litertMs = await time(async () => {
      const t = new litert.Tensor(typed, [1, h, w, 3]);
      const [out] = await model.run([t]);
      if ((await out.data()).length === 0) throw new Error('LiteRT.js returned no scores');
      t.delete();
      out.delete();
    });
    model.delete();
    rows.push({ model: name, path: classifier.info.path, cMs, oursMs, fileMs, litertMs });
  }
  const f = (x) => x.toFixed(2);
  console.log(`TFLite ${library.version} (${path.basename(path.dirname(library.path))}), 1 thread, grace_hopper.bmp, median of ${ITERATIONS}`);
  console.log('| model | path | C ref ms | ours invoke ms | ours/C | file→top5 ms | file/invoke | LiteRT.js ms | ours/LiteRT |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.model.replace('.tflite', '')} | ${r.path} | ${f(r.cMs)} | ${f(r.oursMs)} | ${f(r.oursMs / r.cMs)} | ${f(r.fileMs)} | ${f(r.fileMs / r.oursMs)} | ${f(r.litertMs)} | ${f(r.oursMs / r.litertMs)} |`);
}

await main();
