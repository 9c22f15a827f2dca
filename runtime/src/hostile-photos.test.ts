// Photos as users send them, and files as users name them, against the real decoder and TFLite: EXIF orientation,
// decode memory, special files, size caps and label indexes. The serve-level cases are in serve/hostile-photos.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../test/helpers/fixtures.js';
import { decodeBmp } from './bmp.js';
import { openClassifier } from './classifier.js';
import { classifyCommand } from './cli/classify-command.js';
import { DecodeBudget } from './decode-budget.js';
import { RuntimeError } from './errors.js';
import { decodeBytes } from './image.js';
import { parseLabels } from './labels.js';
import type { Classifier } from './types.js';

const MODEL = fixture('models/mobilenet_v2_1.0_224_quant.tflite');
const LABELS = fixture('models/imagenet_labels.txt');
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-photos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Grace Hopper stored turned 90 degrees clockwise, as a phone held sideways writes it; `tag` is its EXIF orientation. */
async function sideways(format: 'jpeg' | 'webp' | 'png', tag: number | undefined): Promise<Buffer> {
  const bmp = decodeBmp(readFileSync(fixture('images/grace_hopper.bmp')), 10_000_000);
  const turned = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 3 } }).rotate(90);
  const tagged = tag === undefined ? turned : turned.withMetadata({ orientation: tag });
  return format === 'jpeg'
    ? tagged.jpeg({ quality: 95 }).toBuffer()
    : format === 'webp'
      ? tagged.webp({ quality: 95 }).toBuffer()
      : tagged.png().toBuffer();
}

describe('EXIF orientation is applied before resizing', () => {
  let classifier: Classifier;
  beforeAll(async () => {
    classifier = await openClassifier({ model: MODEL, labels: LABELS });
  });
  afterAll(() => classifier.close());

  it('without the tag the sideways photo is not a uniform (so the next test can fail)', async () => {
    const { results } = await classifier.classify(await sideways('jpeg', undefined), { topK: 1 });
    expect(results[0]!.index).not.toBe(653);
  });

  it.each(['jpeg', 'webp', 'png'] as const)(
    'a %s tagged orientation 8 is classified as military uniform',
    async (format) => {
      const { results } = await classifier.classify(await sideways(format, 8), { topK: 1 });
      expect(results[0]).toMatchObject({ index: 653, label: 'military uniform' });
    },
  );
});

describe('decode memory', () => {
  it('estimates JPEG and WebP at their shrink-on-load size and the rest at full size', () => {
    expect(decodeBytes('webp', 7000, 7000, 224, 224)).toBe(Math.ceil(7000 / 31) ** 2 * 4);
    expect(decodeBytes('jpeg', 7000, 7000, 224, 224)).toBe(875 * 875 * 4);
    expect(decodeBytes('png', 7000, 7000, 224, 224)).toBe(7000 * 7000 * 4);
    expect(decodeBytes('jpeg', 100, 100, 224, 224)).toBe(100 * 100 * 4);
  });

  it('refuses a decode that would go over the budget while another runs, with IMAGE_BUSY', async () => {
    const budget = new DecodeBudget(100);
    let release!: () => void;
    const first = budget.run(80, () => new Promise<void>((r) => (release = r)));
    await expect(budget.run(30, async () => undefined)).rejects.toMatchObject({ code: 'IMAGE_BUSY' });
    expect(await budget.run(20, async () => 'fits')).toBe('fits');
    release();
    await first;
    expect(budget.inUse).toBe(0);
    // Alone, even an image over the budget is decoded: one at a time, it can always be served.
    expect(await budget.run(1000, async () => 'alone')).toBe('alone');
  });

  it('decodes a 7000x7000 WebP shrunk on load: the process grows by far less than its 196 MB of pixels', async () => {
    const webp = await sharp({
      create: { width: 7000, height: 7000, channels: 3, background: { r: 90, g: 120, b: 60 } },
    })
      .webp()
      .toBuffer();
    const classifier = await openClassifier({ model: MODEL, labels: LABELS });
    try {
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
      await Promise.all([1, 2, 3, 4].map(() => classifier.classify(webp, { topK: 1 })));
      clearInterval(timer);
      expect((peak - before) / 2 ** 20).toBeLessThan(100);
    } finally {
      classifier.close();
    }
  });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {} } };
}

describe('classify reads regular files only, with size caps', () => {
  it.each([
    ['-i', 'fifo', 'cannot read image "<fifo>": it is a named pipe, not a regular file'],
    ['-i', '/dev/zero', 'cannot read image "/dev/zero": it is a character device, not a regular file'],
    ['-m', '/dev/zero', 'cannot read model "/dev/zero": it is a character device, not a regular file'],
    ['-l', '/dev/zero', 'cannot read labels file "/dev/zero": it is a character device, not a regular file'],
    ['-m', 'dir', 'cannot read model "<dir>": it is a folder, not a regular file'],
  ])('%s %s fails at once', async (flag, what, message) => {
    const fifo = path.join(dir, `fifo-${flag.slice(1)}`);
    if (what === 'fifo') execFileSync('mkfifo', [fifo]);
    const file = what === 'fifo' ? fifo : what === 'dir' ? dir : what;
    const args = { '-i': fixture('images/grace_hopper.bmp'), '-m': MODEL, '-l': LABELS, [flag]: file };
    const t = io();
    const started = Date.now();
    const code = await classifyCommand(Object.entries(args).flat(), t.io);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(code).toBe(1);
    expect(t.err.join('\n')).toContain(message.replace('<fifo>', fifo).replace('<dir>', dir));
  });

  it('refuses a model over the size cap before reading it', async () => {
    const big = path.join(dir, 'big.tflite');
    execFileSync('truncate', ['-s', String(1024 * 1024 * 1024 + 1), big]);
    const t = io();
    expect(await classifyCommand(['-i', fixture('images/grace_hopper.bmp'), '-m', big], t.io)).toBe(1);
    expect(t.err.join('\n')).toContain(
      `cannot read model "${big}": it is 1073741825 bytes, more than the limit of 1073741824`,
    );
    rmSync(big);
  });
});

describe('label indexes are bounded by the model', () => {
  it('refuses "100000000:x" (13 bytes) without allocating its 100 million slots', async () => {
    const labels = path.join(dir, 'huge-index.txt');
    writeFileSync(labels, '100000000:x\n');
    const t = io();
    const before = process.memoryUsage().rss;
    expect(await classifyCommand(['-i', fixture('images/grace_hopper.bmp'), '-m', MODEL, '-l', labels], t.io)).toBe(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
    expect(t.err.join('\n')).toContain(
      `cannot read labels file "${labels}": line 1 has index 100000000, the model has 1001 classes (0 to 1000)`,
    );
  });

  it('checks against the class count, and against a hard cap before it is known', () => {
    expect(parseLabels('0:a\n1000:b\n', 1001)).toHaveLength(1001);
    expect(() => parseLabels('0:a\n1001:b\n', 1001)).toThrow(RuntimeError);
    expect(() => parseLabels('2000000:x\n')).toThrow(/line 1 has index 2000000, the limit is 1000000$/);
  });
});
