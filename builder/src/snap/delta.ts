// OTA delta report: measures the binary delta the Snap Store would send between two revisions of a snap
// (xdelta3 over the whole squashfs files, which snapd applies with `xdelta3 -d -s OLD DELTA NEW`), the files that
// changed, and the same figures after repacking both with the other compression. The figures and the text are
// @coreforge/snaps' (delta-report.ts); this file runs the tools.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  changedParts,
  deltaFigures,
  diffTrees,
  otherCompression,
  SNAP_EPOCH,
  type DeltaFigures,
  type DeltaReport,
  type SnapCompression,
} from '@coreforge/snaps';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { hashTree, snapCompression, unsquash } from './squashfs-tree.js';

/** xdelta3 arguments to encode a delta from `source` to `target` (pure, unit-tested). */
export function xdelta3EncodeArgs(source: string, target: string, out: string): string[] {
  return ['-e', '-9', '-f', '-s', source, target, out];
}

export function xdelta3DecodeArgs(source: string, delta: string, out: string): string[] {
  return ['-d', '-f', '-s', source, delta, out];
}

export interface DeltaOptions {
  readonly run: Run;
  readonly signal?: AbortSignal;
  readonly onProgress?: (msg: string) => void;
  /** Also measure the other compression (default true). */
  readonly otherCompression?: boolean;
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
  return deltaFigures(compression, oldBytes!, newBytes!, deltaBytes!);
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
    progress(`xdelta3 (${compression})`);
    const figures = [await measure(run, oldSnap, newSnap, work, compression, signal)];
    if (options.otherCompression ?? true) {
      const other = otherCompression(compression);
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
    return { old: oldSnap, new: newSnap, files, changedParts: changedParts(files), figures };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
