// An image of the kinds of bytes a real one holds (already-compressed snap data, file system metadata and text,
// long runs of zeros, an odd-sized tail), compressed and read back by the real xz.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../tools/run.js';
import { compressImageXz } from './compress-xz.js';

const MIB = 1 << 20;
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-xz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const snapLike = execFileSync('xz', ['-1', '-c'], {
  input: randomBytes(6 * MIB).toString('base64'),
  maxBuffer: 1 << 28,
});
const text = Buffer.from(Array.from({ length: 120_000 }, (_, i) => `line ${i}: a file system's metadata\n`).join(''));
const image = Buffer.concat([text, Buffer.alloc(60 * MIB), snapLike, Buffer.alloc(3 * MIB), text.subarray(0, 12_345)]);
const imageFile = path.join(dir, 'test.img');
writeFileSync(imageFile, image);

describe('compressImageXz', () => {
  it('writes one .xz stream that xz reads back byte for byte, storing what does not compress', async () => {
    const out = path.join(dir, 'test.img.xz');
    const report = await compressImageXz(run, imageFile, out);
    expect(() => execFileSync('xz', ['-t', out])).not.toThrow();
    expect(execFileSync('xz', ['-dc', out], { maxBuffer: 1 << 28 }).equals(image)).toBe(true);
    const totals = execFileSync('xz', ['--robot', '--list', out], { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.startsWith('totals'))!
      .split('\t');
    expect(totals[1]).toBe('1'); // one stream
    expect(Number(totals[2])).toBeGreaterThan(3); // 60 MiB of zeros alone is three blocks
    expect(Number(totals[4])).toBe(image.length);
    expect(report.imageBytes).toBe(image.length);
    expect(report.storedBytes + report.zeroBytes + report.compressedBytes).toBe(image.length);
    // The already-compressed bytes (whole MiB pieces of them) are stored; the zeros and the text are compressed.
    expect(report.storedBytes).toBeGreaterThanOrEqual(snapLike.length - 2 * MIB);
    expect(report.storedBytes).toBeLessThanOrEqual(snapLike.length + 2 * MIB);
    expect(report.zeroBytes).toBeGreaterThanOrEqual(60 * MIB);
    expect(report.xzBytes).toBe(readFileSync(out).length);
    // About as small as xz -6 of the whole image (which cannot shrink the snap-like bytes either).
    const whole = execFileSync('xz', ['-6', '-T0', '-c', imageFile], { maxBuffer: 1 << 28 }).length;
    expect(report.xzBytes).toBeLessThan(whole * 1.02 + 4096);
  });

  it('refuses to overwrite an existing file', async () => {
    const out = path.join(dir, 'exists.img.xz');
    writeFileSync(out, 'keep me');
    await expect(compressImageXz(run, imageFile, out)).rejects.toThrow(/EEXIST/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
  });

  it('stops when aborted', async () => {
    const out = path.join(dir, 'aborted.img.xz');
    const controller = new AbortController();
    controller.abort();
    await expect(compressImageXz(run, imageFile, out, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});
