// THE registry of host tools (one row per tool): the install hint that run.ts (TOOL_NOT_FOUND), preflight.ts
// (before the first stage) and doctor print, and how doctor probes the tool and what it is needed for.
import { ARCH_TRIPLET, type SnapArch } from '@coreforge/snaps';
import { FIRMWARE } from '@coreforge/vm';

/** A pipeline step a tool is needed for. `snapcraft` and `image` need the store tools; the rest run on any Debian/Ubuntu host. */
export const NEEDS = [
  'runtime',
  'snap-pack',
  'gadget',
  'sign-gpg',
  'delta',
  'compress',
  'test-amd64',
  'test-arm64',
  'image-boot',
  'cross-arm64',
  'snapcraft',
  'image',
  'snapd-vm',
] as const;
export type Need = (typeof NEEDS)[number];

export type ToolProbe =
  | { readonly command: string; readonly args: readonly string[]; readonly versionFrom?: 'stdout' | 'stderr' }
  | { readonly files: readonly string[] };

export interface ToolInfo {
  /** The command on PATH (or, for firmware, a display name). */
  readonly name: string;
  readonly hint: string;
  /** How doctor checks it; tools without a probe are only looked up by preflight and named in errors. */
  readonly probe?: ToolProbe;
  /** Picks the version out of the probe's output. */
  readonly version?: RegExp;
  /** A separate command that prints the version, when the tool's own version command needs a daemon. */
  readonly versionCommand?: { readonly command: string; readonly args: readonly string[] };
  readonly neededFor: readonly Need[];
  /** Shown by doctor when the tool is found (what using it costs). */
  readonly note?: string;
}

/** The first `coreforge test --snapd` builds the VM disk (cached afterwards); measured here: 921 s on 2 cores shared by 7 busy sessions. */
export const SNAPD_DISK_BUILD_NOTE =
  'the first coreforge test --snapd builds its VM disk from Debian packages: up to 15 min on 2 busy cores (cached afterwards)';

const apt = (pkg: string) => `sudo apt-get install ${pkg}`;

