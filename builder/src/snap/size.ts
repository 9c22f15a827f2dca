// Size report: the compressed snap and a breakdown by part. A part's compressed size is measured by
// squashing just that part's files with the snap's own compression (mksquashfs, as snap pack does).
import { existsSync } from 'node:fs';
import { link, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SnapCompression } from '@coreforge/snaps';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { formatBytes, snapCompression } from './delta.js';
import { partOf, SNAP_PARTS, type SnapPart } from './parts.js';
import { hashTree, unsquash } from './squashfs-tree.js';

export interface PartSize {
  readonly part: SnapPart;
  readonly files: number;
  readonly bytes: number;
  readonly compressedBytes: number;
}

export interface SizeReport {
  readonly snap: string;
  readonly compression: SnapCompression;
  readonly sizeBytes: number;
  readonly unpackedBytes: number;
  readonly parts: readonly PartSize[];
  /** The largest files, biggest first. */
  readonly largest: readonly { path: string; bytes: number }[];
}

export async function snapSizeReport(snap: string, options: { run: Run; signal?: AbortSignal }): Promise<SizeReport> {
  const { run, signal } = options;
  if (!existsSync(snap)) throw new BuilderError('FILE_NOT_FOUND', `cannot measure "${snap}": it does not exist`);
  const compression = await snapCompression(snap);
  const work = await mkdtemp(path.join(os.tmpdir(), 'coreforge-size-'));
  try {
    const dir = path.join(work, 'tree');
    await unsquash(run, snap, dir, signal);
    const tree = await hashTree(dir);
    const byPart = new Map<SnapPart, string[]>();
    for (const rel of tree.keys()) byPart.set(partOf(rel), [...(byPart.get(partOf(rel)) ?? []), rel]);
    const parts: PartSize[] = [];
    for (const part of SNAP_PARTS) {
      const files = byPart.get(part);
      if (!files) continue;
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
      parts.push({
        part,
        files: files.length,
        bytes: files.reduce((n, rel) => n + tree.get(rel)!.size, 0),
        compressedBytes: (await stat(out)).size,
      });
    }
    const largest = [...tree.entries()]
      .map(([p, e]) => ({ path: p, bytes: e.size }))
      .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))
      .slice(0, 8);
    return {
      snap,
      compression,
      sizeBytes: (await stat(snap)).size,
      unpackedBytes: [...tree.values()].reduce((n, e) => n + e.size, 0),
      parts,
      largest,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function formatSizeReport(r: SizeReport): string {
  const lines = [
    `${r.snap}: ${formatBytes(r.sizeBytes)} (${r.compression}), ${formatBytes(r.unpackedBytes)} unpacked`,
    '',
    'part          files  unpacked     compressed   share',
  ];
  const total = r.parts.reduce((n, p) => n + p.compressedBytes, 0);
  for (const p of r.parts)
    lines.push(
      `${p.part.padEnd(12)}  ${String(p.files).padStart(5)}  ${formatBytes(p.bytes).padEnd(11)}  ${formatBytes(p.compressedBytes).padEnd(11)}  ${((p.compressedBytes / total) * 100).toFixed(1).padStart(5)}%`,
    );
  lines.push('', 'largest files:');
  for (const f of r.largest) lines.push(`  ${formatBytes(f.bytes).padStart(10)}  ${f.path}`);
  return lines.join('\n');
}
