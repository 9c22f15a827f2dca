// The build's state file: which stages finished and what they made, so --resume can skip them.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import type { Artifacts, StageName } from './stage.js';

export interface BuildState {
  readonly version: 1;
  /** Hash of the normalized project: a changed project invalidates the state. */
  readonly projectHash: string;
  readonly finished: readonly StageName[];
  readonly artifacts: Artifacts;
}

export const STATE_FILE = 'coreforge-build.json';

export function projectHash(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

export async function readState(workdir: string): Promise<BuildState | undefined> {
  try {
    const state = JSON.parse(await readFile(path.join(workdir, STATE_FILE), 'utf8')) as BuildState;
    return state.version === 1 ? state : undefined;
  } catch {
    return undefined;
  }
}

export async function writeState(workdir: string, state: BuildState): Promise<void> {
  await writeFileAtomic(path.join(workdir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}
