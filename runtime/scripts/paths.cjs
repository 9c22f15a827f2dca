// Paths shared by binding.gyp (at build time) and the loader (at run time): where the TFLite 2.9 C headers
// and per-architecture libraries of the npm package tfjs-tflite-node live.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function tfjsTfliteDir() {
  return path.dirname(require.resolve('tfjs-tflite-node/package.json', { paths: [__dirname, process.cwd()] }));
}

const ARCH_DIRS = { x64: 'linux_amd64', arm64: 'linux_arm64' };

module.exports = {
  // COREFORGE_TFLITE_INCLUDE: headers a snapcraft tflite part staged; else tfjs-tflite-node's (a dependency).
  includeDir: () =>
    process.env.COREFORGE_TFLITE_INCLUDE && fs.existsSync(process.env.COREFORGE_TFLITE_INCLUDE)
      ? process.env.COREFORGE_TFLITE_INCLUDE
      : path.join(tfjsTfliteDir(), 'cc_deps', 'include'),
  libraryFor: (arch = process.arch) =>
    ARCH_DIRS[arch] ? path.join(tfjsTfliteDir(), 'cc_deps', ARCH_DIRS[arch], 'libtensorflowlite_c.so') : undefined,
};

if (require.main === module) process.stdout.write(module.exports[process.argv[2]]());
