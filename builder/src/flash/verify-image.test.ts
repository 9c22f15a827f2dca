// The writer and the read-back against real files: a card that silently drops writes past its real capacity
// (a "fake-capacity" card), a target cut short, a flipped byte; verification must name the first bad offset.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTarget, type FlashTarget } from './target.js';
import { verifyImage } from './verify-image.js';
import { SLAB_SIZE, writeImage, type Span } from './write-image.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MIB = 1024 * 1024;
// 20 MiB: data, a 6 MiB hole, data across a slab boundary, zeros, an odd-sized data tail.
const image = Buffer.alloc(20 * MIB + 1000);
randomBytes(3 * MIB).copy(image, 0);
randomBytes(5 * MIB).copy(image, 9 * MIB);
randomBytes(1000).copy(image, 20 * MIB);
// A card that loses a byte reads it back as 0, so each byte a test expects to be the first bad one is non-zero:
// a random 0 there (1 in 256) read as written and failed the test (20 MiB: the block map; CAPACITY: the fake card).
const CAPACITY = 10 * MIB + 12345;
for (const at of [20 * MIB, CAPACITY]) image[at] = image[at]! | 1;
const sha = createHash('sha256').update(image).digest('hex');
const mapped = [
  { start: 0, end: 3 * MIB },
  { start: 9 * MIB, end: 14 * MIB },
  { start: 20 * MIB, end: image.length },
];

async function* chunks(data: Buffer, size = 1234567): AsyncIterable<Uint8Array> {
  for (let o = 0; o < data.length; o += size) yield data.subarray(o, o + size);
}
const imageBytes = (span: Span) => chunks(image.subarray(span.start, span.end));

function emptyTarget(name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, '');
  truncateSync(file, image.length);
  return file;
}

/** A card that reports success for every write but keeps nothing past `capacity` bytes. */
function fakeCapacity(inner: FlashTarget, capacity: number): FlashTarget {
  return {
    ...inner,
    buffer: (n) => inner.buffer(n),
    read: (b, o) => inner.read(b, o),
    sync: () => inner.sync(),
    close: () => inner.close(),
    write: async (data, offset) => {
      if (offset + data.length <= capacity) return inner.write(data, offset);
      if (offset < capacity) return inner.write(Buffer.from(data.subarray(0, capacity - offset)), offset);
    },
  };
}

describe('write + verify', () => {
  it('writes only the mapped spans, bytes identical, and the read-back matches the image sha256', async () => {
    const file = emptyTarget('good.img');
    const target = await openTarget(file, 'file');
    try {
      const w = await writeImage(chunks(image), target, { imageSize: image.length, mapped });
      expect(w.sha256).toBe(sha);
      expect(w.bytesWritten).toBe(8 * MIB + 1000);
      expect(w.runs.every((r) => r.end - r.start <= SLAB_SIZE)).toBe(true);
      const v = await verifyImage(target, { imageSize: image.length, runs: w.runs, expectedSha256: sha, imageBytes });
      expect(v).toEqual({ ok: true, sha256: sha, bytesRead: 8 * MIB + 1000 });
    } finally {
      await target.close();
    }
    expect(readFileSync(file).equals(image)).toBe(true);
  });

  it('without a map, writes every byte', async () => {
    const file = emptyTarget('all.img');
    writeFileSync(file, Buffer.alloc(image.length, 0xee));
    const target = await openTarget(file, 'file');
    try {
      const w = await writeImage(chunks(image), target, { imageSize: image.length });
      expect(w.bytesWritten).toBe(image.length);
      expect(
        (await verifyImage(target, { imageSize: image.length, runs: w.runs, expectedSha256: sha, imageBytes })).ok,
      ).toBe(true);
    } finally {
      await target.close();
    }
    expect(readFileSync(file).equals(image)).toBe(true);
  });

  it('catches a card that drops writes past its real capacity, at the first lost byte', async () => {
    const file = emptyTarget('fake.img');
    const real = await openTarget(file, 'file');
    const target = fakeCapacity(real, CAPACITY);
    try {
      const w = await writeImage(chunks(image), target, { imageSize: image.length });
      const v = await verifyImage(target, { imageSize: image.length, runs: w.runs, expectedSha256: sha, imageBytes });
      expect(v).toMatchObject({ ok: false, firstBadOffset: CAPACITY });
      if (!v.ok)
        expect(v.reason).toBe(
          `the bytes read back differ from the image at offset ${CAPACITY} (0x${CAPACITY.toString(16)})`,
        );
    } finally {
      await real.close();
    }
  });

  it('catches a target cut short after the write', async () => {
    const file = emptyTarget('short.img');
    const target = await openTarget(file, 'file');
    try {
      const w = await writeImage(chunks(image), target, { imageSize: image.length });
      truncateSync(file, 12 * MIB);
      const v = await verifyImage(target, { imageSize: image.length, runs: w.runs, expectedSha256: sha, imageBytes });
      expect(v).toMatchObject({
        ok: false,
        firstBadOffset: 12 * MIB,
        reason: `the target ends at offset ${12 * MIB}, inside the image`,
      });
    } finally {
      await target.close();
    }
  });

  it('names the exact offset of one flipped byte', async () => {
    const file = emptyTarget('flip.img');
    const target = await openTarget(file, 'file');
    try {
      const w = await writeImage(chunks(image), target, { imageSize: image.length });
      const at = 9 * MIB + 777;
      await target.write(Buffer.from([image[at]! ^ 0xff]), at);
      const v = await verifyImage(target, { imageSize: image.length, runs: w.runs, expectedSha256: sha, imageBytes });
      expect(v).toMatchObject({ ok: false, firstBadOffset: at });
    } finally {
      await target.close();
    }
  });

  it('with a block map that leaves out data, the whole-image sha256 catches it', async () => {
    const file = emptyTarget('map.img');
    const target = await openTarget(file, 'file');
    try {
      const w = await writeImage(chunks(image), target, { imageSize: image.length, mapped: mapped.slice(0, 2) }); // forgets the tail
      expect(w.bytesWritten).toBe(8 * MIB);
      const v = await verifyImage(target, { imageSize: image.length, runs: w.runs, expectedSha256: sha, imageBytes });
      expect(v).toMatchObject({ ok: false, firstBadOffset: 20 * MIB });
    } finally {
      await target.close();
    }
  });

  it('refuses an image stream shorter or longer than its size', async () => {
    const target = await openTarget(emptyTarget('len.img'), 'file');
    try {
      await expect(writeImage(chunks(image.subarray(0, 5 * MIB)), target, { imageSize: image.length })).rejects.toThrow(
        `cannot flash the image: it ended after ${5 * MIB} of ${image.length} bytes`,
      );
      await expect(writeImage(chunks(image), target, { imageSize: 4 * MIB })).rejects.toThrow(
        `cannot flash the image: it is longer than the ${4 * MIB} bytes its block map or manifest says`,
      );
    } finally {
      await target.close();
    }
  });
});
