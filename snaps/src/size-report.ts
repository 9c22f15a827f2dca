// Size report: the compressed snap and a breakdown by part (builder squashes each part's files with the snap's own
// compression to measure it), and its text.
import { formatBytes } from './bytes.js';
import { partOf, SNAP_PARTS, type SnapPart } from './parts.js';
import type { SnapCompression } from './spec.js';
import type { TreeEntry } from './tree-diff.js';

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

/** The files of each part that has any, in SNAP_PARTS order, with their unpacked bytes. */
export function filesByPart(
  tree: ReadonlyMap<string, TreeEntry>,
): { part: SnapPart; files: string[]; bytes: number }[] {
  const byPart = new Map<SnapPart, string[]>();
  for (const rel of tree.keys()) byPart.set(partOf(rel), [...(byPart.get(partOf(rel)) ?? []), rel]);
  return SNAP_PARTS.flatMap((part) => {
    const files = byPart.get(part);
    return files ? [{ part, files, bytes: files.reduce((n, rel) => n + tree.get(rel)!.size, 0) }] : [];
  });
}

/** The `count` largest files, biggest first (ties by path). */
export function largestFiles(tree: ReadonlyMap<string, TreeEntry>, count = 8): { path: string; bytes: number }[] {
  return [...tree.entries()]
    .map(([p, e]) => ({ path: p, bytes: e.size }))
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))
    .slice(0, count);
}

export function unpackedBytes(tree: ReadonlyMap<string, TreeEntry>): number {
  return [...tree.values()].reduce((n, e) => n + e.size, 0);
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
