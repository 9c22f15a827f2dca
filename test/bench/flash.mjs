#!/usr/bin/env node
// npm run bench (flash part): one sparse 256 MiB disk image (8 data runs of 4 MiB, the rest holes), compressed
// with xz, flashed to a fresh file target; medians of 3 runs measured in this one run, and the ratios:
//   coreforge flash (builtin, no verify) / xz -dc | dd oflag=direct conv=fsync   (what the README replaced)
//   coreforge flash (builtin, verified)  / the same dd
//   coreforge flash (bmaptool, verified) / the same dd (when bmap-tools is installed)
// plus bytes written / image size for each. Needs a build (npm run build). Writes only under a temp folder.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, writeSync, ftruncateSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { writeBmap } from '../../builder/dist/flash/write-bmap.js';
import { run } from '../../builder/dist/tools/run.js';
import { median } from './timing.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', '..', 'builder', 'dist', 'cli', 'main.js');
const MIB = 1024 * 1024;
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-bench-flash-'));

function makeImage() {
  const file = path.join(dir, 'disk.img');
  const fd = openSync(file, 'w');
  ftruncateSync(fd, 256 * MIB);
  for (let i = 0; i < 8; i++) writeSync(fd, randomBytes(4 * MIB), 0, 4 * MIB, i * 32 * MIB);
  closeSync(fd);
  return file;
}

function ddFull(xz, target) {
  return new Promise((resolve, reject) => {
    const xzc = spawn('xz', ['-dc', '-T0', xz], { stdio: ['ignore', 'pipe', 'inherit'] });
    const dd = spawn('dd', [`of=${target}`, 'bs=4M', 'iflag=fullblock', 'oflag=direct', 'conv=fsync', 'status=none'], {
      stdio: [xzc.stdout, 'ignore', 'inherit'],
    });
    dd.on('close', (code) =>
      code === 0 ? resolve({ bytesWritten: 256 * MIB }) : reject(new Error(`dd exited ${code}`)),
    );
  });
}

function flash(xz, target, args) {
  const r = spawnSync(
    process.execPath,
    [CLI, 'flash', xz, '--device', target, '--target-file', '--yes', '--json', ...args],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`coreforge flash failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function measure(name, fn) {
  const times = [];
  let result;
  for (let i = 0; i < 3; i++) {
    const target = path.join(dir, `target-${i}.img`);
    rmSync(target, { force: true });
    const s = performance.now();
    result = await fn(target);
    times.push((performance.now() - s) / 1000);
    rmSync(target, { force: true });
  }
  return { name, seconds: median(times), bytesWritten: result.bytesWritten };
}

try {
  const raw = makeImage();
  await writeBmap(raw, run);
  spawnSync('xz', ['-T0', '-1', '-k', raw]);
  const xz = `${raw}.xz`;
  const hasBmaptool = spawnSync('sh', ['-c', 'command -v bmaptool']).status === 0;
  const rows = [await measure('xz -dc | dd oflag=direct conv=fsync', (t) => ddFull(xz, t))];
  rows.push(
    await measure('coreforge flash (builtin, --no-verify)', async (t) =>
      flash(xz, t, ['--writer', 'builtin', '--no-verify']),
    ),
  );
  rows.push(await measure('coreforge flash (builtin, verified)', async (t) => flash(xz, t, ['--writer', 'builtin'])));
  if (hasBmaptool)
    rows.push(
      await measure('coreforge flash (bmaptool, verified)', async (t) => flash(xz, t, ['--writer', 'bmaptool'])),
    );
  const base = rows[0].seconds;
  console.log('flash of a 256 MiB sparse image (32 MiB of data) to a file target, medians of 3:');
  for (const r of rows)
    console.log(
      `  ${r.name.padEnd(40)} ${r.seconds.toFixed(2)} s   ${(r.seconds / base).toFixed(2)}x dd   bytes written / image size = ${(r.bytesWritten / (256 * MIB)).toFixed(3)}`,
    );
  if (!hasBmaptool) console.log('  (bmaptool not installed: sudo apt-get install bmap-tools)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
