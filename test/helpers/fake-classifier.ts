// A stand-in Classifier for tests of the serve layer (no model, no addon): it answers after `delayMs`, or when
// released, and refuses bodies the way the real one does for a few magic inputs.
import { RuntimeError } from '../../runtime/src/errors.js';
import type { Classifier, ClassifyResult, ModelInfo } from '../../runtime/src/types.js';

export interface FakeClassifier extends Classifier {
  readonly calls: number;
  readonly closed: boolean;
  /** Resolves the oldest held classification (when created with hold: true). */
  release(): void;
}

export const FAKE_INFO: ModelInfo = {
  inputs: [{ name: 'input', shape: [1, 2, 2, 3], type: 'uint8', quantization: { scale: 1, zeroPoint: 0 } }],
  outputs: [{ name: 'output', shape: [1, 3], type: 'uint8', quantization: { scale: 1, zeroPoint: 0 } }],
  path: 'fake',
  threads: 1,
  modelFile: '/fake.tflite',
  library: { path: '/fake/libtensorflowlite_c.so', version: '0.0.0' },
};

export function fakeClassifier(options: { delayMs?: number; hold?: boolean } = {}): FakeClassifier {
  let calls = 0;
  let closed = false;
  const held: (() => void)[] = [];
  return {
    info: FAKE_INFO,
    labels: ['zero', 'one', 'two'],
    warnings: [],
    get calls() {
      return calls;
    },
    get closed() {
      return closed;
    },
    release() {
      held.shift()?.();
    },
    async classify(image: Uint8Array, o = {}): Promise<ClassifyResult> {
      if (closed) throw new RuntimeError('CLOSED', 'cannot classify: the classifier is closed');
      calls++;
      const text = Buffer.from(image).toString();
      if (text === 'bad') throw new RuntimeError('IMAGE_INVALID', 'cannot decode the image: bad');
      if (text === 'huge') throw new RuntimeError('IMAGE_TOO_LARGE', 'cannot decode the image: huge');
      if (text === 'crash') throw new Error('a bug');
      if (text === 'fail') throw new RuntimeError('INFERENCE_FAILED', 'cannot invoke: fail');
      if (options.hold) await new Promise<void>((resolve) => held.push(resolve));
      else if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      const results = [
        { index: 2, label: 'two', score: 0.7 },
        { index: 1, label: 'one', score: 0.2 },
        { index: 0, label: 'zero', score: 0.1 },
      ].slice(0, o.topK ?? 5);
      return { results, timings: { decodeMs: 1, inferenceMs: 2, totalMs: 3 } };
    },
    close() {
      closed = true;
    },
  };
}
