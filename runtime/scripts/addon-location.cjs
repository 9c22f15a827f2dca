// Where the native addon lives, shared by the loader (src/native.ts), the install script and the prebuilt
// packer: a local build (a checkout), or the per-platform prebuilt package npm installs as an optional dependency.
'use strict';

const ADDON = 'coreforge_tflite.node';
const PREBUILT_ARCHES = ['x64', 'arm64'];

/** "@coreforge/runtime-linux-x64" for linux/x64 (glibc). */
function prebuiltPackage(platform = process.platform, arch = process.arch) {
  return `@coreforge/runtime-${platform}-${arch}`;
}

module.exports = { ADDON, PREBUILT_ARCHES, prebuiltPackage };
