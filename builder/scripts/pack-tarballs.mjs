#!/usr/bin/env node
// Packs what a user installs: `npm pack` of every workspace, plus the prebuilt addon package for this host
// (@coreforge/runtime-linux-<arch>, runtime/scripts/pack-prebuilt.mjs). The runtime is packed from a staged copy
// whose package.json also lists the prebuilt packages as optionalDependencies (as sharp lists its @img
// packages): they are not in this repository's package.json because npm ci refuses optional dependencies
// missing from the lock file, and unpublished packages cannot be in it.
//   node builder/scripts/pack-tarballs.mjs --out dist-tarballs [--addon-arm64 FILE]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: { out: { type: 'string', default: 'dist-tarballs' }, 'addon-arm64': { type: 'string' } },
});
const out = path.resolve(values.out);
const WORKSPACES = ['model-assertions', 'gadget', 'snaps', 'test/vm', 'builder'];
const PREBUILT = ['x64', 'arm64'];

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`pack-tarballs: ${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
    process.exitCode = 1;
    return undefined;
  }
  return r.stdout.trim().split('\n').filter(Boolean);
}

mkdirSync(out, { recursive: true });
const packed = [];
packed.push(
  ...(run('npm', ['pack', '--silent', '--pack-destination', out, ...WORKSPACES.flatMap((w) => ['-w', w])], root) ?? []),
);

// The runtime, staged with its optional prebuilt packages.
const runtime = JSON.parse(readFileSync(path.join(root, 'runtime', 'package.json'), 'utf8'));
const stage = mkdtempSync(path.join(os.tmpdir(), 'coreforge-pack-runtime-'));
try {
  // What npm packs: the `files` entries and, always, the `bin` targets (npm-packlist adds them whatever `files` says).
  const bins = typeof runtime.bin === 'string' ? [runtime.bin] : Object.values(runtime.bin ?? {});
  for (const f of [...runtime.files, ...bins])
    cpSync(path.join(root, 'runtime', f), path.join(stage, f), { recursive: true });
  const optionalDependencies = Object.fromEntries(
    PREBUILT.map((a) => [`@coreforge/runtime-linux-${a}`, runtime.version]),
  );
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify({ ...runtime, optionalDependencies }, null, 2)}\n`);
  packed.push(...(run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', out], stage) ?? []));
} finally {
  rmSync(stage, { recursive: true, force: true });
}

// The prebuilt addon for this host, and for arm64 when a cross-built addon is given.
const prebuilt = [
  [process.arch, undefined],
  ...(values['addon-arm64'] && process.arch !== 'arm64' ? [['arm64', values['addon-arm64']]] : []),
];
for (const [arch, addon] of prebuilt) {
  const args = [
    path.join(root, 'runtime', 'scripts', 'pack-prebuilt.mjs'),
    '--arch',
    arch,
    '--out',
    out,
    ...(addon ? ['--addon', addon] : []),
  ];
  packed.push(...(run(process.execPath, args, root) ?? []).map((f) => path.basename(f)));
}
if (!process.exitCode) process.stdout.write(`${packed.map((f) => path.join(out, f)).join('\n')}\n`);
