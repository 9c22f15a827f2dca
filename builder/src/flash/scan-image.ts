// Maps a raw image for its .bmap: the mapped block ranges come from the filesystem's extent map (filefrag,
// FIEMAP: what bmaptool create reads), then one read hashes every range and the whole image. Where the extents
// cannot be read (a filesystem without FIEMAP), every block counts as mapped: slower to flash, never wrong.
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { BuilderError } from '../errors.js';
import { filefragArgs, parseFilefrag } from '../tools/filefrag.js';
import type { Run } from '../tools/run.js';
import { BMAP_BLOCK_SIZE, type Bmap, type BmapRange } from './bmap.js';

const READ_SIZE = 4 * 1024 * 1024;

export interface ImageScan {
  readonly bmap: Bmap;
  /** sha256 of the whole raw image. */
  readonly sha256: string;
  /** Set when the extents could not be read and every block was mapped. */
  readonly unmappedReason?: string;
}

async function extents(run: Run, file: string, size: number, signal?: AbortSignal) {
  const all = (reason: string) => ({
    blockSize: BMAP_BLOCK_SIZE,
    ranges: size === 0 ? [] : [{ first: 0, last: Math.ceil(size / BMAP_BLOCK_SIZE) - 1 }],
    reason,
  });
  let stdout: string;
  try {
    stdout = (await run('filefrag', filefragArgs(file), { ...(signal && { signal }), timeout: 120_000 })).stdout;
  } catch (error) {
    if (error instanceof BuilderError && error.code === 'CANCELLED') throw error;
    return all(`filefrag could not read its extents (${(error as Error).message.split('\n')[0]})`);
  }
  const parsed = parseFilefrag(stdout);
  if (!parsed || parsed.size !== size) return all('filefrag printed no extent table for it');
  return { ...parsed, reason: undefined };
}

/** Reads the image's extent map, then the image once, and returns its block map and sha256. */
export async function scanImage(file: string, run: Run, signal?: AbortSignal): Promise<ImageScan> {
  const imageSize = (await stat(file)).size;
  const map = await extents(run, file, imageSize, signal);
  const { blockSize } = map;
  const whole = createHash('sha256');
  const ranges: BmapRange[] = [];
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_SIZE);
    let position = 0;
    const hashUpTo = async (end: number, range?: ReturnType<typeof createHash>) => {
      while (position < end) {
        signal?.throwIfAborted();
        const { bytesRead } = await handle.read(buffer, 0, Math.min(READ_SIZE, end - position), position);
        if (bytesRead === 0) throw new BuilderError('STAGE_FAILED', `cannot map "${file}": it shrank while being read`);
        const data = buffer.subarray(0, bytesRead);
        whole.update(data);
        range?.update(data);
        position += bytesRead;
      }
    };
    for (const r of map.ranges) {
      await hashUpTo(r.first * blockSize);
      const hash = createHash('sha256');
      await hashUpTo(Math.min((r.last + 1) * blockSize, imageSize), hash);
      ranges.push({ first: r.first, last: r.last, sha256: hash.digest('hex') });
    }
    await hashUpTo(imageSize);
  } finally {
    await handle.close();
  }
  const mappedBlocksCount = ranges.reduce((n, r) => n + r.last - r.first + 1, 0);
  return {
    bmap: { imageSize, blockSize, blocksCount: Math.ceil(imageSize / blockSize), mappedBlocksCount, ranges },
    sha256: whole.digest('hex'),
    ...(map.reason && { unmappedReason: map.reason }),
  };
}