export const TOOLS: readonly ToolInfo[] = [
  // `snap version` asks the snapd daemon and hangs without one; `snap pack` works offline.
  {
    name: 'snap',
    hint: apt('snapd'),
    probe: { command: 'snap', args: ['pack', '--help'] },
    versionCommand: { command: 'dpkg-query', args: ['-W', '-f=${Version}', 'snapd'] },
    version: /^(\S+)/,
    neededFor: ['snap-pack', 'gadget', 'sign-gpg'],
  },
  {
    name: 'snapcraft',
    hint: 'sudo snap install snapcraft --classic',
    probe: { command: 'snapcraft', args: ['--version'] },
    version: /snapcraft,?\s+(?:version\s+)?'?([\w.+-]+)/,
    neededFor: ['snapcraft'],
  },
  {
    name: 'ubuntu-image',
    hint: 'sudo snap install ubuntu-image --classic',
    probe: { command: 'ubuntu-image', args: ['--version'] },
    version: /([\d][\w.+~-]*)/,
    neededFor: ['image'],
  },
  {
    name: 'npm',
    hint: 'install Node.js 20.17 or newer with its npm (https://nodejs.org)',
    probe: { command: 'npm', args: ['--version'] },
    version: /^(\d\S*)/m,
    neededFor: ['snap-pack'],
  },
  {
    name: 'mksquashfs',
    hint: apt('squashfs-tools'),
    probe: { command: 'mksquashfs', args: ['-version'] },
    version: /mksquashfs version (\S+)/,
    neededFor: ['snap-pack', 'gadget'],
  },
  {
    name: 'unsquashfs',
    hint: apt('squashfs-tools'),
    probe: { command: 'unsquashfs', args: ['-version'] },
    version: /unsquashfs version (\S+)/,
    neededFor: ['snap-pack', 'gadget', 'delta', 'test-amd64', 'test-arm64'],
  },
  {
    name: `${ARCH_TRIPLET.amd64}-strip`,
    hint: apt('binutils'),
    probe: { command: `${ARCH_TRIPLET.amd64}-strip`, args: ['--version'] },
    version: /\) (\S+)/,
    neededFor: ['snap-pack'],
  },
  {
    name: `${ARCH_TRIPLET.arm64}-strip`,
    hint: apt(`binutils-${ARCH_TRIPLET.arm64}`),
    probe: { command: `${ARCH_TRIPLET.arm64}-strip`, args: ['--version'] },
    version: /\) (\S+)/,
    neededFor: ['cross-arm64'],
  },
  {
    name: `${ARCH_TRIPLET.arm64}-g++`,
    hint: apt(`g++-${ARCH_TRIPLET.arm64}`),
    probe: { command: `${ARCH_TRIPLET.arm64}-g++`, args: ['--version'] },
    version: /\) (\S+)/,
    neededFor: ['cross-arm64'],
  },
  {
    name: 'xdelta3',
    hint: apt('xdelta3'),
    probe: { command: 'xdelta3', args: ['-V'], versionFrom: 'stderr' },
    version: /Xdelta version ([\d.]+)/,
    neededFor: ['delta'],
  },
  {
    name: 'xz',
    hint: apt('xz-utils'),
    probe: { command: 'xz', args: ['--version'] },
    version: /xz \(XZ Utils\) (\S+)/,
    neededFor: ['compress'],
  },
  {
    name: 'qemu-system-x86_64',
    hint: apt('qemu-system-x86'),
    probe: { command: 'qemu-system-x86_64', args: ['--version'] },
    version: /version (\S+)/,
    neededFor: ['test-amd64', 'image-boot'],
  },
  {
    name: 'qemu-system-aarch64',
    hint: apt('qemu-system-arm'),
    probe: { command: 'qemu-system-aarch64', args: ['--version'] },
    version: /version (\S+)/,
    neededFor: ['test-arm64'],
  },
  {
    name: 'qemu-img',
    hint: apt('qemu-utils'),
    probe: { command: 'qemu-img', args: ['--version'] },
    version: /version (\S+)/,
    neededFor: ['image-boot'],
  },
  {
    name: 'OVMF firmware',
    hint: apt(FIRMWARE.amd64.package),
    probe: { files: FIRMWARE.amd64.code },
    neededFor: ['image-boot'],
  },
  { name: 'AAVMF firmware', hint: apt(FIRMWARE.arm64.package), probe: { files: FIRMWARE.arm64.code }, neededFor: [] },
  {
    name: 'apt-get',
    hint: 'the boot tests fetch a Debian cloud kernel with apt-get download: run them on Debian or Ubuntu',
    probe: { command: 'apt-get', args: ['--version'] },
    version: /^apt (\S+)/m,
    neededFor: ['test-amd64', 'test-arm64'],
  },
  {
    name: 'dpkg-deb',
    hint: apt('dpkg'),
    probe: { command: 'dpkg-deb', args: ['--version'] },
    version: /version (\S+)/,
    neededFor: ['test-amd64', 'test-arm64'],
  },
  {
    name: 'git',
    hint: apt('git'),
    probe: { command: 'git', args: ['--version'] },
    version: /git version (\S+)/,
    neededFor: ['snapcraft'],
  },
  {
    name: 'mmdebstrap',
    hint: `${apt('mmdebstrap')} (for coreforge test --snapd; needs root and network to Debian's apt)`,
    probe: { command: 'mmdebstrap', args: ['--version'] },
    version: /mmdebstrap (\S+)/,
    neededFor: ['snapd-vm'],
    note: SNAPD_DISK_BUILD_NOTE,
  },
  {
    name: 'gpg',
    hint: apt('gnupg'),
    probe: { command: 'gpg', args: ['--version'] },
    version: /gpg \(GnuPG\) (\S+)/,
    neededFor: ['sign-gpg'],
  },
  // Looked up by preflight and named in errors; doctor does not probe them.
  { name: 'tar', hint: apt('tar'), neededFor: [] },
  // The build lock (one build per output folder): util-linux, on every Debian/Ubuntu host.
  { name: 'flock', hint: apt('util-linux'), neededFor: [] },
  { name: 'mkfs.vfat', hint: apt('dosfstools'), neededFor: [] },
  { name: 'mcopy', hint: apt('mtools'), neededFor: [] },
  { name: 'sgdisk', hint: apt('gdisk'), neededFor: [] },
  // coreforge flash and the .bmap the build writes.
  { name: 'bmaptool', hint: apt('bmap-tools'), neededFor: [] },
  { name: 'filefrag', hint: apt('e2fsprogs'), neededFor: [] },
  { name: 'lsblk', hint: apt('util-linux'), neededFor: [] },
  { name: 'blockdev', hint: apt('util-linux'), neededFor: [] },
  { name: 'umount', hint: apt('mount'), neededFor: [] },
];

const BY_NAME: ReadonlyMap<string, ToolInfo> = new Map(TOOLS.map((t) => [t.name, t]));

export function toolInfo(tool: string): ToolInfo | undefined {
  return BY_NAME.get(tool);
}

export function installHint(tool: string): string | undefined {
  return BY_NAME.get(tool)?.hint;
}

/** The strip tool for a target architecture (the packer strips Node's static symbol table). */
export function stripTool(arch: SnapArch): string {
  return `${ARCH_TRIPLET[arch]}-strip`;
}
