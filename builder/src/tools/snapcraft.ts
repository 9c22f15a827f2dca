// snapcraft adapter (STYLE P7): pure argv builder + one call. snapcraft needs the store's build bases
// (LXD or a core24 host with --destructive-mode), so the offline packer is the default here.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { BuilderError } from '../errors.js';
import type { Run } from './run.js';

export interface SnapcraftPackOptions {
  /** Folder holding snap/snapcraft.yaml. */
  readonly projectDir: string;
  readonly outputFile?: string;
  readonly buildFor?: 'amd64' | 'arm64';
  readonly mode: 'destructive' | 'lxd';
}

export const SNAPCRAFT_REQUIRED_TOOLS = ['snapcraft'] as const;

export function snapcraftPackArgs(o: SnapcraftPackOptions): string[] {
  const args = ['pack', o.mode === 'destructive' ? '--destructive-mode' : '--use-lxd'];
  if (o.buildFor !== undefined) args.push('--build-for', o.buildFor);
  if (o.outputFile !== undefined) args.push('--output', o.outputFile);
  return args;
}

export async function runSnapcraftPack(
  run: Run,
  o: SnapcraftPackOptions,
  io: { signal?: AbortSignal; onOutput?: (line: string) => void } = {},
): Promise<string> {
  await run('snapcraft', snapcraftPackArgs(o), {
    cwd: o.projectDir,
    ...(io.signal && { signal: io.signal }),
    ...(io.onOutput && { onOutput: io.onOutput }),
  });
  if (o.outputFile !== undefined) return o.outputFile;
  const snaps = (await readdir(o.projectDir)).filter((f) => f.endsWith('.snap')).sort();
  if (snaps.length === 0)
    throw new BuilderError('TOOL_FAILED', `snapcraft finished but wrote no .snap file in "${o.projectDir}"`);
  return path.join(o.projectDir, snaps.at(-1)!);
}
