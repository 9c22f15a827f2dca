// coreforge flash, the library side: write a resolved image to a resolved target with bmaptool or our own
// mapped-range writer, then read it back and verify. For a file target the image is written to a temp file
// beside it and renamed only once verified (an interrupted flash leaves no half file under the final name).
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BuilderError } from '../errors.js';
import { bmaptoolCopyArgs, parseBmaptoolProgress } from '../tools/bmaptool.js';
import type { Run, RunStream } from '../tools/run.js';
import { mappedBytes, rangeBytes } from './bmap.js';
import { imageSpan, openImage, type ImageSource } from './image-source.js';
import type { ResolvedTarget } from './select-target.js';
import { openTarget } from './target.js';
import { verifyImage, type VerifyResult } from './verify-image.js';
import { writeImage, type Progress, type WrittenRun } from './write-image.js';

export const WRITERS = ['auto', 'bmaptool', 'builtin'] as const;
export type Writer = (typeof WRITERS)[number];

export interface FlashRequest {
  readonly source: ImageSource;
  readonly target: ResolvedTarget;
  readonly writer: Writer;
  /** Whether bmaptool is on PATH (for writer "auto"). */
  readonly bmaptoolAvailable: boolean;
  readonly verify: boolean;
  readonly run: Run;
  readonly runStream: RunStream;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface FlashResult {
  readonly image: string;
  readonly target: string;
  readonly writer: 'bmaptool' | 'builtin';
  readonly direct: boolean;
  readonly imageSize: number;
  readonly bytesWritten: number;
  /** bytesWritten / imageSize */
  readonly writtenRatio: number;
  readonly sha256: string;
  readonly verified: boolean;
  readonly bytesVerified: number;
  readonly writeSeconds: number;
  readonly verifySeconds: number;
}

function chooseWriter(r: FlashRequest): 'bmaptool' | 'builtin' {
  if (r.writer === 'bmaptool') {
    if (!r.source.bmapFile)
      throw new BuilderError(
        'INPUT_INVALID',
        `cannot flash with bmaptool: "${r.source.file}" has no block map (.bmap) beside it`,
        'rebuild the image (coreforge build writes one), or use --writer builtin',
      );
    if (!r.bmaptoolAvailable)
      throw new BuilderError(
        'TOOL_NOT_FOUND',
        'cannot flash with bmaptool: command not found',
        'sudo apt-get install bmap-tools (or use --writer builtin)',
      );
    return 'bmaptool';
  }
  if (r.writer === 'auto' && r.source.bmapFile && r.bmaptoolAvailable) return 'bmaptool';
  return 'builtin';
}

async function createSparse(file: string, size: number): Promise<void> {
  const handle = await open(file, 'w', 0o644);
  try {
    await handle.truncate(size);
  } finally {
    await handle.close();
  }
}

export async function flashImage(r: FlashRequest): Promise<FlashResult> {
  const { source } = r;
  const writer = chooseWriter(r);
  const isFile = r.target.kind === 'file';
  const writePath = isFile
    ? path.join(path.dirname(r.target.path), `.${path.basename(r.target.path)}.coreforge-flash.partial`)
    : r.target.path;
  if (isFile) await createSparse(writePath, source.imageSize);
  try {
    const started = performance.now();
    let runs: readonly WrittenRun[];
    let bytesWritten: number;
    let streamSha256: string | undefined;
    let direct = false;
    if (writer === 'bmaptool') {
      const bmap = source.bmap!;
      const blockBytes = bmap.blockSize;
      await r.run('bmaptool', bmaptoolCopyArgs({ bmap: source.bmapFile!, image: source.file, target: writePath }), {
        ...(r.signal && { signal: r.signal }),
        onOutput: (line) => {
          const p = parseBmaptoolProgress(line);
          if (p)
            r.onProgress?.({
              phase: 'write',
              done: Math.round((p.blocks / p.of) * source.imageSize),
              total: source.imageSize,
              bytesWritten: p.blocks * blockBytes,
            });
        },
      });
      runs = bmap.ranges.map((range) => ({ ...rangeBytes(bmap, range), sha256: range.sha256 }));
      bytesWritten = mappedBytes(bmap);
    } else {
      const target = await openTarget(writePath, r.target.kind);
      direct = target.direct;
      try {
        const { stream, done } = openImage(source, r.runStream, r.signal);
        const mapped = source.bmap ? source.bmap.ranges.map((range) => rangeBytes(source.bmap!, range)) : undefined;
        const written = await Promise.all([
          writeImage(stream, target, {
            imageSize: source.imageSize,
            ...(mapped && { mapped }),
            ...(r.onProgress && { onProgress: r.onProgress }),
            ...(r.signal && { signal: r.signal }),
          }),
          done,
        ]).then(([w]) => w);
        runs = written.runs;
        bytesWritten = written.bytesWritten;
        streamSha256 = written.sha256;
      } finally {
        await target.close();
      }
    }
    const writeSeconds = (performance.now() - started) / 1000;
    const expected = source.rawSha256 ?? streamSha256;
    if (streamSha256 && source.rawSha256 && streamSha256 !== source.rawSha256)
      throw new BuilderError(
        'VERIFY_FAILED',
        `the decompressed image's sha256 is ${streamSha256}, but the build recorded ${source.rawSha256}`,
        'the image file is damaged: rebuild it (coreforge build)',
      );
    let verified: VerifyResult | undefined;
    const verifyStarted = performance.now();
    if (r.verify) {
      if (!isFile)
        await r.run('blockdev', ['--flushbufs', writePath], { ...(r.signal && { signal: r.signal }), timeout: 60_000 });
      const target = await openTarget(writePath, r.target.kind);
      direct ||= target.direct;
      try {
        verified = await verifyImage(target, {
          imageSize: source.imageSize,
          runs,
          ...(expected && { expectedSha256: expected }),
          imageBytes: imageSpan(source, r.runStream, r.signal),
          ...(r.onProgress && { onProgress: r.onProgress }),
          ...(r.signal && { signal: r.signal }),
        });
      } finally {
        await target.close();
      }
      if (!verified.ok)
        throw new BuilderError(
          'VERIFY_FAILED',
          `verification of ${r.target.path} failed: ${verified.reason}`,
          'the drive may be faulty or smaller than it claims: flash it again, or use another one',
          { cause: { firstBadOffset: verified.firstBadOffset } },
        );
    }
    if (isFile) await rename(writePath, r.target.path);
    return {
      image: source.file,
      target: r.target.path,
      writer,
      direct,
      imageSize: source.imageSize,
      bytesWritten,
      writtenRatio: source.imageSize === 0 ? 0 : bytesWritten / source.imageSize,
      sha256: verified?.ok ? verified.sha256 : (expected ?? ''),
      verified: verified?.ok ?? false,
      bytesVerified: verified?.bytesRead ?? 0,
      writeSeconds,
      verifySeconds: r.verify ? (performance.now() - verifyStarted) / 1000 : 0,
    };
  } finally {
    if (isFile) await rm(writePath, { force: true });
  }
}

/** The first bad offset of a VERIFY_FAILED error (undefined for other errors). */
export function firstBadOffset(error: unknown): number | undefined {
  const cause = (error as { cause?: { firstBadOffset?: unknown } } | undefined)?.cause;
  return typeof cause?.firstBadOffset === 'number' ? cause.firstBadOffset : undefined;
}
