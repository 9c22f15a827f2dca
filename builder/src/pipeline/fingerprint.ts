// Content fingerprints of stage inputs: files and folders by sha256 of their bytes, config subtrees and
// values by sha256 of canonical JSON, tools by the identity of the binary PATH resolves them to.
import { createHash } from 'node:crypto';
import { access, constants, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../fs/hash.js';
import type { ArtifactName, StageInputs } from './stage.js';

export { sha256File };

/** JSON with sorted object keys, so equal values always hash the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Value(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** A folder's files (relative path, mode's executable bit and content), recursively, in sorted order. */
export async function sha256Dir(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (rel: string): Promise<void> => {
    const entries = (await readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    );
    for (const entry of entries) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) {
        const exec = ((await stat(path.join(dir, child))).mode & 0o111) !== 0;
        hash.update(`${child}\0${exec ? 'x' : '-'}\0${await sha256File(path.join(dir, child))}\n`);
      }
    }
  };
  await walk('');
  return hash.digest('hex');
}

async function hashPath(file: string, kind: 'file' | 'dir'): Promise<string> {
  try {
    return kind === 'dir' ? await sha256Dir(file) : await sha256File(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A missing input is a fingerprint value of its own; the stage reports it properly when it runs.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw error;
  }
}

/** Where PATH resolves `tool`, and that binary's size and mtime (a new version is a new file). */
export async function toolIdentity(tool: string, pathVar: string | undefined): Promise<string> {
  const dirs = tool.includes('/') ? [''] : (pathVar ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = dir === '' ? tool : path.join(dir, tool);
    if (
      !(await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      ))
    )
      continue;
    const real = await realpath(candidate);
    const s = await stat(real);
    return `${real} ${s.size} ${Math.trunc(s.mtimeMs)}`;
  }
  return 'missing';
}

/** Named input values (label -> hash); the fingerprint is the hash of the whole map. */
export type InputHashes = Readonly<Record<string, string>>;

export interface ResolveInputsOptions {
  readonly pathVar: string | undefined;
  /** Hash of an earlier stage's output, by artifact name. */
  readonly artifactHash: (name: string) => string | undefined;
  /** Memo for tool identities and file hashes within one build. */
  readonly memo: Map<string, Promise<string>>;
}

function memoized(memo: Map<string, Promise<string>>, key: string, compute: () => Promise<string>): Promise<string> {
  let value = memo.get(key);
  if (!value) {
    value = compute();
    memo.set(key, value);
  }
  return value;
}

export async function hashInputs(
  inputs: StageInputs & { readonly artifacts?: readonly ArtifactName[] },
  tools: readonly string[],
  o: ResolveInputsOptions,
): Promise<InputHashes> {
  const out: Record<string, string> = {};
  for (const [label, file] of Object.entries(inputs.files ?? {}))
    if (file !== undefined) out[`file ${label}`] = await memoized(o.memo, `file:${file}`, () => hashPath(file, 'file'));
  for (const [label, dir] of Object.entries(inputs.dirs ?? {}))
    if (dir !== undefined) out[`folder ${label}`] = await memoized(o.memo, `dir:${dir}`, () => hashPath(dir, 'dir'));
  for (const [field, value] of Object.entries(inputs.config ?? {})) out[`config ${field}`] = sha256Value(value);
  for (const [label, value] of Object.entries(inputs.values ?? {})) out[label] = sha256Value(value);
  for (const tool of tools)
    out[`tool ${tool}`] = await memoized(o.memo, `tool:${tool}`, () => toolIdentity(tool, o.pathVar));
  for (const name of inputs.artifacts ?? []) out[`artifact ${name}`] = o.artifactHash(name) ?? 'none';
  return out;
}

export function fingerprintOf(hashes: InputHashes): string {
  return sha256Value(hashes);
}

/** Labels whose hash differs between two runs (added, removed or changed), sorted. */
export function changedInputs(before: InputHashes, after: InputHashes): string[] {
  const labels = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...labels].filter((l) => before[l] !== after[l]).sort();
}
