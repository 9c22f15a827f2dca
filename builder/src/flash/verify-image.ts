// Read-back verification: every written run is read from the target (O_DIRECT where possible, so the medium
// answers, not the page cache) and compared by sha256; the whole image's sha256 is recomputed from what was read
// (unwritten spans are the image's zeros) and compared with the expected one. On a mismatch the first bad byte
// is located against the image bytes.
import { createHash } from 'node:crypto';
import type { FlashTarget } from './target.js';
import { SLAB_SIZE, type Progress, type Span, type WrittenRun } from './write-image.js';

export interface VerifyOptions {
  readonly imageSize: number;
  readonly runs: readonly WrittenRun[];
  /** The sha256 the whole image must have (from the manifest, or the write pass); unknown = runs only. */
  readonly expectedSha256?: string;
  /** The image's bytes of a span, in order (any chunk sizes): used only to locate the first bad byte. */
  readonly imageBytes: (span: Span) => AsyncIterable<Uint8Array>;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export type VerifyResult =
  | { readonly ok: true; readonly sha256: string; readonly bytesRead: number }
  | { readonly ok: false; readonly firstBadOffset: number; readonly reason: string; readonly bytesRead: number };

const ZEROS = Buffer.alloc(SLAB_SIZE);

function hashZeros(hash: ReturnType<typeof createHash>, length: number): void {
  for (let left = length; left > 0; left -= SLAB_SIZE) hash.update(ZEROS.subarray(0, Math.min(left, SLAB_SIZE)));
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  // Compare in 64 KiB steps, then byte by byte inside the first step that differs.
  for (let o = 0; o < n; o += 65536) {
    const end = Math.min(o + 65536, n);
    if (a.subarray(o, end).equals(b.subarray(o, end))) continue;
    for (let i = o; i < end; i++) if (a[i] !== b[i]) return i;
  }
  return n;
}

export async function verifyImage(target: FlashTarget, o: VerifyOptions): Promise<VerifyResult> {
  const total = o.runs.reduce((n, r) => n + r.end - r.start, 0);
  const buffer = await target.buffer(SLAB_SIZE);
  const whole = createHash('sha256');
  let position = 0;
  let bytesRead = 0;
  o.onProgress?.({ phase: 'verify', done: 0, total, bytesWritten: 0 });
  for (const run of o.runs) {
    hashZeros(whole, run.start - position);
    const hash = createHash('sha256');
    for (let offset = run.start; offset < run.end; offset += SLAB_SIZE) {
      o.signal?.throwIfAborted();
      const want = Math.min(SLAB_SIZE, run.end - offset);
      const got = await target.read(buffer.subarray(0, want), offset);
      const data = buffer.subarray(0, got);
      hash.update(data);
      whole.update(data);
      bytesRead += got;
      o.onProgress?.({ phase: 'verify', done: bytesRead, total, bytesWritten: 0 });
      if (got < want) {
        return {
          ok: false,
          firstBadOffset: offset + got,
          reason: `the target ends at offset ${offset + got}, inside the image`,
          bytesRead,
        };
      }
    }
    if (hash.digest('hex') !== run.sha256) {
      const at = await locateDifference(target, run, o);
      return {
        ok: false,
        firstBadOffset: at,
        reason: `the bytes read back differ from the image at offset ${at} (0x${at.toString(16)})`,
        bytesRead,
      };
    }
    position = run.end;
  }
  hashZeros(whole, o.imageSize - position);
  const sha256 = whole.digest('hex');
  if (o.expectedSha256 !== undefined && sha256 !== o.expectedSha256) {
    // Every written run matched, so the difference is in a span that was not written: the map left out data.
    const at = await firstUnwrittenDifference(o);
    return {
      ok: false,
      firstBadOffset: at,
      reason: `the image holds data at offset ${at} that its block map leaves out (sha256 ${sha256}, expected ${o.expectedSha256})`,
      bytesRead,
    };
  }
  return { ok: true, sha256, bytesRead };
}

/** The first offset in `span` where the target differs from the image (one pass over both). */
async function locateDifference(target: FlashTarget, span: Span, o: VerifyOptions): Promise<number> {
  let offset = span.start;
  for await (const chunk of o.imageBytes(span)) {
    const expected = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const actual = Buffer.alloc(expected.length);
    const got = await target.read(actual, offset);
    const i = firstDifference(expected, actual.subarray(0, got));
    if (i < expected.length) return offset + i;
    offset += expected.length;
  }
  return span.end;
}

async function firstUnwrittenDifference(o: VerifyOptions): Promise<number> {
  let position = 0;
  const gaps: Span[] = [];
  for (const run of o.runs) {
    if (run.start > position) gaps.push({ start: position, end: run.start });
    position = run.end;
  }
  if (position < o.imageSize) gaps.push({ start: position, end: o.imageSize });
  for (const gap of gaps) {
    let offset = gap.start;
    for await (const bytes of o.imageBytes(gap)) {
      const i = bytes.findIndex((b) => b !== 0);
      if (i >= 0) return offset + i;
      offset += bytes.length;
    }
  }
  return 0;
}
