// What `coreforge doctor` checks: every host tool the pipeline uses, as data (STYLE P10: choices in tables).
import type { Arch } from '../config/types.js';

/** A pipeline step a tool is needed for. `offline` steps run on any Debian/Ubuntu host; `store` steps need snapcraft/ubuntu-image. */
export const NEEDS = ['runtime', 'snap-pack', 'gadget', 'sign-gpg', 'delta', 'test-amd64', 'test-arm64', 'image-boot', 'cross-arm64', 'snapcraft', 'image', 'snapd-vm'] as const;
export type Need = (typeof NEEDS)[number];

export interface ToolCheck {
  readonly name: string;
  /** The command that must be on PATH, or a file that must exist. */
  readonly probe: { readonly command: string; readonly args: readonly string[]; readonly versionFrom?: 'stdout' | 'stderr' } | { readonly files: readonly string[] };
  /** Picks the version out of the probe's output. */
  readonly version?: RegExp;
  /** A separate command that prints the version, when the tool's own version command needs a daemon. */
  readonly versionCommand?: { readonly command: string; readonly args: readonly string[] };
  readonly neededFor: readonly Need[];
  readonly hint: string;
  /** Shown when the tool is found (what using it costs). */
  readonly note?: string;
}

/** The first `coreforge test --snapd` builds the VM disk (cached afterwards); measured here: 921 s on 2 cores shared by 7 busy sessions. */
export const SNAPD_DISK_BUILD_NOTE = 'the first coreforge test --snapd builds its VM disk from Debian packages: up to 15 min on 2 busy cores (cached afterwards)';

export const TOOL_CHECKS: readonly ToolCheck[] = [
  // `snap version` asks the snapd daemon and hangs without one; `snap pack` works offline.
  { name: 'snap', probe: { command: 'snap', args: ['pack', '--help'] }, versionCommand: { command: 'dpkg-query', args: ['-W', '-f=${Version}', 'snapd'] }, version: /^(\S+)/, neededFor: ['snap-pack', 'gadget', 'sign-gpg'], hint: 'sudo apt-get install snapd' },
  { name: 'snapcraft', probe: { command: 'snapcraft', args: ['--version'] }, version: /snapcraft,?\s+(?:version\s+)?'?([\w.+-]+)/, neededFor: ['snapcraft'], hint: 'sudo snap install snapcraft --classic' },
  { name: 'ubuntu-image', probe: { command: 'ubuntu-image', args: ['--version'] }, version: /([\d][\w.+~-]*)/, neededFor: ['image'], hint: 'sudo snap install ubuntu-image --classic' },
  { name: 'mksquashfs', probe: { command: 'mksquashfs', args: ['-version'] }, version: /mksquashfs version (\S+)/, neededFor: ['snap-pack', 'gadget'], hint: 'sudo apt-get install squashfs-tools' },
  { name: 'unsquashfs', probe: { command: 'unsquashfs', args: ['-version'] }, version: /unsquashfs version (\S+)/, neededFor: ['gadget', 'delta', 'test-amd64', 'test-arm64'], hint: 'sudo apt-get install squashfs-tools' },
  { name: 'xdelta3', probe: { command: 'xdelta3', args: ['-V'], versionFrom: 'stderr' }, version: /Xdelta version ([\d.]+)/, neededFor: ['delta'], hint: 'sudo apt-get install xdelta3' },
  { name: 'qemu-system-x86_64', probe: { command: 'qemu-system-x86_64', args: ['--version'] }, version: /version (\S+)/, neededFor: ['test-amd64'], hint: 'sudo apt-get install qemu-system-x86' },
  { name: 'qemu-system-aarch64', probe: { command: 'qemu-system-aarch64', args: ['--version'] }, version: /version (\S+)/, neededFor: ['test-arm64'], hint: 'sudo apt-get install qemu-system-arm' },
  { name: 'qemu-img', probe: { command: 'qemu-img', args: ['--version'] }, version: /version (\S+)/, neededFor: ['image-boot'], hint: 'sudo apt-get install qemu-utils' },
  { name: 'OVMF firmware', probe: { files: ['/usr/share/OVMF/OVMF_CODE_4M.fd', '/usr/share/OVMF/OVMF_CODE.fd'] }, neededFor: ['image-boot'], hint: 'sudo apt-get install ovmf' },
  { name: 'AAVMF firmware', probe: { files: ['/usr/share/AAVMF/AAVMF_CODE.fd'] }, neededFor: ['image-boot'], hint: 'sudo apt-get install qemu-efi-aarch64' },
  { name: 'apt-get', probe: { command: 'apt-get', args: ['--version'] }, version: /^apt (\S+)/m, neededFor: ['test-amd64', 'test-arm64'], hint: 'the boot tests fetch a Debian cloud kernel with apt-get download: run them on Debian or Ubuntu' },
  { name: 'mmdebstrap', probe: { command: 'mmdebstrap', args: ['--version'] }, version: /mmdebstrap (\S+)/, neededFor: ['snapd-vm'], hint: 'sudo apt-get install mmdebstrap (for coreforge test --snapd; needs root and network to Debian\'s apt)', note: SNAPD_DISK_BUILD_NOTE },
  { name: 'gpg', probe: { command: 'gpg', args: ['--version'] }, version: /gpg \(GnuPG\) (\S+)/, neededFor: ['sign-gpg'], hint: 'sudo apt-get install gnupg' },
  { name: 'aarch64-linux-gnu-g++', probe: { command: 'aarch64-linux-gnu-g++', args: ['--version'] }, version: /\) (\S+)/, neededFor: ['cross-arm64'], hint: 'sudo apt-get install g++-aarch64-linux-gnu' },
];

/** Steps the configured pipeline needs, for a target arch: these decide doctor's exit code. */
export function requiredNeeds(arch: Arch | undefined): readonly Need[] {
  const base: Need[] = ['runtime', 'snap-pack', 'gadget', 'delta'];
  if (arch === 'arm64') return [...base, 'cross-arm64', 'test-arm64'];
  if (arch === 'amd64') return [...base, 'test-amd64'];
  return [...base, 'test-amd64'];
}
