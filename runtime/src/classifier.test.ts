// Against the real TFLite 2.9 library (tfjs-tflite-node) and the real fixture models and photos: these run in CI.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../test/helpers/fixtures.js';
import { openClassifier } from './classifier.js';
import { RuntimeError } from './errors.js';
import type { Classifier } from './types.js';

const V2 = fixture('models/mobilenet_v2_1.0_224_quant.tflite');
const LABELS = fixture('models/imagenet_labels.txt');
const photo = (name: string) => readFileSync(fixture(`images/${name}`));

describe('mobilenet_v2_1.0_224_quant on the CPU', () => {
  let classifier: Classifier;
  beforeAll(async () => {
    classifier = await openClassifier({ model: V2, labels: LABELS });
  });
  afterAll(() => classifier.close());

  it('reports the model, the library and the path it chose', () => {
    expect(classifier.info.inputs[0]).toEqual({
      name: 'input',
      shape: [1, 224, 224, 3],
      type: 'uint8',
      quantization: { scale: 0.0078125, zeroPoint: 128 },
    });
    expect(classifier.info.outputs[0]!.shape).toEqual([1, 1001]);
    expect(classifier.info.library.version).toBe('2.9.0');
    expect(classifier.info.path).toBe('builtin');
    expect(classifier.labels).toHaveLength(1001);
    expect(classifier.warnings).toEqual([]);
  });

  it.each([
    ['grace_hopper.bmp', 653, 'military uniform', 0.85],
    ['parrot.jpg', 89, 'macaw', 0.9],
    ['cat.bmp', 286, 'Egyptian cat', 0.7],
  ])('classifies %s as %i %s', async (name, index, label, min) => {
    const { results, timings } = await classifier.classify(photo(name), { topK: 5 });
    expect(results).toHaveLength(5);
    expect(results[0]).toMatchObject({ index, label });
    expect(results[0]!.score).toBeGreaterThanOrEqual(min);
    expect(timings.inferenceMs).toBeGreaterThan(0);
    expect(timings.totalMs).toBeGreaterThanOrEqual(timings.inferenceMs);
  });

  it('serialises concurrent calls on one interpreter and gives each its own answer', async () => {
    const [a, b, c] = await Promise.all([
      classifier.classify(photo('parrot.jpg')),
      classifier.classify(photo('cat.bmp')),
      classifier.classify(photo('parrot.jpg')),
    ]);
    expect([a!.results[0]!.index, b!.results[0]!.index, c!.results[0]!.index]).toEqual([89, 286, 89]);
  });

  it.each([
    ['empty', Buffer.alloc(0), 'IMAGE_INVALID', 'cannot decode the image: it is empty'],
    [
      'text',
      Buffer.from('hello, not an image'),
      'IMAGE_UNSUPPORTED',
      'cannot decode the image: unsupported format (use JPEG, PNG, WebP or BMP)',
    ],
    ['truncated JPEG', photo('parrot.jpg').subarray(0, 2000), 'IMAGE_INVALID', undefined],
    [
      'truncated BMP',
      photo('cat.bmp').subarray(0, 5000),
      'IMAGE_INVALID',
      'cannot decode the BMP image: pixel data is truncated (5000 bytes, 523914 needed)',
    ],
  ])('refuses a bad image (%s) with a clear error', async (_name, data, code, message) => {
    const error = await classifier.classify(data).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).code).toBe(code);
    if (message) expect((error as RuntimeError).message).toBe(message);
  });

  it('refuses a decompression bomb before decoding it', async () => {
    // A valid PNG header claiming 100000 x 100000 pixels.
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000186a0000186a00802000000', 'hex');
    const small = await openClassifier({ model: V2, labels: LABELS, maxPixels: 1_000_000 });
    try {
      const error = (await small.classify(png).catch((e: unknown) => e)) as RuntimeError;
      expect(error.code).toBe('IMAGE_TOO_LARGE');
    } finally {
      small.close();
    }
  });
});

describe('XNNPACK paths', () => {
  it('uses XNNPACK with the QS8 flag on the int8 model, and still classifies Grace Hopper', async () => {
    const c = await openClassifier({ model: fixture('models/tf2_mobilenet_v2_1.0_224_ptq.tflite'), labels: LABELS });
    try {
      expect(c.info.path).toBe('xnnpack(qs8)');
      const { results } = await c.classify(photo('grace_hopper.bmp'));
      expect(results[0]!.label).toBe('military uniform');
    } finally {
      c.close();
    }
  });
});

describe('errors', () => {
  it('names the CPU model when an Edge TPU model is run without an Edge TPU', async () => {
    const error = (await openClassifier(
      { model: fixture('models/mobilenet_v1_0.25_128_quant_edgetpu.tflite') },
      {},
    ).catch((e: unknown) => e)) as RuntimeError;
    expect(error.code).toBe('EDGETPU_UNAVAILABLE');
    expect(error.message).toMatch(
      /^cannot run model ".*mobilenet_v1_0.25_128_quant_edgetpu.tflite" on the CPU: it is compiled for the Edge TPU \(it holds "edgetpu-custom-op"\) and no Edge TPU is in use$/,
    );
    expect(error.hint).toBe(
      'use the CPU version of the model (e.g. "mobilenet_v1_0.25_128_quant.tflite"), or --delegate edgetpu with a Coral attached',
    );
  });

  it("checks arguments before native code, in sharp's style", async () => {
    const error = (await openClassifier({ model: V2, threads: -1 }).catch((e: unknown) => e)) as RuntimeError;
    expect(error.code).toBe('ARGUMENT_INVALID');
    expect(error.message).toBe('Expected integer between 1 and 64 for threads but received -1 of type number');
  });

  it('says when the model file is missing or not a model', async () => {
    expect(
      ((await openClassifier({ model: '/nonexistent.tflite' }).catch((e: unknown) => e)) as RuntimeError).message,
    ).toBe('cannot read model "/nonexistent.tflite": it does not exist');
    const e = (await openClassifier({ model: LABELS }).catch((x: unknown) => x)) as RuntimeError;
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toBe(`cannot load model "${LABELS}": no "TFL3" identifier at byte 4: not a TFLite flatbuffer`);
  });

  it('lists what it tried when no TFLite library loads', async () => {
    const { libraryCandidates } = await import('./library.js');
    const names = libraryCandidates('/x/lib.so', { COREFORGE_TFLITE_LIB: '/y/lib.so', SNAP: '/snap/app/1' }).map(
      (c) => `${c.source}=${c.path}`,
    );
    expect(names.slice(0, 3)).toEqual([
      'the tfliteLibrary option=/x/lib.so',
      '$COREFORGE_TFLITE_LIB=/y/lib.so',
      '$SNAP/lib=/snap/app/1/lib/libtensorflowlite_c.so',
    ]);
    expect(names[3]).toMatch(/^tfjs-tflite-node=.*cc_deps\/linux_amd64\/libtensorflowlite_c\.so$/);
  });
});
