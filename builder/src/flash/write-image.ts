// The mapped-range writer: streams the raw image through one large aligned buffer and writes only its mapped
// ranges (from the .bmap; without one, every byte), then fsyncs. It records the sha256
// of every run it wrote so the read-back can name the first bad offset, and hashes the whole stream.
import { createHash } from 'node:crypto';
import { BuilderError } from '../errors.js';
import type { FlashTarget } from './target.js';

export const SLAB_SIZE = 8 * 1024 * 1024;

/** Byte span [start, end) of the image. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A run that was written, with the sha256 of its bytes. */
export interface WrittenRun extends Span {
  readonly sha256: string;
}

export interface Progress {
  readonly phase: 'write' | 'verify';
  /** Bytes of the image consumed (write) or read back (verify). */
  readonly done: number;
  readonly total: number;
  readonly bytesWritten: number;
}

export interface WriteOptions {
  readonly imageSize: number;
  /** Mapped spans, sorted; undefined = the whole image. */
  readonly mapped?: readonly Span[];
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export interface WriteResult {
  readonly imageSize: number;
  readonly bytesWritten: number;
  /** sha256 of the whole image stream. */
  readonly sha256: string;
  readonly runs: readonly WrittenRun[];
}

/** The spans of one slab [offset, offset+length) to write. */
function slabRuns(slab: Buffer, offset: number, mapped: readonly Span[] | undefined, cursor: { i: number }): Span[] {
  const end = offset + slab.length;
  const runs: Span[] = [];
  const push = (start: number, stop: number) => {
    const last = runs.at(-1);
    if (last && last.end === start) runs[runs.length - 1] = { start: last.start, end: stop };
    else runs.push({ start, end: stop });
  };
  if (!mapped) return [{ start: offset, end }];
  while (cursor.i < mapped.length && mapped[cursor.i]!.end <= offset) cursor.i++;
  for (let i = cursor.i; i < mapped.length && mapped[i]!.start < end; i++)
    push(Math.max(mapped[i]!.start, offset), Math.min(mapped[i]!.end, end));
  return runs;
}

export async function writeImage(
  source: AsyncIterable<Uint8Array>,
  target: FlashTarget,
  o: WriteOptions,
): Promise<WriteResult> {
  const slab = await target.buffer(SLAB_SIZE);
  const whole = createHash('sha256');
  const runs: WrittenRun[] = [];
  const cursor = { i: 0 };
  let position = 0;
  let filled = 0;
  let bytesWritten = 0;
  const flush = async () => {
    const data = slab.subarray(0, filled);
    whole.update(data);
    for (const run of slabRuns(data, position, o.mapped, cursor)) {
      const bytes = data.subarray(run.start - position, run.end - position);
      await target.write(bytes, run.start);
      runs.push({ ...run, sha256: createHash('sha256').update(bytes).digest('hex') });
      bytesWritten += bytes.length;
    }
    position += filled;
    filled = 0;
    o.onProgress?.({ phase: 'write', done: position, total: o.imageSize, bytesWritten });
  };
  o.onProgress?.({ phase: 'write', done: 0, total: o.imageSize, bytesWritten: 0 });
  for await (const chunk of source) {
    o.signal?.throwIfAborted();
    let from = 0;
    while (from < chunk.length) {
      const n = Math.min(chunk.length - from, SLAB_SIZE - filled);
      slab.set(chunk.subarray(from, from + n), filled);
      filled += n;
      from += n;
      if (filled === SLAB_SIZE) await flush();
      if (position + filled > o.imageSize)
        throw new BuilderError(
          'FLASH_FAILED',
          `cannot flash the image: it is longer than the ${o.imageSize} bytes its block map or manifest says`,
          'rebuild the image: coreforge build',
        );
    }
  }
  if (filled > 0) await flush();
  if (position !== o.imageSize)
    throw new BuilderError(
      'FLASH_FAILED',
      `cannot flash the image: it ended after ${position} of ${o.imageSize} bytes`,
      'the image file is truncated or damaged: rebuild it (coreforge build)',
    );
  await target.sync();
  return { imageSize: position, bytesWritten, sha256: whole.digest('hex'), runs };
}
