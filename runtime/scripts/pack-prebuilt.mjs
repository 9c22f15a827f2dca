#!/usr/bin/env node
// Packs the prebuilt addon package for one architecture: @coreforge/runtime-linux-<arch>, holding only
// coreforge_tflite.node, with os/cpu/libc so npm installs it on matching hosts only (sharp's @img packages).
//   node runtime/scripts/pack-prebuilt.mjs --arch x64 --addon runtime/build/Release/coreforge_tflite.node --out DIR
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { ADDON, PREBUILT_ARCHES, prebuiltPackage } = require('./addon-location.cjs');
const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: process.arch },
    addon: { type: 'string' },
    out: { type: 'string', default: '.' },
  },
});
class PackError extends Error {}
const fail = (m) => {
  throw new PackError(m);
};
try {
  if (!PREBUILT_ARCHES.includes(values.arch))
    fail(`--arch must be one of ${PREBUILT_ARCHES.join(', ')}, not "${values.arch}"`);
  const runtimeDir = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
  const addon = path.resolve(values.addon ?? path.join(runtimeDir, 'build', 'Release', ADDON));
  if (!existsSync(addon))
    fail(`no addon at "${addon}": build it with "npm run install -w runtime" (or cross-compile it for arm64)`);
  const runtime = JSON.parse(readFileSync(path.join(runtimeDir, 'package.json'), 'utf8'));
  const name = prebuiltPackage('linux', values.arch);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coreforge-prebuilt-'));
  try {
    writeFileSync(
      path.join(dir, 'package.json'),
      `${JSON.stringify(
        {
          name,
          version: runtime.version,
          description: `Prebuilt native addon of @coreforge/runtime for linux-${values.arch} (glibc)`,
          license: runtime.license,
          os: ['linux'],
          cpu: [values.arch],
          libc: ['glibc'],
          engines: runtime.engines,
          files: [ADDON],
        },
        null,
        2,
      )}\n`,
    );
    copyFileSync(addon, path.join(dir, ADDON));
    mkdirSync(path.resolve(values.out), { recursive: true });
    const r = spawnSync('npm', ['pack', '--silent', '--pack-destination', path.resolve(values.out)], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (r.status !== 0) fail(`npm pack failed: ${r.stderr}`);
    process.stdout.write(`${path.join(path.resolve(values.out), r.stdout.trim().split('\n').at(-1))}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} catch (error) {
  if (!(error instanceof PackError)) throw error;
  process.stderr.write(`pack-prebuilt: ${error.message}\n`);
  process.exitCode = 1;
}
