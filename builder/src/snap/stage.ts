// The staged snap tree (the I/O half of the layout @coreforge/snaps computes): files are copied in with normalised
// modes, and before packing every mtime is set to one fixed instant, so the same inputs give the same squashfs bytes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { SNAP_EPOCH, type LayoutEntry } from '@coreforge/snaps';

export class StageTree {
  constructor(readonly root: string) {}

  async addFile(rel: string, source: string): Promise<void> {
    const dest = path.join(this.root, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(source, dest);
    const mode = (await lstat(source)).mode & 0o111 ? 0o755 : 0o644;
    await chmod(dest, mode);
  }

  async addText(rel: string, content: string, mode = 0o644): Promise<void> {
    const dest = path.join(this.root, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(dest, content);
    await chmod(dest, mode);
  }

  /** Sets every directory to 0755 and every mtime/atime to SNAP_EPOCH (deepest first). */
  async normalize(): Promise<void> {
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const child = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          await walk(child);
          await chmod(child, 0o755);
        }
        if (!entry.isSymbolicLink()) await utimes(child, SNAP_EPOCH, SNAP_EPOCH);
      }
    };
    await walk(this.root);
    await chmod(this.root, 0o755);
    await utimes(this.root, SNAP_EPOCH, SNAP_EPOCH);
  }
}

/**
 * The files a staged tree will hold (one part of the layout), known before any is copied, so the packer can tell
 * from their content whether an already staged (and packed) part is still current.
 */
export class StagePlan {
  constructor(readonly entries: readonly LayoutEntry[]) {}

  /** sha256 over every entry's path, mode and content, in path order. */
  async contentKey(extra: string): Promise<string> {
    const hash = createHash('sha256').update(`${extra}\n`);
    for (const e of [...this.entries].sort((a, b) => (a.rel < b.rel ? -1 : 1))) {
      if ('source' in e) {
        const exec = ((await lstat(e.source)).mode & 0o111) !== 0;
        const content = createHash('sha256');
        await pipeline(createReadStream(e.source), content);
        hash.update(`${e.rel}\0${exec ? 'x' : '-'}\0${content.digest('hex')}\n`);
      } else hash.update(`${e.rel}\0${e.mode.toString(8)}\0${createHash('sha256').update(e.text).digest('hex')}\n`);
    }
    return hash.digest('hex');
  }

  async applyTo(tree: StageTree): Promise<void> {
    for (const e of this.entries) {
      if ('source' in e) await tree.addFile(e.rel, e.source);
      else await tree.addText(e.rel, e.text, e.mode);
    }
  }
}
