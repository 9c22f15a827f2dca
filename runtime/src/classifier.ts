// openClassifier(): model + labels + interpreter, loaded once and reused. Concurrent classify() calls on one
// classifier run one at a time (queued on its inference thread, or inline for sub-ms CPU models: CPU_INLINE_BELOW_MS);
// serve runs a pool of them.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkEdgetpuCompatible, EDGETPU_CUSTOM_OP, listEdgetpuDevices, locateEdgetpuLibrary } from './edgetpu.js';
import { RuntimeError } from './errors.js';
import { DEFAULT_MAX_PIXELS, imageToRgb } from './image.js';
import { parseLabels, readLabelsText } from './labels.js';
import { MAX_MODEL_BYTES } from './limits.js';
import { readRegularFile } from './read-file.js';
import { loadTfliteLibrary } from './library.js';
import { checkModel, ModelCheckError, type ModelSummary } from './model-check.js';
import {
  nativeAddon,
  nativeCode,
  nativeError,
  type NativeInterpreter,
  type NativeTensor,
  type XnnpackLayout,
} from './native.js';
import { decodeScores, encodeInput, tensorType, topK } from './tensors.js';
import type { Classifier, ClassifierOptions, ClassifyOptions, ClassifyResult, ModelInfo, TensorInfo } from './types.js';
import { validateClassifierOptions } from './validate.js';

/**
 * CPU interpreters run a call on the JS thread, instead of handing it to their inference thread, when nothing is in
 * flight and their recent Invoke median is at most this many ms (runtime/native/infer_thread.h): the hand-off's
 * wake-up (~60 µs in a VM) is then 3% or more of the call, and the event loop is held for about this long at most. Edge
 * TPU calls always go to the thread (a USB transfer can stall).
 */
export const CPU_INLINE_BELOW_MS = 2;

const XNNPACK_NONE = -1;
const XNNPACK_QS8 = 0x1;
const XNNPACK_QU8 = 0x2;
const XNNPACK_DYNAMIC_FULLY_CONNECTED = 0x8;
const INT8 = 9;
const FLOAT32 = 0;
const INT32 = 2;

/**
 * The fastest correct CPU path per model and library generation (README "Which TFLite"):
 * - 2.19: quantized models get QS8+QU8 (its XNNPACK takes uint8 and int8); float models plain XNNPACK; a model with
 *   a FULLY_CONNECTED on computed weights adds DYNAMIC_FULLY_CONNECTED (else that op stays on the builtin kernels).
 * - 2.9: int8 → QS8; uint8 → QU8 is tried, and interpreter creation falls back to the builtin kernels when XNNPACK
 *   refuses it (it does for every uint8 MobileNet); float → XNNPACK.
 */
export function xnnpackFlagsFor(summary: ModelSummary, layout: XnnpackLayout): number {
  if (layout === 'none') return XNNPACK_NONE;
  const float = [...summary.tensorTypes].every((t) => t === FLOAT32 || t === INT32);
  if (layout === '2.19')
    return (
      (float ? 0 : XNNPACK_QS8 | XNNPACK_QU8) | (summary.dynamicFullyConnected ? XNNPACK_DYNAMIC_FULLY_CONNECTED : 0)
    );
  if (summary.tensorTypes.has(INT8)) return XNNPACK_QS8;
  return float ? 0 : XNNPACK_QU8;
}

async function readModel(file: string): Promise<{ data: Buffer; summary: ModelSummary }> {
  const data = await readRegularFile(file, {
    what: 'model',
    maxBytes: MAX_MODEL_BYTES,
    missing: 'MODEL_NOT_FOUND',
    invalid: 'MODEL_INVALID',
  });
  return { data, summary: checkModelData(data, file) };
}

export function checkModelData(data: Buffer, name: string): ModelSummary {
  try {
    return checkModel(data);
  } catch (error) {
    if (error instanceof ModelCheckError)
      throw new RuntimeError('MODEL_INVALID', `cannot load model "${name}": ${error.message}`, undefined, {
        cause: error,
      });
    throw error;
  }
}

function describe(t: NativeTensor): TensorInfo {
  return {
    name: t.name,
    shape: t.shape,
    type: tensorType(t),
    quantization: { scale: t.scale, zeroPoint: t.zeroPoint },
  };
}

interface Loaded {
  readonly interpreter: NativeInterpreter;
  readonly modelFile: string;
}

function createInterpreter(
  data: Buffer,
  name: string,
  options: Parameters<ReturnType<typeof nativeAddon>['createInterpreter']>[1],
): NativeInterpreter {
  const stack = new Error();
  try {
    return nativeAddon().createInterpreter(data, options);
  } catch (error) {
    if (nativeCode(error) === 'EDGETPU_UNAVAILABLE')
      throw new RuntimeError(
        'EDGETPU_UNAVAILABLE',
        `cannot use the Edge TPU: ${nativeError(error, stack).message}`,
        'plug in the Coral (and connect the raw-usb or custom-device interface inside a snap), or use --delegate cpu',
        { cause: error },
      );
    throw new RuntimeError(
      'MODEL_INVALID',
      `cannot load model "${name}": ${nativeError(error, stack).message}`,
      undefined,
      { cause: error },
    );
  }
}

