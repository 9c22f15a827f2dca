// One table of install commands, shared by run.ts (TOOL_NOT_FOUND hints) and doctor.

const HINTS: Readonly<Record<string, string>> = {
  snap: 'sudo apt-get install snapd',
  snapcraft: 'sudo snap install snapcraft --classic',
  'ubuntu-image': 'sudo snap install ubuntu-image --classic',
  mksquashfs: 'sudo apt-get install squashfs-tools',
  unsquashfs: 'sudo apt-get install squashfs-tools',
  xdelta3: 'sudo apt-get install xdelta3',
  'qemu-system-x86_64': 'sudo apt-get install qemu-system-x86',
  'qemu-system-aarch64': 'sudo apt-get install qemu-system-arm',
  'qemu-img': 'sudo apt-get install qemu-utils',
  gpg: 'sudo apt-get install gnupg',
  go: 'sudo apt-get install golang-go',
  cpio: 'sudo apt-get install cpio',
  busybox: 'sudo apt-get install busybox-static',
  'aarch64-linux-gnu-g++': 'sudo apt-get install g++-aarch64-linux-gnu',
  'aarch64-linux-gnu-strip': 'sudo apt-get install binutils-aarch64-linux-gnu',
  'x86_64-linux-gnu-strip': 'sudo apt-get install binutils',
  'apt-get': 'coreforge needs a Debian or Ubuntu host for this step',
  'dpkg-deb': 'sudo apt-get install dpkg',
  npm: 'install Node.js 20 or newer (https://nodejs.org)',
  mkfs_vfat: 'sudo apt-get install dosfstools',
  'mkfs.vfat': 'sudo apt-get install dosfstools',
  mcopy: 'sudo apt-get install mtools',
  sgdisk: 'sudo apt-get install gdisk',
  xz: 'sudo apt-get install xz-utils',
  bmaptool: 'sudo apt-get install bmap-tools',
  lsblk: 'sudo apt-get install util-linux',
  umount: 'sudo apt-get install mount',
  blockdev: 'sudo apt-get install util-linux',
};

export function installHint(tool: string): string | undefined {
  return HINTS[tool];
}
