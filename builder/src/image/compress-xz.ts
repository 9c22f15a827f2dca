// An image to .xz, block by block: each run of bytes goes the way that pays for it. Bytes that compress (file system
// metadata, binaries, zeros) go through the xz tool, one block each, several at once; bytes that do not (the
// squashfs snaps, already xz inside) are stored in the stream as they are, since xz -6 crawls through them at
// ~2.4 MB/s a core and makes them bigger. Runs of zeros of one length are compressed once. The stream is written
// to `outFile` in order; the caller moves it to its final name.
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { deflateRawSync } from 'node:zlib';
import pLimit from 'p-limit';
import type { Run } from '../tools/run.js';
import { onlyBlockOf, storedBlock, storedBlockSize, streamHeader, streamTail, type XzBlock } from './xz-container.js';

/** The unit each byte is judged in. */
const PIECE = 1 << 20;
/** The most bytes one block holds: what xz -6 -T0 uses itself (three times its 8 MiB dictionary). */
const SEGMENT = 24 << 20;
/** A piece is stored when deflate (level 1) cannot bring samples of it under this share of their size. */
const STORE_ABOVE = 0.95;
/** Three samples a piece (start, middle, end): deflate runs at ~31 MB/s on such bytes here, too slow for all. */
const SAMPLE = 64 * 1024;
const XZ_PRESET = '-6';
/** xz processes at once (each holds its segment, its output, and ~94 MiB of encoder state at -6). */
const JOBS = Math.min(availableParallelism(), 8);
/** Zeros: -0 writes the same 3.8 KB for 24 MiB as -6, in 0.26 s instead of 0.64 s. */
const XZ_PRESET_ZEROS = '-0';

type Kind = 'zero' | 'compress' | 'store';

/** What the image's bytes were, for the build's progress line. */
export interface XzImageReport {
  readonly imageBytes: number;
  readonly storedBytes: number;
  readonly zeroBytes: number;
  readonly compressedBytes: number;
  readonly xzBytes: number;
}

const ZEROS = Buffer.alloc(PIECE);
const isZero = (b: Buffer): boolean => b.equals(ZEROS.subarray(0, b.length));

function kindOf(piece: Buffer): Kind {
  if (isZero(piece)) return 'zero';
  const samples =
    piece.length <= 3 * SAMPLE
      ? [piece]
      : [0, (piece.length - SAMPLE) >> 1, piece.length - SAMPLE].map((at) => piece.subarray(at, at + SAMPLE));
  // Stored only if no sample compresses: a piece where a snap ends and zeros or metadata follow is compressed.
  return samples.every((b) => deflateRawSync(b, { level: 1 }).length > STORE_ABOVE * b.length) ? 'store' : 'compress';
}

/** Runs of one kind, at most SEGMENT bytes, in the image's order. */
async function* segments(image: string): AsyncGenerator<{ kind: Kind; data: Buffer }> {
  const fh = await open(image, 'r');
  try {
    let kind: Kind | undefined;
    let parts: Buffer[] = [];
    let size = 0;
    for (;;) {
      const piece = Buffer.allocUnsafe(PIECE);
      const { bytesRead } = await fh.read(piece, 0, PIECE, null);
      if (bytesRead === 0) break;
      const p = piece.subarray(0, bytesRead);
      const k = kindOf(p);
      if (kind !== undefined && (k !== kind || size + p.length > SEGMENT)) {
        yield { kind, data: Buffer.concat(parts, size) };
        parts = [];
        size = 0;
      }
      kind = k;
      parts.push(p);
      size += p.length;
    }
    if (kind !== undefined) yield { kind, data: Buffer.concat(parts, size) };
  } finally {
    await fh.close();
  }
}

export async function compressImageXz(
  run: Run,
  image: string,
  outFile: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<XzImageReport> {
  const limit = pLimit(JOBS);
  const zeroBlocks = new Map<number, Promise<XzBlock>>();
  const xz = async (data: Buffer, preset = XZ_PRESET): Promise<XzBlock> => {
    const r = await run('xz', [preset, '--check=crc32', '-T1', '-c'], {
      input: data,
      binary: true,
      signal: options.signal,
    });
    const block = onlyBlockOf(r.stdoutBuffer ?? new Uint8Array());
    if (block.uncompressedSize !== data.length)
      throw new Error(`xz compressed ${block.uncompressedSize} of ${data.length} bytes`);
    // Never bigger than storing them.
    return block.bytes.length <= storedBlockSize(data.length) ? block : storedBlock(data);
  };
  const blockOf = (kind: Kind, data: Buffer): Promise<XzBlock> => {
    if (kind === 'store') return Promise.resolve(storedBlock(data));
    if (kind === 'compress') return limit(() => xz(data));
    let zero = zeroBlocks.get(data.length);
    if (!zero) zeroBlocks.set(data.length, (zero = limit(() => xz(data, XZ_PRESET_ZEROS))));
    return zero;
  };

  const out = await open(outFile, 'wx', 0o644);
  const records: Omit<XzBlock, 'bytes'>[] = [];
  const report = { imageBytes: 0, storedBytes: 0, zeroBytes: 0, compressedBytes: 0, xzBytes: 0 };
  let position = 0;
  const write = async (b: Buffer): Promise<void> => {
    await out.write(b, 0, b.length, position);
    position += b.length;
  };
  // Blocks are made ahead (up to a few segments in memory) and written in order.
  const pending: Promise<XzBlock>[] = [];
  const writeOldest = async (): Promise<void> => {
    const block = await (pending.shift() as Promise<XzBlock>);
    await write(block.bytes);
    records.push({ unpaddedSize: block.unpaddedSize, uncompressedSize: block.uncompressedSize });
  };
  try {
    await write(streamHeader());
    for await (const { kind, data } of segments(image)) {
      options.signal?.throwIfAborted();
      const made = blockOf(kind, data);
      made.catch(() => undefined); // awaited in order below; not an unhandled rejection meanwhile
      pending.push(made);
      report.imageBytes += data.length;
      if (kind === 'store') report.storedBytes += data.length;
      else if (kind === 'zero') report.zeroBytes += data.length;
      else report.compressedBytes += data.length;
      while (pending.length > JOBS + 1) await writeOldest();
    }
    while (pending.length > 0) await writeOldest();
    await write(streamTail(records));
    await out.sync();
  } finally {
    await out.close();
  }
  report.xzBytes = position;
  return report;
}
