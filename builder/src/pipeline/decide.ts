// Whether a stage runs: its fingerprint changed, an output is missing or altered, or nothing changed.
import { stat } from 'node:fs/promises';
import { changedInputs, fingerprintOf, sha256File, type InputHashes } from './fingerprint.js';
import type { OutputRecord, StageRecord } from './state-file.js';
import type { ArtifactName, Artifacts } from './stage.js';

export interface Decision {
  readonly action: 'run' | 'skip';
  /** Why, in words: "labels changed", "output snap is missing", "unchanged". */
  readonly reason: string;
}

function describeChange(labels: readonly string[]): string {
  const shown = labels.slice(0, 4);
  return `changed: ${shown.join(', ')}${labels.length > 4 ? ` and ${labels.length - 4} more` : ''}`;
}

/** Hash of an output file, re-read only when its size, mtime or inode differ from the record. */
export async function outputStillMatches(out: OutputRecord): Promise<'ok' | 'missing' | 'altered'> {
  let s;
  try {
    s = await stat(out.file);
  } catch {
    return 'missing';
  }
  if (!s.isFile()) return 'altered';
  if (s.size === out.size && s.mtimeMs === out.mtimeMs && s.ino === out.ino) return 'ok';
  return s.size === out.size && (await sha256File(out.file)) === out.sha256 ? 'ok' : 'altered';
}

/** `makes`: the artifacts the stage always makes; a record without one of them (an older state file) reruns it. */
export async function decide(
  record: StageRecord | undefined,
  hashes: InputHashes,
  force: boolean,
  makes: readonly ArtifactName[],
): Promise<Decision> {
  if (force) return { action: 'run', reason: 'forced (--force)' };
  if (!record) return { action: 'run', reason: 'not built yet' };
  if (record.fingerprint !== fingerprintOf(hashes))
    return { action: 'run', reason: describeChange(changedInputs(record.inputs, hashes)) };
  const unrecorded = makes.find((name) => record.outputs[name] === undefined);
  if (unrecorded) return { action: 'run', reason: `output ${unrecorded} was not recorded` };
  for (const [name, out] of Object.entries(record.outputs) as [ArtifactName, OutputRecord][]) {
    const status = await outputStillMatches(out);
    if (status !== 'ok') return { action: 'run', reason: `output ${name} (${out.file}) is ${status}` };
  }
  return { action: 'skip', reason: 'unchanged' };
}

export async function recordOutputs(made: Partial<Artifacts>): Promise<Partial<Record<ArtifactName, OutputRecord>>> {
  const out: Partial<Record<ArtifactName, OutputRecord>> = {};
  for (const [name, file] of Object.entries(made) as [ArtifactName, string | undefined][]) {
    if (file === undefined) continue;
    const s = await stat(file);
    out[name] = { file, sha256: await sha256File(file), size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  }
  return out;
}

export function artifactsOf(record: StageRecord): Partial<Artifacts> {
  return Object.fromEntries(Object.entries(record.outputs).map(([k, v]) => [k, v!.file])) as Partial<Artifacts>;
}
