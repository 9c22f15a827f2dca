// Size report: the compressed snap and a breakdown by part. A part's compressed size is measured by squashing just
// that part's files with the snap's own compression (mksquashfs, as snap pack does). What goes in which part, and
// the text, are @coreforge/snaps' (size-report.ts); this file runs the tools.
import { existsSync } from 'node:fs';
import { link, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { filesByPart, largestFiles, unpackedBytes, type PartSize, type SizeReport } from '@coreforge/snaps';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { hashTree, snapCompression, unsquash } from './squashfs-tree.js';

export async function snapSizeReport(snap: string, options: { run: Run; signal?: AbortSignal }): Promise<SizeReport> {
  const { run, signal } = options;
  if (!existsSync(snap)) throw new BuilderError('FILE_NOT_FOUND', `cannot measure "${snap}": it does not exist`);
  const compression = await snapCompression(snap);
  const work = await mkdtemp(path.join(os.tmpdir(), 'coreforge-size-'));
  try {
    const dir = path.join(work, 'tree');
    await unsquash(run, snap, dir, signal);
    const tree = await hashTree(dir);
    const parts: PartSize[] = [];
    for (const { part, files, bytes } of filesByPart(tree)) {
      const partDir = path.join(work, 'parts', part);
      for (const rel of files) {
        await mkdir(path.dirname(path.join(partDir, rel)), { recursive: true });
        await link(path.join(dir, rel), path.join(partDir, rel));
      }
      const out = path.join(work, `${part}.squashfs`);
      await run(
        'mksquashfs',
        [partDir, out, '-noappend', '-comp', compression, '-no-progress', '-quiet', '-all-root', '-no-xattrs'],
        { signal, timeout: 900_000 },
      );
      parts.push({ part, files: files.length, bytes, compressedBytes: (await stat(out)).size });
    }
    return {
      snap,
      compression,
      sizeBytes: (await stat(snap)).size,
      unpackedBytes: unpackedBytes(tree),
      parts,
      largest: largestFiles(tree),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
