// The stream this build assembles is judged by the real xz: `xz -t` (every block's CRC32, the index, the footer),
// `xz -dc` (the bytes), `xz --robot --list` (the block count and sizes the index names).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  onlyBlockOf,
  storedBlock,
  storedBlockSize,
  streamHeader,
  streamTail,
  varint,
  type XzBlock,
} from './xz-container.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-xz-container-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const xz = (args: string[], input: Uint8Array): Buffer => execFileSync('xz', args, { input, maxBuffer: 1 << 28 });
const streamOf = (blocks: XzBlock[]): Buffer =>
  Buffer.concat([streamHeader(), ...blocks.map((b) => b.bytes), streamTail(blocks)]);
const compressed = (data: Uint8Array): XzBlock => onlyBlockOf(xz(['-6', '--check=crc32', '-T1', '-c'], data));

describe('the .xz container', () => {
  it('writes multibyte integers as the format defines them', () => {
    expect([...varint(0)]).toEqual([0x00]);
    expect([...varint(0x7f)]).toEqual([0x7f]);
    expect([...varint(0x80)]).toEqual([0x80, 0x01]);
    expect([...varint(300)]).toEqual([0xac, 0x02]);
    expect([...varint(2 ** 40)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
  });

  it.each([1, 3, 65_535, 65_536, 65_537, 200_001])('stores %i bytes in a block xz reads back', (size) => {
    const data = randomBytes(size);
    const block = storedBlock(data);
    expect(storedBlockSize(size)).toBe(block.bytes.length);
    const stream = streamOf([block]);
    expect(() => xz(['-t'], stream)).not.toThrow();
    expect(xz(['-dc'], stream).equals(data)).toBe(true);
    // Stored: the data plus 3 bytes per 64 KiB chunk and a few bytes of header, padding and check.
    expect(stream.length - size).toBeLessThan(64 + 3 * Math.ceil(size / 65_536));
  });

  it('joins stored blocks and blocks xz compressed into one stream of many blocks', () => {
    const parts = [
      Buffer.from('coreforge '.repeat(50_000)),
      randomBytes(100_000),
      Buffer.alloc(300_000),
      randomBytes(7),
    ];
    const blocks = [compressed(parts[0]!), storedBlock(parts[1]!), compressed(parts[2]!), storedBlock(parts[3]!)];
    const stream = streamOf(blocks);
    expect(() => xz(['-t'], stream)).not.toThrow();
    expect(xz(['-dc'], stream).equals(Buffer.concat(parts))).toBe(true);
    const file = path.join(dir, 'joined.xz'); // xz --list reads files only
    writeFileSync(file, stream);
    const listed = execFileSync('xz', ['--robot', '--list', file], { encoding: 'utf8' });
    const totals = listed
      .split('\n')
      .find((l) => l.startsWith('totals'))!
      .split('\t');
    // totals: streams, blocks, compressed, uncompressed, ratio, checks
    expect(totals.slice(1, 5)).toEqual(['1', '4', String(stream.length), String(Buffer.concat(parts).length)]);
    expect(totals[6]).toBe('CRC32');
  });

  it('a flipped byte in a stored block fails its check', () => {
    const data = randomBytes(5000);
    const stream = streamOf([storedBlock(data)]);
    stream[12 + 3 + 100] = stream[12 + 3 + 100]! ^ 0x01; // past the block header and the first chunk's control bytes
    expect(() => xz(['-t'], stream)).toThrow();
  });

  it('takes the block out of a one-block stream, and refuses any other', () => {
    const data = Buffer.from('abc'.repeat(10_000));
    const block = compressed(data);
    expect(block.uncompressedSize).toBe(data.length);
    expect(() => onlyBlockOf(xz(['-6', '-c'], data))).toThrow(/check is not CRC32/);
    const twoBlocks = xz(['-6', '--check=crc32', '-T1', '--block-size=10000', '-c'], data);
    expect(() => onlyBlockOf(twoBlocks)).toThrow(/not exactly one block/);
    expect(() => onlyBlockOf(Buffer.from('not xz at all, not xz at all, not xz'))).toThrow(/no stream header/);
  });
});
