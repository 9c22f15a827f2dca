#!/usr/bin/env node
// The runtime's install script. npm 11 runs it only where the installing project allows it (allowScripts), so it
// must never be needed: the addon normally comes prebuilt in @coreforge/runtime-linux-x64 / -linux-arm64 (an
// optional dependency that npm installs for the matching cpu only, as sharp does). This script builds from
// source only when there is no prebuilt for this platform and the sources and a C++ compiler are here (a
// checkout of the repository); otherwise it says what to do and leaves the install alone.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');
const { prebuiltPackage, ADDON } = require('./addon-location.cjs');

const root = path.join(__dirname, '..');
const say = (line) => process.stderr.write(`@coreforge/runtime: ${line}\n`);

function resolvePrebuilt() {
  try {
    return require.resolve(`${prebuiltPackage()}/${ADDON}`, { paths: [root] });
  } catch {
    return undefined;
  }
}

function onPath(tool) {
  return (process.env.PATH || '').split(path.delimiter).some((d) => d && existsSync(path.join(d, tool)));
}

/** Returns the exit code: 0 unless a build from source was attempted and failed. */
function main() {
  // A checkout (its TypeScript sources are not published) always rebuilds, so a changed native/ is compiled.
  const checkout = existsSync(path.join(root, 'src'));
  if (!checkout && resolvePrebuilt()) return 0;
  if (!checkout && existsSync(path.join(root, 'build', 'Release', ADDON))) return 0;
  const sources = existsSync(path.join(root, 'binding.gyp')) && existsSync(path.join(root, 'native'));
  const compiler = ['c++', 'g++', 'clang++'].some(onPath) && onPath('make') && ['python3', 'python'].some(onPath);
  if (!sources || !compiler) {
    say(
      `no prebuilt addon for ${process.platform}-${process.arch} (${prebuiltPackage()} is not installed)${sources ? ' and no C++ toolchain (python3, make, g++) to build it' : ''}.`,
    );
    say(
      'Possible solutions: install on linux x64 or arm64 with glibc (npm installs the prebuilt for you); or install python3, make and g++ and run "npm rebuild @coreforge/runtime" where install scripts are allowed.',
    );
    return 0;
  }
  const gyp = process.env.npm_config_node_gyp;
  const result =
    gyp && existsSync(gyp)
      ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: root, stdio: 'inherit' })
      : spawnSync('node-gyp', ['rebuild'], { cwd: root, stdio: 'inherit' });
  if (result.status === 0) return 0;
  say(`building the addon from source failed (${result.error ? result.error.message : `exit ${result.status}`}).`);
  return 1;
}

process.exitCode = main();
