// Unpacking a .snap (squashfs) and hashing its files, for the delta and size reports.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { Run } from '../tools/run.js';
import { listFiles } from './npm-cache.js';

export interface TreeEntry {
  readonly size: number;
  readonly sha256: string;
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

export interface TreeDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  /** Bytes of the new versions of added and changed files. */
  readonly changedBytes: number;
}

export function diffTrees(before: ReadonlyMap<string, TreeEntry>, after: ReadonlyMap<string, TreeEntry>): TreeDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  let changedBytes = 0;
  for (const [rel, entry] of after) {
    const old = before.get(rel);
    if (!old) {
      added.push(rel);
      changedBytes += entry.size;
    } else if (old.sha256 !== entry.sha256) {
      changed.push(rel);
      changedBytes += entry.size;
    }
  }
  for (const rel of before.keys()) if (!after.has(rel)) removed.push(rel);
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort(), changedBytes };
}
