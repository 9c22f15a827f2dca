// The addon's inference thread (runtime/native/infer_thread.*), through the addon's own functions, against the real
// TFLite 2.9 library and a real fixture model: queueing, errors, destroy, the event loop and the process lifetime.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../test/helpers/fixtures.js';
import { imageToRgb } from './image.js';
import { loadTfliteLibrary } from './library.js';
import { nativeAddon, type NativeInterpreter } from './native.js';
import { encodeInput } from './tensors.js';

const MODEL = fixture('models/mobilenet_v1_0.25_128_quant.tflite');
const photo = (name: string) => readFileSync(fixture(`images/${name}`));
const open = () => nativeAddon().createInterpreter(readFileSync(MODEL), { threads: 1, xnnpackFlags: -1 });
const invoke = (i: NativeInterpreter, input: Buffer) => nativeAddon().invoke(i.handle, input);

describe('the inference thread', () => {
  let interpreter: NativeInterpreter;
  let hopper: Buffer;
  let cat: Buffer;
  beforeAll(async () => {
    loadTfliteLibrary();
    interpreter = open();
    const input = interpreter.inputs[0]!;
    const [, h, w] = input.shape as [number, number, number, number];
    hopper = encodeInput(await imageToRgb(photo('grace_hopper.bmp'), w, h), input);
    cat = encodeInput(await imageToRgb(photo('cat.bmp'), w, h), input);
  });
  afterAll(() => nativeAddon().destroy(interpreter.handle));

  it('queues concurrent calls on one interpreter and gives each its own output, equal to a lone call', async () => {
    const alone = { hopper: (await invoke(interpreter, hopper)).output, cat: (await invoke(interpreter, cat)).output };
    expect(alone.hopper.equals(alone.cat)).toBe(false);
    const inputs = [hopper, cat, hopper, cat, hopper, cat, hopper, cat];
    const results = await Promise.all(inputs.map((input) => invoke(interpreter, input)));
    results.forEach((r, i) => {
      expect(r.output.equals(inputs[i] === hopper ? alone.hopper : alone.cat)).toBe(true);
      expect(r.output).toHaveLength(interpreter.outputs[0]!.bytes);
      expect(r.ms).toBeGreaterThan(0);
    });
    expect(new Set(results.map((r) => r.output)).size).toBe(inputs.length);
  });

  it('rejects an input of the wrong size with the native code and message as separate fields, and goes on', async () => {
    const error = await invoke(interpreter, Buffer.alloc(3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      code: 'INFERENCE_FAILED',
      message: `input has 3 bytes, the model expects ${interpreter.inputs[0]!.bytes}`,
    });
    expect((await invoke(interpreter, hopper)).output).toHaveLength(interpreter.outputs[0]!.bytes);
  });

  it('finishes the calls queued before destroy, and refuses calls after it with CLOSED', async () => {
    const other = open();
    const queued = [invoke(other, hopper), invoke(other, cat), invoke(other, hopper)];
    nativeAddon().destroy(other.handle);
    const results = await Promise.all(queued);
    expect(results.map((r) => r.output.length)).toEqual([1001, 1001, 1001]);
    const error = await Promise.resolve()
      .then(() => invoke(other, hopper))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CLOSED', message: 'the interpreter is closed' });
  });

  it('runs a call inline once warm and below inlineBelowMs, with the output a threaded call gives', async () => {
    // A bound far above this model's Invoke, so the choice does not depend on the machine's speed.
    const fast = nativeAddon().createInterpreter(readFileSync(MODEL), {
      threads: 1,
      xnnpackFlags: -1,
      inlineBelowMs: 10_000,
    });
    try {
      const threaded = await invoke(interpreter, hopper);
      const warmUp = [await invoke(fast, hopper), await invoke(fast, cat), await invoke(fast, hopper)];
      expect(warmUp.map((r) => r.inline)).toEqual([false, false, false]);
      // Inline: settled before Submit returns, so it resolves ahead of a timer and of the next loop turn.
      let turned = false;
      setImmediate(() => (turned = true));
      const inline = await invoke(fast, hopper);
      expect(turned).toBe(false);
      expect(inline.inline).toBe(true);
      expect(inline.ms).toBeGreaterThan(0);
      expect(inline.output.equals(threaded.output)).toBe(true);
      expect(inline.output.equals(warmUp[1]!.output)).toBe(false);
      // Concurrent calls each get their own output, as queued ones do.
      const inputs = [cat, hopper, cat, hopper];
      const results = await Promise.all(inputs.map((input) => invoke(fast, input)));
      results.forEach((r, i) =>
        expect(r.output.equals(inputs[i] === hopper ? inline.output : warmUp[1]!.output)).toBe(true),
      );
      expect(results.every((r) => r.inline)).toBe(true);
      expect(new Set(results.map((r) => r.output)).size).toBe(inputs.length);
      // An inline failure rejects with the native code and message, like a threaded one, and the next call goes on.
      const error = await invoke(fast, Buffer.alloc(3)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INFERENCE_FAILED', message: expect.stringMatching(/^input has 3 bytes/) });
      expect((await invoke(fast, cat)).output.equals(warmUp[1]!.output)).toBe(true);
    } finally {
      nativeAddon().destroy(fast.handle);
    }
    await expect(Promise.resolve().then(() => invoke(fast, hopper))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('never runs a call inline when the recent Invokes take longer than inlineBelowMs, or when it is absent', async () => {
    const slow = nativeAddon().createInterpreter(readFileSync(MODEL), {
      threads: 1,
      xnnpackFlags: -1,
      inlineBelowMs: 0.000_001, // no Invoke is this fast
    });
    try {
      const results = [];
      for (let i = 0; i < 6; i++) results.push(await invoke(slow, hopper), await invoke(interpreter, cat));
      expect(results.map((r) => r.inline)).toEqual(Array(12).fill(false));
    } finally {
      nativeAddon().destroy(slow.handle);
    }
  });

  it('keeps the JS thread free while a model runs: the event loop turns during the call', async () => {
    const big = nativeAddon().createInterpreter(readFileSync(fixture('models/mobilenet_v2_1.0_224_quant.tflite')), {
      threads: 1,
      xnnpackFlags: -1,
    });
    try {
      const input = Buffer.alloc(big.inputs[0]!.bytes, 128);
      await invoke(big, input); // a first call, then two watched ones
      for (let round = 0; round < 2; round++) {
        let turns = 0;
        let running = true;
        const turn = () => {
          if (!running) return;
          turns++;
          setImmediate(turn);
        };
        setImmediate(turn);
        await invoke(big, input);
        running = false;
        expect(turns).toBeGreaterThan(0);
      }
    } finally {
      nativeAddon().destroy(big.handle);
    }
  });
});

describe('the process lifetime', () => {
  const script = fileURLToPath(new URL('../test-support/unclosed-classifier.mjs', import.meta.url));

  it('a call in flight keeps the process alive until it settles; an open, idle classifier does not', async () => {
    // The child classifies without awaiting it at the top level (only the inference keeps its loop alive) and never
    // closes the classifier: it must print the label, then exit by itself.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [script, MODEL, fixture('images/grace_hopper.bmp'), fixture('models/imagenet_labels.txt')],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, COREFORGE_TFLITE_LIB: '' } },
    );
    expect(stdout.trim()).toBe("academic gown, academic robe, judge's robe"); // index 401, as in generations.test.ts
  }, 150_000);
});
