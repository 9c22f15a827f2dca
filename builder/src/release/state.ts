// Where a rollout stands, kept beside the build outputs (<output>/release/<snap>.json, written atomically):
// the revisions we uploaded (with the .snap file, for delta reports) and, per rollout, the steps already done.
// `release next` reads it to advance exactly one step, so a rerun or a crash in between is harmless.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectConfig, Risk } from '../config/types.js';
import { BuilderError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';

export interface UploadedRevision {
  readonly revision: number;
  readonly version: string;
  readonly arch: string;
  /** The uploaded .snap (absolute), when it still exists here it feeds the delta report. */
  readonly file: string;
  readonly uploadedAt: string;
}

export interface DoneStep {
  /** Index in release.plan. */
  readonly step: number;
  readonly channel: Risk;
  readonly percent: number;
  readonly at: string;
}

export interface Rollout {
  readonly revision: number;
  readonly version: string;
  readonly arch: string;
  readonly startedAt: string;
  readonly done: readonly DoneStep[];
}

export interface ReleaseState {
  readonly version: 1;
  readonly snap: string;
  readonly uploads: readonly UploadedRevision[];
  readonly rollout?: Rollout;
}

export function releaseStateFile(config: ProjectConfig): string {
  return path.join(config.output, 'release', `${config.inference.snapName}.json`);
}

export async function readReleaseState(config: ProjectConfig): Promise<ReleaseState> {
  const file = releaseStateFile(config);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { version: 1, snap: config.inference.snapName, uploads: [] };
  }
  try {
    const state = JSON.parse(text) as ReleaseState;
    if (state.version !== 1 || state.snap !== config.inference.snapName) throw new Error('unexpected content');
    return state;
  } catch (error) {
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot read the release state "${file}": ${(error as Error).message}`,
      'restore it from a backup, or delete it to start the rollout over (coreforge release upload)',
    );
  }
}

export async function writeReleaseState(config: ProjectConfig, state: ReleaseState): Promise<void> {
  await writeFileAtomic(releaseStateFile(config), `${JSON.stringify(state, null, 2)}\n`);
}
