// OTA delta report: the figures of the binary delta the Snap Store would send between two revisions of a snap,
// and its text (builder measures the delta with xdelta3).
import { formatBytes } from './bytes.js';
import type { SnapPart } from './parts.js';
import type { SnapCompression } from './spec.js';
import type { TreeDiff } from './tree-diff.js';

export interface DeltaFigures {
  readonly compression: SnapCompression;
  readonly oldBytes: number;
  readonly newBytes: number;
  readonly deltaBytes: number;
  /** delta / new full snap. */
  readonly ratio: number;
}

export interface DeltaReport {
  readonly old: string;
  readonly new: string;
  readonly files: TreeDiff;
  readonly changedParts: readonly SnapPart[];
  /** First: the snaps as given; second: both repacked with the other compression. */
  readonly figures: readonly DeltaFigures[];
}

export function deltaFigures(
  compression: SnapCompression,
  oldBytes: number,
  newBytes: number,
  deltaBytes: number,
): DeltaFigures {
  return { compression, oldBytes, newBytes, deltaBytes, ratio: deltaBytes / newBytes };
}

/** The compression the delta report measures besides the snaps' own. */
export function otherCompression(compression: SnapCompression): SnapCompression {
  return compression === 'xz' ? 'lzo' : 'xz';
}

/** Human text for `coreforge snap delta`. */
export function formatDeltaReport(r: DeltaReport): string {
  const lines = [
    `old: ${r.old}`,
    `new: ${r.new}`,
    `changed files: ${r.files.changed.length} changed, ${r.files.added.length} added, ${r.files.removed.length} removed (${formatBytes(r.files.changedBytes)} of new content)`,
    `changed parts: ${r.changedParts.length > 0 ? r.changedParts.join(', ') : 'none'}`,
  ];
  for (const f of r.files.changed) lines.push(`  ~ ${f}`);
  for (const f of r.files.added) lines.push(`  + ${f}`);
  for (const f of r.files.removed) lines.push(`  - ${f}`);
  lines.push('', 'compression  full snap    delta        delta/full  delta/changed');
  for (const f of r.figures) {
    const perChanged = r.files.changedBytes > 0 ? `${(f.deltaBytes / r.files.changedBytes).toFixed(2)}x` : '-';
    lines.push(
      `${f.compression.padEnd(11)}  ${formatBytes(f.newBytes).padEnd(11)}  ${formatBytes(f.deltaBytes).padEnd(11)}  ${(f.ratio * 100).toFixed(2).padStart(9)}%  ${perChanged}`,
    );
  }
  return lines.join('\n');
}
