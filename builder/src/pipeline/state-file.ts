// The build's state file: per stage, the fingerprint of its inputs (and each input's hash, to say what
// changed) and the hash of each output, so a rebuild skips exactly the stages whose inputs and outputs
// are unchanged.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import type { InputHashes } from './fingerprint.js';
import type { ArtifactName, StageName } from './stage.js';

export interface OutputRecord {
  readonly file: string;
  readonly sha256: string;
  /** stat of the file when its hash was taken: when it still matches, the file is not read again. */
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

export interface StageRecord {
  readonly fingerprint: string;
  readonly inputs: InputHashes;
  readonly outputs: Partial<Record<ArtifactName, OutputRecord>>;
  /** Warnings the stage gave when it ran, shown again when it is skipped. */
  readonly warnings?: readonly string[];
}

export interface BuildState {
  readonly version: 2;
  readonly stages: Partial<Record<StageName, StageRecord>>;
}

export const STATE_FILE = 'coreforge-build.json';

export function emptyState(): BuildState {
  return { version: 2, stages: {} };
}

/** The recorded state, or an empty one (missing, unreadable, older format: everything reruns). */
export async function readState(workdir: string): Promise<BuildState> {
  try {
    const state = JSON.parse(await readFile(path.join(workdir, STATE_FILE), 'utf8')) as BuildState;
    return state.version === 2 && state.stages && typeof state.stages === 'object' ? state : emptyState();
  } catch {
    return emptyState();
  }
}

export async function writeState(workdir: string, state: BuildState): Promise<void> {
  await writeFileAtomic(path.join(workdir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}
