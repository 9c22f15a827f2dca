// Reading a .snap (squashfs): its compression from the superblock, its files unpacked with unsquashfs and hashed,
// for the delta and size reports.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import path from 'node:path';
import { SQUASHFS_SUPERBLOCK_BYTES, squashfsCompression, type SnapCompression, type TreeEntry } from '@coreforge/snaps';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { listFiles } from './npm-cache.js';

/** The compression of a snap, from its squashfs superblock. */
export async function snapCompression(file: string): Promise<SnapCompression> {
  const handle = await open(file, 'r');
  const head = Buffer.alloc(SQUASHFS_SUPERBLOCK_BYTES);
  try {
    await handle.read(head, 0, SQUASHFS_SUPERBLOCK_BYTES, 0);
  } finally {
    await handle.close();
  }
  const found = squashfsCompression(head);
  if ('reason' in found) throw new BuilderError('INPUT_INVALID', `cannot read "${file}": ${found.reason}`);
  return found.compression;
}

/** Extracts `snap` into `dir` (which must not exist) with unsquashfs. */
export async function unsquash(run: Run, snap: string, dir: string, signal?: AbortSignal): Promise<void> {
  await run('unsquashfs', ['-no-progress', '-quiet', '-d', dir, snap], { signal, timeout: 600_000 });
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Relative path -> size and content hash, for every file (symlinks hash their target text). */
export async function hashTree(dir: string): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  for (const rel of await listFiles(dir)) {
    const file = path.join(dir, rel);
    const st = await lstat(file);
    if (st.isSymbolicLink()) {
      const target = await readlink(file);
      out.set(rel, { size: target.length, sha256: createHash('sha256').update(target).digest('hex') });
    } else out.set(rel, { size: st.size, sha256: await sha256(file) });
  }
  return out;
}
