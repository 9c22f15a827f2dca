// Which drive may be flashed, and why not (pure: a device tree from lsblk in, decisions out).
// Order of the checks: partition, system disk, read-only, too small, not removable, mounted; the first
// refusal is the error, `coreforge flash --list` shows them all.
import { humanSize } from './bmap.js';
import type { BlockDevice } from './lsblk.js';

/** Mount points that belong to the running system: never unmounted, the disk is refused outright. */
export const SYSTEM_MOUNTS = ['/', '/boot', '/boot/efi', '/usr', '/var'] as const;
/** Whole-disk device types that may be written. */
export const WHOLE_DISK_TYPES = ['disk', 'loop'] as const;

export const REFUSALS = [
  'PARTITION',
  'NOT_A_DISK',
  'SYSTEM_DISK',
  'READ_ONLY',
  'TOO_SMALL',
  'NOT_REMOVABLE',
  'MOUNTED',
  'SWAP',
] as const;
export type RefusalCode = (typeof REFUSALS)[number];

export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
  readonly hint: string;
}

export interface Mount {
  /** The device that is mounted (a partition of the disk, or something stacked on it). */
  readonly device: string;
  readonly mountpoint: string;
}

export interface DriveCheckOptions {
  readonly imageSize: number;
  readonly unmount: boolean;
  readonly forceNonRemovable: boolean;
}

export interface DriveCheck {
  readonly disk: BlockDevice;
  readonly refusals: readonly Refusal[];
  /** With --unmount and no other refusal: what to unmount before writing. */
  readonly toUnmount: readonly Mount[];
}

/** Everything mounted from this device or anything below it (partitions, crypt, LVM). */
export function mountsOf(device: BlockDevice): Mount[] {
  return [
    ...device.mountpoints.map((mountpoint) => ({ device: device.path, mountpoint })),
    ...device.children.flatMap(mountsOf),
  ];
}

/** A removable medium: the kernel's removable flag, a hot-pluggable device, or one on a USB or SD/MMC bus. */
export function isRemovable(disk: BlockDevice): boolean {
  return disk.removable || disk.hotplug || disk.transport === 'usb' || disk.transport === 'mmc';
}

/** "SanDisk Ultra, 29.8 GiB, usb, serial 4C530001" */
export function driveIdentity(disk: BlockDevice): string {
  const name =
    [disk.vendor, disk.model].filter(Boolean).join(' ') || (disk.type === 'loop' ? 'loop device' : 'unknown drive');
  return [name, humanSize(disk.size), disk.transport, disk.serial && `serial ${disk.serial}`]
    .filter(Boolean)
    .join(', ');
}

function findWithParent(
  devices: readonly BlockDevice[],
  path: string,
  parent?: BlockDevice,
): { device: BlockDevice; parent?: BlockDevice } | undefined {
  for (const d of devices) {
    if (d.path === path) return { device: d, ...(parent && { parent }) };
    const below = findWithParent(d.children, path, d);
    if (below) return below;
  }
  return undefined;
}

export function findDevice(
  devices: readonly BlockDevice[],
  path: string,
): { device: BlockDevice; parent?: BlockDevice } | undefined {
  return findWithParent(devices, path);
}

/** The refusals for a whole disk (see the file comment for their order). */
export function checkDisk(disk: BlockDevice, o: DriveCheckOptions): DriveCheck {
  const refusals: Refusal[] = [];
  const mounts = mountsOf(disk);
  const rank = (m: Mount) => (SYSTEM_MOUNTS as readonly string[]).indexOf(m.mountpoint);
  const system = mounts.filter((m) => rank(m) >= 0).sort((a, b) => rank(a) - rank(b))[0];
  if (!(WHOLE_DISK_TYPES as readonly string[]).includes(disk.type))
    refusals.push({
      code: 'NOT_A_DISK',
      message: `cannot flash ${disk.path}: it is a ${disk.type} device, not a whole disk`,
      hint: 'list the drives: coreforge flash --list',
    });
  if (system)
    refusals.push({
      code: 'SYSTEM_DISK',
      message: `cannot flash ${disk.path}: it holds the running system (${system.mountpoint} is mounted from ${system.device})`,
      hint: 'choose a removable drive: coreforge flash --list',
    });
  if (disk.readOnly)
    refusals.push({
      code: 'READ_ONLY',
      message: `cannot flash ${disk.path}: it is read-only`,
      hint: "check the card's lock switch, or choose another drive",
    });
  if (disk.size < o.imageSize)
    refusals.push({
      code: 'TOO_SMALL',
      message: `cannot flash ${disk.path}: the drive holds ${humanSize(disk.size)} (${disk.size} bytes) but the image needs ${humanSize(o.imageSize)} (${o.imageSize} bytes)`,
      hint: 'use a bigger drive',
    });
  if (!isRemovable(disk) && !o.forceNonRemovable)
    refusals.push({
      code: 'NOT_REMOVABLE',
      message: `cannot flash ${disk.path}: it is not a removable drive (${driveIdentity(disk)})`,
      hint: 'pass --force-non-removable if you are sure this disk may be erased',
    });
  const swap = mounts.filter((m) => m.mountpoint === '[SWAP]');
  if (swap.length > 0 && !system)
    refusals.push({
      code: 'SWAP',
      message: `cannot flash ${disk.path}: ${swap.map((m) => m.device).join(', ')} is in use as swap`,
      hint: `sudo swapoff ${swap.map((m) => m.device).join(' ')}`,
    });
  const mounted = mounts.filter((m) => m.mountpoint !== '[SWAP]');
  if (mounted.length > 0 && !system && !o.unmount)
    refusals.push({
      code: 'MOUNTED',
      message: `cannot flash ${disk.path}: ${mounted.map((m) => `${m.device} is mounted on ${m.mountpoint}`).join(', ')}`,
      hint: `unmount it first, or pass --unmount to let coreforge unmount the partitions of ${disk.path}`,
    });
  return { disk, refusals, toUnmount: refusals.length === 0 ? mounted : [] };
}

/** Checks the drive named with --device: a partition is refused with the disk it belongs to. */
export function checkDevice(
  devices: readonly BlockDevice[],
  path: string,
  o: DriveCheckOptions,
): DriveCheck | { readonly missing: true } {
  const found = findDevice(devices, path);
  if (!found) return { missing: true };
  if (found.device.type === 'part' && found.parent)
    return {
      disk: found.device,
      refusals: [
        {
          code: 'PARTITION',
          message: `cannot flash ${path}: it is a partition of ${found.parent.path}, not a whole disk`,
          hint: `pass the whole disk: --device ${found.parent.path}`,
        },
      ],
      toUnmount: [],
    };
  return checkDisk(found.device, o);
}

/** Every disk with its refusals (for the list and the picker; loop devices only by --device); removable ones first. */
export function listDrives(devices: readonly BlockDevice[], o: DriveCheckOptions): DriveCheck[] {
  return devices
    .filter((d) => d.type === 'disk' && d.size > 0)
    .map((d) => checkDisk(d, o))
    .sort((a, b) => Number(isRemovable(b.disk)) - Number(isRemovable(a.disk)));
}
