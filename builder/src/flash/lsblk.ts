// `lsblk --json` (util-linux) -> typed block devices. Pure: the argv and the parser; run.ts runs it.
// Accepts both output generations: booleans/numbers (util-linux >= 2.33) and "0"/"1"/"123" strings (older),
// `mountpoints` (>= 2.37, an array) and `mountpoint` (older, one value).
import { BuilderError } from '../errors.js';

export const LSBLK_COLUMNS = [
  'NAME',
  'PATH',
  'TYPE',
  'SIZE',
  'RM',
  'HOTPLUG',
  'RO',
  'TRAN',
  'VENDOR',
  'MODEL',
  'SERIAL',
  'MOUNTPOINTS',
] as const;

export function lsblkArgs(): string[] {
  return ['--json', '--bytes', '--output', LSBLK_COLUMNS.join(',')];
}

export interface BlockDevice {
  readonly name: string;
  /** /dev/NAME */
  readonly path: string;
  /** disk, part, loop, rom, crypt, lvm, raid1, ... */
  readonly type: string;
  readonly size: number;
  readonly removable: boolean;
  readonly hotplug: boolean;
  readonly readOnly: boolean;
  /** usb, sata, nvme, mmc, ... or undefined. */
  readonly transport?: string;
  readonly vendor?: string;
  readonly model?: string;
  readonly serial?: string;
  /** Mount points of this device itself ("[SWAP]" for active swap). */
  readonly mountpoints: readonly string[];
  readonly children: readonly BlockDevice[];
}

function bad(what: string): BuilderError {
  return new BuilderError(
    'FLASH_FAILED',
    `cannot read the drive list from lsblk: ${what}`,
    'check that util-linux is installed: lsblk --json',
  );
}

function flag(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function toDevice(raw: unknown): BlockDevice {
  if (typeof raw !== 'object' || raw === null) throw bad('a device entry is not an object');
  const r = raw as Record<string, unknown>;
  const name = text(r.name);
  if (!name) throw bad('a device has no "name"');
  const size = typeof r.size === 'number' ? r.size : Number(r.size ?? 0);
  if (!Number.isFinite(size)) throw bad(`device "${name}" has size "${String(r.size)}"`);
  const mounts = Array.isArray(r.mountpoints) ? r.mountpoints : [r.mountpoint];
  const transport = text(r.tran);
  const vendor = text(r.vendor);
  const model = text(r.model);
  const serial = text(r.serial);
  return Object.freeze({
    name,
    path: text(r.path) ?? `/dev/${name}`,
    type: text(r.type) ?? 'disk',
    size,
    removable: flag(r.rm),
    hotplug: flag(r.hotplug),
    readOnly: flag(r.ro),
    ...(transport && { transport }),
    ...(vendor && { vendor }),
    ...(model && { model }),
    ...(serial && { serial }),
    mountpoints: Object.freeze(mounts.map(text).filter((m): m is string => m !== undefined)),
    children: Object.freeze((Array.isArray(r.children) ? r.children : []).map(toDevice)),
  });
}

/** Parses `lsblk --json` output into the device tree (disks with their partitions and holders as children). */
export function parseLsblk(json: string): readonly BlockDevice[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw bad(`it is not JSON (${(error as Error).message})`);
  }
  const list = (data as { blockdevices?: unknown } | null)?.blockdevices;
  if (!Array.isArray(list)) throw bad('no "blockdevices" array');
  return Object.freeze(list.map(toDevice));
}
