// Reads what the VM needs from a .snap file itself: meta/snap.yaml's name, version and the serve app's command.
import { parse } from 'yaml';
import { HarnessError } from './errors.js';
import type { Arch } from './boot-assets.js';
import type { SnapApp } from './initramfs.js';
import type { RunLike } from './process.js';

export interface SnapMeta extends SnapApp {
  readonly architectures: readonly string[];
}

export async function readSnapMeta(run: RunLike, snapFile: string, app = 'serve'): Promise<SnapMeta> {
  let text: string;
  try {
    text = (await run('unsquashfs', ['-cat', snapFile, 'meta/snap.yaml'], { timeout: 60_000 })).stdout;
  } catch (cause) {
    throw new HarnessError(
      'SNAP_INVALID',
      `cannot read meta/snap.yaml from "${snapFile}": ${(cause as Error).message.split('\n')[0]}`,
      'is it a .snap file (squashfs)?',
      { cause },
    );
  }
  const meta = parse(text) as {
    name?: unknown;
    version?: unknown;
    architectures?: unknown;
    apps?: Record<string, { command?: unknown; daemon?: unknown }>;
  };
  if (typeof meta?.name !== 'string')
    throw new HarnessError('SNAP_INVALID', `"${snapFile}": meta/snap.yaml has no name`);
  const command = meta.apps?.[app]?.command;
  if (typeof command !== 'string' || command.trim() === '')
    throw new HarnessError(
      'SNAP_INVALID',
      `"${snapFile}": meta/snap.yaml has no "${app}" app with a command`,
      `the inference snap declares apps.${app}.command (coreforge snap pack makes it)`,
    );
  return {
    snapName: meta.name,
    version: String(meta.version ?? ''),
    command: command.trim().split(/\s+/)[0]!,
    architectures: Array.isArray(meta.architectures) ? meta.architectures.map(String) : ['all'],
  };
}

export function checkSnapArch(meta: SnapMeta, arch: Arch, snapFile: string): void {
  if (!meta.architectures.includes(arch) && !meta.architectures.includes('all'))
    throw new HarnessError(
      'INPUT_INVALID',
      `cannot boot "${snapFile}" on ${arch}: it is built for ${meta.architectures.join(', ')}`,
      `pass --arch ${meta.architectures[0]}`,
    );
}
