// The Edge TPU path, through a TEST DOUBLE of libedgetpu built here with gcc (no Coral on these machines).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixture } from '../../test/helpers/fixtures.js';
import { openClassifier } from './classifier.js';
import { checkEdgetpuCompatible, listEdgetpuDevices } from './edgetpu.js';
import { RuntimeError } from './errors.js';

const CACHE = fileURLToPath(new URL('../../test/.cache/edgetpu-testdouble', import.meta.url));
const LIB = path.join(CACHE, 'libedgetpu-testdouble.so.1');
const LOG = path.join(CACHE, 'calls.log');
const CPU = fixture('models/mobilenet_v2_1.0_224_quant.tflite');
const TPU = fixture('models/mobilenet_v1_0.25_128_quant_edgetpu.tflite');

beforeAll(() => {
  mkdirSync(CACHE, { recursive: true });
  const include = (createRequire(import.meta.url)('../scripts/paths.cjs') as { includeDir(): string }).includeDir();
  const src = fileURLToPath(new URL('../test-support/edgetpu-testdouble.c', import.meta.url));
  const gcc = spawnSync('gcc', ['-shared', '-fPIC', '-O1', '-I', include, '-o', LIB, src], { encoding: 'utf8' });
  if (gcc.status !== 0) throw new Error(`cannot build the libedgetpu test double: ${gcc.stderr}`);
});
beforeEach(() => rmSync(LOG, { force: true }));

// The runtime's own environment (library lookup); the test double reads its switches from process.env.
const env = (_device: 'none' | 'present') => ({ COREFORGE_EDGETPU_LIB: LIB });
const calls = () => (existsSync(LOG) ? readFileSync(LOG, 'utf8').trim().split('\n') : []);
process.env.EDGETPU_TESTDOUBLE_LOG = LOG;

describe('Edge TPU delegate (test double)', () => {
  it('passes the device option and turns a NULL delegate into a clear error', async () => {
    process.env.EDGETPU_TESTDOUBLE_DEVICE = 'none';
    const e = (await openClassifier({ model: TPU, delegate: 'edgetpu', device: 'usb:0' }, env('none')).catch(
      (x: unknown) => x,
    )) as RuntimeError;
    expect(e.code).toBe('EDGETPU_UNAVAILABLE');
    expect(e.message).toBe('cannot use the Edge TPU: no Edge TPU device found for device "usb:0"');
    // The addon's code is a field of its error, apart from the message (nothing parses it out of the text).
    expect(e.cause).toMatchObject({
      code: 'EDGETPU_UNAVAILABLE',
      message: 'no Edge TPU device found for device "usb:0"',
    });
    expect(calls()).toEqual(['option device=usb:0', 'create -> NULL']);
  });

  it('uses the delegate it returns, and reports the path', async () => {
    process.env.EDGETPU_TESTDOUBLE_DEVICE = 'present';
    const c = await openClassifier(
      { model: CPU, labels: fixture('models/imagenet_labels.txt'), delegate: 'edgetpu', device: 'usb' },
      env('present'),
    );
    try {
      expect(c.info.path).toBe('edgetpu(usb)');
      const { results } = await c.classify(readFileSync(fixture('images/grace_hopper.bmp')));
      expect(results[0]!.index).toBe(653);
    } finally {
      c.close();
    }
    expect(calls()).toEqual(['option device=usb', 'create -> delegate', 'destroy']);
  });

  it('auto: falls back to the CPU model when no device answers', async () => {
    process.env.EDGETPU_TESTDOUBLE_DEVICE = 'none';
    const c = await openClassifier(
      { model: fixture('models/mobilenet_v1_0.25_128_quant.tflite'), edgetpuModel: TPU, delegate: 'auto' },
      env('none'),
    );
    try {
      expect(c.info.modelFile).toBe(fixture('models/mobilenet_v1_0.25_128_quant.tflite'));
      expect(c.info.path).not.toMatch(/^edgetpu/);
    } finally {
      c.close();
    }
    expect(calls()).toEqual(['list devices']);
  });

  it('lists the devices libedgetpu sees', () => {
    process.env.EDGETPU_TESTDOUBLE_DEVICE = 'present';
    expect(listEdgetpuDevices(env('present'))).toEqual([{ type: 'usb', path: '/sys/bus/usb/devices/2-1' }]);
    process.env.EDGETPU_TESTDOUBLE_DEVICE = 'none';
    expect(listEdgetpuDevices(env('none'))).toEqual([]);
    expect(listEdgetpuDevices({})).toBeUndefined();
  });

  it('says when libedgetpu is missing', async () => {
    const e = (await openClassifier({ model: TPU, delegate: 'edgetpu' }, {}).catch((x: unknown) => x)) as RuntimeError;
    expect(e.code).toBe('EDGETPU_UNAVAILABLE');
    expect(e.message).toBe('cannot use the Edge TPU: libedgetpu.so.1 was not found');
  });

  it('refuses TFLite versions libedgetpu 16.0 is known to crash with', () => {
    expect(() => checkEdgetpuCompatible('2.9.0')).not.toThrow();
    expect(() => checkEdgetpuCompatible('2.11.1')).not.toThrow();
    expect(() => checkEdgetpuCompatible('2.12.0')).toThrow(
      'cannot use the Edge TPU with TFLite 2.12.0: libedgetpu 16.0 is built against TFLite 2.5 and crashes with 2.12 or newer',
    );
  });
});
