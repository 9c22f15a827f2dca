// ubuntu-image adapter (STYLE P7): a pure argv builder, and one call that runs it and finds the images.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { BuilderError } from '../errors.js';
import type { Run } from './run.js';

export interface UbuntuImageOptions {
  readonly modelAssertion: string;
  readonly outputDir: string;
  /** Absolute, at most 80 characters (ubuntu-image's own limit). */
  readonly workdir?: string;
  /** Local snap files to seed instead of the store's (the inference snap, a customised gadget). */
  readonly snaps: readonly string[];
  /** --channel: every snap's channel (snapd refuses it above grade dangerous; planSnapSources decides). */
  readonly channel?: string;
  readonly imageSize?: string;
  readonly validation?: 'ignore' | 'enforce';
  readonly sectorSize?: 512 | 4096;
  readonly debug?: boolean;
}

export const UBUNTU_IMAGE_REQUIRED_TOOLS = ['ubuntu-image'] as const;

export function ubuntuImageArgs(o: UbuntuImageOptions): string[] {
  if (o.workdir !== undefined && (!path.isAbsolute(o.workdir) || o.workdir.length > 80))
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot use ubuntu-image workdir "${o.workdir}": it must be an absolute path of at most 80 characters`,
      'pass a shorter --workdir',
    );
  const args = ['snap', '--output-dir', o.outputDir];
  if (o.workdir !== undefined) args.push('--workdir', o.workdir);
  for (const snap of o.snaps) args.push('--snap', snap);
  if (o.channel !== undefined) args.push('--channel', o.channel);
  if (o.imageSize !== undefined) args.push('--image-size', o.imageSize);
  if (o.sectorSize !== undefined) args.push('--sector-size', String(o.sectorSize));
  if (o.validation !== undefined) args.push('--validation', o.validation);
  if (o.debug) args.push('--debug');
  args.push(o.modelAssertion);
  return args;
}

/** Runs ubuntu-image and returns the disk images it wrote (one `<volume>.img` per gadget volume). */
export async function runUbuntuImage(
  run: Run,
  o: UbuntuImageOptions,
  io: { signal?: AbortSignal; onOutput?: (line: string) => void } = {},
): Promise<string[]> {
  await run('ubuntu-image', ubuntuImageArgs(o), {
    ...(io.signal && { signal: io.signal }),
    ...(io.onOutput && { onOutput: io.onOutput }),
  });
  const images = (await readdir(o.outputDir)).filter((f) => f.endsWith('.img')).sort();
  if (images.length === 0)
    throw new BuilderError(
      'TOOL_FAILED',
      `ubuntu-image finished but wrote no .img file in "${o.outputDir}"`,
      'run again with --debug and read its output',
    );
  return images.map((f) => path.join(o.outputDir, f));
}