async function load(options: ClassifierOptions, env: Readonly<Record<string, string | undefined>>): Promise<Loaded> {
  const library = loadTfliteLibrary(options.tfliteLibrary, env);
  const threads = options.threads ?? 1;
  const delegate = options.delegate ?? 'cpu';
  const wantsTpu = delegate === 'edgetpu' || (delegate === 'auto' && options.edgetpuModel !== undefined);
  if (wantsTpu) {
    const tpuModel = delegate === 'edgetpu' ? (options.edgetpuModel ?? options.model) : options.edgetpuModel!;
    const lib = locateEdgetpuLibrary(env);
    // Under `auto`, an empty device list means the CPU model, without asking the plugin for a delegate.
    const noDevice = delegate === 'auto' && lib !== undefined && listEdgetpuDevices(env)?.length === 0;
    if (lib && !noDevice) {
      checkEdgetpuCompatible(library.version);
      const { data } = await readModel(tpuModel);
      try {
        return {
          interpreter: createInterpreter(data, tpuModel, {
            threads,
            xnnpackFlags: XNNPACK_NONE,
            edgetpuLibrary: lib,
            edgetpuDevice: options.device ?? '',
          }),
          modelFile: tpuModel,
        };
      } catch (error) {
        if (delegate === 'edgetpu' || !(error instanceof RuntimeError && error.code === 'EDGETPU_UNAVAILABLE'))
          throw error;
      }
    } else if (delegate === 'edgetpu') {
      throw new RuntimeError(
        'EDGETPU_UNAVAILABLE',
        'cannot use the Edge TPU: libedgetpu.so.1 was not found',
        'install libedgetpu1-std (Coral apt repository), ship it in $SNAP/lib, or set COREFORGE_EDGETPU_LIB',
      );
    }
  }
  const { data, summary } = await readModel(options.model);
  if (summary.customOps.includes(EDGETPU_CUSTOM_OP))
    throw new RuntimeError(
      'EDGETPU_UNAVAILABLE',
      `cannot run model "${options.model}" on the CPU: it is compiled for the Edge TPU (it holds "${EDGETPU_CUSTOM_OP}") and no Edge TPU is in use`,
      `use the CPU version of the model (e.g. "${path.basename(options.model).replace(/_edgetpu(?=\.tflite$)/, '')}"), or --delegate edgetpu with a Coral attached`,
    );
  const xnnpackFlags = xnnpackFlagsFor(summary, library.xnnpackLayout);
  return {
    interpreter: createInterpreter(data, options.model, { threads, xnnpackFlags, inlineBelowMs: CPU_INLINE_BELOW_MS }),
    modelFile: options.model,
  };
}

export async function openClassifier(
  options: ClassifierOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Classifier> {
  validateClassifierOptions(options);
  const [{ interpreter, modelFile }, labelsText] = await Promise.all([
    load(options, env),
    options.labels ? readLabelsText(options.labels) : Promise.resolve(undefined),
  ]);
  const library = loadTfliteLibrary(options.tfliteLibrary, env);
  const input = interpreter.inputs[0]!;
  const output = interpreter.outputs[0]!;
  if (input.shape.length !== 4 || input.shape[3] !== 3)
    throw new RuntimeError(
      'MODEL_INVALID',
      `cannot classify with model "${modelFile}": input shape [${input.shape.join(',')}] is not [1, height, width, 3]`,
    );
  const [, height, width] = input.shape as [number, number, number, number];
  const classes = output.shape.at(-1) ?? 0;
  let labels: string[] = [];
  try {
    labels = labelsText === undefined ? [] : parseLabels(labelsText, classes, options.labels);
  } catch (error) {
    nativeAddon().destroy(interpreter.handle);
    throw error;
  }
  const warnings: string[] = [];
  if (labels.length > 0 && labels.length !== classes)
    warnings.push(`labels file has ${labels.length} labels, the model has ${classes} outputs`);
  const info: ModelInfo = {
    inputs: interpreter.inputs.map(describe),
    outputs: interpreter.outputs.map(describe),
    path: interpreter.path,
    threads: options.threads ?? 1,
    modelFile,
    library: { path: library.path, version: library.version },
  };
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let closed = false;
  return {
    info,
    labels,
    warnings,
    async classify(image: Uint8Array, classifyOptions: ClassifyOptions = {}): Promise<ClassifyResult> {
      if (closed) throw new RuntimeError('CLOSED', 'cannot classify: the classifier is closed');
      const k = classifyOptions.topK ?? 5;
      if (!Number.isInteger(k) || k < 1)
        throw new RuntimeError(
          'ARGUMENT_INVALID',
          `Expected positive integer for topK but received ${String(k)} of type ${typeof k}`,
        );
      const start = performance.now();
      const rgb = await imageToRgb(image, width, height, maxPixels, options.decodeBudget);
      const decodeMs = performance.now() - start;
      const stack = new Error();
      let result: { output: Buffer; ms: number };
      try {
        result = await nativeAddon().invoke(interpreter.handle, encodeInput(rgb, input));
      } catch (error) {
        throw new RuntimeError(
          closed || nativeCode(error) === 'CLOSED' ? 'CLOSED' : 'INFERENCE_FAILED',
          nativeError(error, stack).message,
          undefined,
          { cause: error },
        );
      }
      const scores = decodeScores(result.output, output);
      const results = topK(scores, Math.min(k, scores.length)).map((index) => ({
        index,
        label: labels[index] ?? String(index),
        score: scores[index]!,
      }));
      return { results, timings: { decodeMs, inferenceMs: result.ms, totalMs: performance.now() - start } };
    },
    close() {
      if (closed) return;
      closed = true;
      nativeAddon().destroy(interpreter.handle);
    },
  };
}
