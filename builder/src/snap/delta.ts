// OTA delta report: the binary delta the Snap Store would send between two revisions of a snap
// (xdelta3 over the whole squashfs files, which snapd applies with `xdelta3 -d -s OLD DELTA NEW`),
// the files that changed, and the same figures after repacking both with the other compression.
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SnapCompression } from '@coreforge/snaps';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { partOf, type SnapPart } from './parts.js';
import { diffTrees, hashTree, unsquash, type TreeDiff } from './squashfs-tree.js';
import { SNAP_EPOCH } from './stage.js';

/** xdelta3 arguments to encode a delta from `source` to `target` (pure, unit-tested). */
export function xdelta3EncodeArgs(source: string, target: string, out: string): string[] {
  return ['-e', '-9', '-f', '-s', source, target, out];
}

export function xdelta3DecodeArgs(source: string, delta: string, out: string): string[] {
  return ['-d', '-f', '-s', source, delta, out];
}

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

export interface DeltaOptions {
  readonly run: Run;
  readonly signal?: AbortSignal;
  readonly onProgress?: (msg: string) => void;
  /** Also measure the other compression (default true). */
  readonly otherCompression?: boolean;
}

/** The compression of a snap, from its squashfs superblock (compression id at offset 20: 3 lzo, 4 xz). */
export async function snapCompression(file: string): Promise<SnapCompression> {
  const handle = await open(file, 'r');
  const head = Buffer.alloc(96);
  try {
    await handle.read(head, 0, 96, 0);
  } finally {
    await handle.close();
  }
  if (head.readUInt32LE(0) !== 0x73717368)
    throw new BuilderError('INPUT_INVALID', `cannot read "${file}": it is not a squashfs snap`);
  const id = head.readUInt16LE(20);
  if (id === 4) return 'xz';
  if (id === 3) return 'lzo';
  throw new BuilderError('INPUT_INVALID', `cannot read "${file}": squashfs compression id ${id} is neither xz nor lzo`);
}

async function measure(
  run: Run,
  oldSnap: string,
  newSnap: string,
  work: string,
  compression: SnapCompression,
  signal?: AbortSignal,
): Promise<DeltaFigures> {
  const delta = path.join(work, `${compression}.xdelta3`);
  await run('xdelta3', xdelta3EncodeArgs(oldSnap, newSnap, delta), { signal, timeout: 900_000 });
  // Prove the delta reproduces the new snap, as snapd would apply it.
  const check = path.join(work, `${compression}.check.snap`);
  await run('xdelta3', xdelta3DecodeArgs(oldSnap, delta, check), { signal, timeout: 900_000 });
  const [a, b] = await Promise.all([readFile(check), readFile(newSnap)]);
  if (!a.equals(b))
    throw new BuilderError('TOOL_FAILED', 'cannot verify the delta: xdelta3 -d did not reproduce the new snap');
  await rm(check);
  const [oldBytes, newBytes, deltaBytes] = await Promise.all(
    [oldSnap, newSnap, delta].map(async (f) => (await stat(f)).size),
  );
  return {
    compression,
    oldBytes: oldBytes!,
    newBytes: newBytes!,
    deltaBytes: deltaBytes!,
    ratio: deltaBytes! / newBytes!,
  };
}

export async function snapDeltaReport(oldSnap: string, newSnap: string, options: DeltaOptions): Promise<DeltaReport> {
  const { run, signal } = options;
  const progress = options.onProgress ?? (() => undefined);
  for (const f of [oldSnap, newSnap])
    if (!existsSync(f)) throw new BuilderError('FILE_NOT_FOUND', `cannot compare snaps: "${f}" does not exist`);
  await snapCompression(oldSnap);
  const compression = await snapCompression(newSnap);
  const work = await mkdtemp(path.join(os.tmpdir(), 'coreforge-delta-'));
  try {
    progress('unpacking both snaps');
    const oldDir = path.join(work, 'old');
    const newDir = path.join(work, 'new');
    await unsquash(run, oldSnap, oldDir, signal);
    await unsquash(run, newSnap, newDir, signal);
    const files = diffTrees(await hashTree(oldDir), await hashTree(newDir));
    const changedParts = [...new Set([...files.added, ...files.removed, ...files.changed].map(partOf))].sort();
    progress(`xdelta3 (${compression})`);
    const figures = [await measure(run, oldSnap, newSnap, work, compression, signal)];
    if (options.otherCompression ?? true) {
      const other: SnapCompression = compression === 'xz' ? 'lzo' : 'xz';
      progress(`repacking both with ${other}`);
      const packed: string[] = [];
      for (const [name, dir] of [
        ['old', oldDir],
        ['new', newDir],
      ] as const) {
        await run('snap', ['pack', `--compression=${other}`, `--filename=${name}.snap`, dir, path.join(work, other)], {
          env: { SOURCE_DATE_EPOCH: String(SNAP_EPOCH) },
          signal,
          timeout: 1_800_000,
        });
        packed.push(path.join(work, other, `${name}.snap`));
      }
      progress(`xdelta3 (${other})`);
      figures.push(await measure(run, packed[0]!, packed[1]!, work, other, signal));
    }
    return { old: oldSnap, new: newSnap, files, changedParts, figures };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const MB = 1_000_000;

export function formatBytes(n: number): string {
  return n >= MB ? `${(n / MB).toFixed(2)} MB` : n >= 1000 ? `${(n / 1000).toFixed(1)} kB` : `${n} B`;
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
