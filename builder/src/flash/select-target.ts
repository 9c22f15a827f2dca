// Turns --device (and --target-file) into a checked target, or refuses with the reason (rules in drives.ts).
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { checkDevice, driveIdentity, type Mount } from './drives.js';
import { lsblkArgs, parseLsblk, type BlockDevice } from './lsblk.js';

export interface ResolvedTarget {
  /** The path written (a resolved /dev node, or the file). */
  readonly path: string;
  readonly kind: 'device' | 'file';
  /** "SanDisk Ultra, 29.8 GiB, usb, serial X" or "regular file". */
  readonly identity: string;
  readonly toUnmount: readonly Mount[];
}

export interface TargetRequest {
  /** --device as typed. */
  readonly device: string;
  readonly targetFile: boolean;
  readonly imageSize: number;
  readonly unmount: boolean;
  readonly forceNonRemovable: boolean;
  readonly cwd: string;
  readonly run: Run;
  readonly signal?: AbortSignal;
}

export async function readDrives(run: Run, signal?: AbortSignal): Promise<readonly BlockDevice[]> {
  return parseLsblk((await run('lsblk', lsblkArgs(), { ...(signal && { signal }), timeout: 30_000 })).stdout);
}

function refuse(message: string, hint: string): BuilderError {
  return new BuilderError('FLASH_REFUSED', message, hint);
}

export async function resolveTarget(r: TargetRequest): Promise<ResolvedTarget> {
  const typed = r.device;
  const absolute = path.resolve(r.cwd, typed);
  const info = await stat(absolute).catch(() => undefined);
  if (r.targetFile) {
    if (info?.isBlockDevice())
      throw refuse(
        `cannot use --target-file with ${typed}: it is a block device`,
        `to flash the drive, drop --target-file: coreforge flash --device ${typed}`,
      );
    if (info && !info.isFile())
      throw refuse(
        `cannot flash ${typed}: --target-file needs a regular file, and it is not one`,
        'name a file path, e.g. --device out/disk.img --target-file',
      );
    await access(path.dirname(absolute), constants.W_OK).catch(() => {
      throw refuse(`cannot flash ${typed}: its folder is not writable`, 'choose a file in a folder you can write');
    });
    return { path: absolute, kind: 'file', identity: 'regular file', toUnmount: [] };
  }
  if (!info) throw refuse(`cannot flash ${typed}: no such device`, 'list the drives: coreforge flash --list');
  if (info.isFile())
    throw refuse(
      `cannot flash ${typed}: it is a regular file, not a block device`,
      'to write the image into a file on purpose, add --target-file',
    );
  if (!info.isBlockDevice())
    throw refuse(`cannot flash ${typed}: it is not a block device`, 'list the drives: coreforge flash --list');
  // /dev/disk/by-id/... names are symlinks: check and write the node they point to.
  const node = await realpath(absolute);
  const check = checkDevice(await readDrives(r.run, r.signal), node, {
    imageSize: r.imageSize,
    unmount: r.unmount,
    forceNonRemovable: r.forceNonRemovable,
  });
  if ('missing' in check)
    throw refuse(`cannot flash ${typed}: lsblk does not list it`, 'list the drives: coreforge flash --list');
  const first = check.refusals[0];
  if (first) throw refuse(first.message, first.hint);
  return { path: node, kind: 'device', identity: driveIdentity(check.disk), toUnmount: check.toUnmount };
}

/** Unmounts the target's own partitions (--unmount), each by its mount point. */
export async function unmountAll(run: Run, mounts: readonly Mount[], signal?: AbortSignal): Promise<void> {
  for (const m of [...mounts].sort((a, b) => b.mountpoint.length - a.mountpoint.length))
    await run('umount', [m.mountpoint], { ...(signal && { signal }), timeout: 60_000 });
}
