// The UC24 reference layouts of snapcore's pc and pi gadgets (their "24" branches), as typed data.
import type { GadgetYaml, Structure } from './types.js';

export const TARGETS = ['pc-amd64', 'pi-arm64'] as const;
export type GadgetTarget = (typeof TARGETS)[number];

const LINUX_DATA = '83,0FC63DAF-8483-4772-8E79-3D69D8477DE4';

const PC: readonly Structure[] = [
  { name: 'mbr', role: 'mbr', type: 'mbr', size: 440, content: [{ image: 'pc-boot.img' }] },
  {
    name: 'BIOS Boot',
    type: 'DA,21686148-6449-6E6F-744E-656564454649',
    size: '1M',
    offset: '1M',
    'offset-write': 'mbr+92',
    content: [{ image: 'pc-core.img' }],
  },
  {
    name: 'ubuntu-seed',
    role: 'system-seed',
    filesystem: 'vfat',
    type: 'EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
    size: '1200M',
    content: [
      { source: 'grubx64.efi', target: 'EFI/boot/grubx64.efi' },
      { source: 'shim.efi.signed', target: 'EFI/boot/bootx64.efi' },
    ],
  },
  { name: 'ubuntu-boot', role: 'system-boot', filesystem: 'ext4', type: LINUX_DATA, size: '750M' },
  { name: 'ubuntu-save', role: 'system-save', filesystem: 'ext4', type: LINUX_DATA, size: '32M' },
  { name: 'ubuntu-data', role: 'system-data', filesystem: 'ext4', type: LINUX_DATA, size: '1G' },
];

const PI: readonly Structure[] = [
  {
    name: 'ubuntu-seed',
    role: 'system-seed',
    filesystem: 'vfat',
    type: '0C',
    size: '1200M',
    offset: '1M',
    content: [
      { source: '$kernel:dtbs/dtbs/broadcom/', target: '/' },
      { source: '$kernel:dtbs/dtbs/overlays/', target: '/overlays' },
      { source: 'boot-assets/', target: '/' },
    ],
  },
  { name: 'ubuntu-boot', role: 'system-boot', filesystem: 'vfat', type: '0C', size: '750M' },
  { name: 'ubuntu-save', role: 'system-save', filesystem: 'ext4', type: '83', size: '32M' },
  { name: 'ubuntu-data', role: 'system-data', filesystem: 'ext4', type: '83', size: '1500M' },
];

export function referenceLayout(target: GadgetTarget): GadgetYaml {
  return target === 'pc-amd64'
    ? { volumes: { pc: { schema: 'gpt', bootloader: 'grub', structure: PC } } }
    : { volumes: { pi: { schema: 'mbr', bootloader: 'piboot', structure: PI } } };
}

/** The gadget snap each target starts from (its store name). */
export const GADGET_SNAP: Record<GadgetTarget, string> = { 'pc-amd64': 'pc', 'pi-arm64': 'pi' };

/** The channel of the targets' reference gadget and kernel snaps (Ubuntu Core 24). */
export const REFERENCE_CHANNEL = '24/stable';

/** The kernel snap of each target's reference model (its store name). */
export const KERNEL_SNAP: Record<GadgetTarget, string> = { 'pc-amd64': 'pc-kernel', 'pi-arm64': 'pi-kernel' };

/** The snap architecture each target runs. */
export const ARCH_OF_TARGET = { 'pc-amd64': 'amd64', 'pi-arm64': 'arm64' } as const satisfies Record<
  GadgetTarget,
  string
>;
export type TargetArch = (typeof ARCH_OF_TARGET)[GadgetTarget];

/** Store ids of the targets' reference gadget and kernel snaps (REFERENCE.md, checked against the store). */
export const BOARD_SNAP_IDS: Readonly<Record<string, string>> = {
  pc: 'UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH',
  'pc-kernel': 'pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza',
  pi: 'YbGa9O3dAXl88YLI6Y1bGG74pwBxZyKg',
  'pi-kernel': 'jeIuP6tfFrvAdic8DMWqHmoaoukAPNbJ',
};
