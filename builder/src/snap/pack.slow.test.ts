// Packs real snaps with Debian's snap pack (issue 5): layout, metadata, reproducibility, ELF architectures,
// size, and the amd64 classify app run from the unpacked tree.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { fixture } from '../../../test/helpers/fixtures.js';
import { fixtureProjectConfig } from '../../../test/helpers/project-config.js';
import { tflite219 } from '../../../test/helpers/tflite.js';
import { run } from '../tools/run.js';
import { findForeignElfs } from './elf.js';
import { listFiles } from './npm-cache.js';
import { packInferenceSnap, type PackResult } from './pack.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const cacheDir = process.env.COREFORGE_CACHE ?? path.join(repo, 'test', '.cache', 'coreforge');
const missing = ['snap', 'unsquashfs', 'npm', 'tar', 'aarch64-linux-gnu-g++'].filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
);
if (missing.length > 0) console.warn(`skipping snap packing tests: missing ${missing.join(', ')}`);

const work = mkdtempSync(path.join(os.tmpdir(), 'coreforge-pack-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const unpack = (snap: string, dir: string) => execFileSync('unsquashfs', ['-no-progress', '-quiet', '-d', dir, snap]);

describe.skipIf(missing.length > 0)('offline snap packing', () => {
  const config = fixtureProjectConfig();
  let amd64: PackResult;

  beforeAll(async () => {
    amd64 = await packInferenceSnap(config, { arch: 'amd64', outDir: path.join(work, 'a'), run, cacheDir });
  }, 600_000);

  test('amd64: snap pack accepted it, the layout is as documented and nothing lean-breaking is inside', () => {
    const listing = execFileSync('unsquashfs', ['-l', amd64.snapFile], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.replace(/^squashfs-root\/?/, ''));
    for (const want of [
      'bin/node',
      'bin/classify',
      'bin/serve',
      'bin/coreforge-env',
      'meta/snap.yaml',
      'meta/hooks/configure',
      'lib/libtensorflowlite_c.so',
      'model/mobilenet_v2_1.0_224_quant.tflite',
      'model/imagenet_labels.txt',
      'runtime/package.json',
      'runtime/bin/coreforge-runtime.js',
      'runtime/build/Release/coreforge_tflite.node',
      'runtime/node_modules/sharp/package.json',
      'runtime/node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node',
    ])
      expect(listing, want).toContain(want);
    expect(listing.filter((l) => /\.(map|d\.ts|md|h|cc)$|(^|\/)include\//.test(l))).toEqual([]);
    expect(listing.filter((l) => /node-addon-api|node-gyp|tfjs-tflite-node|arm64/.test(l))).toEqual([]);
    expect(amd64.warnings).toEqual([]);
  });

  test('meta/snap.yaml declares classify and the serve daemon', () => {
    const dir = path.join(work, 'meta-check');
    unpack(amd64.snapFile, dir);
    const meta = parse(readFileSync(path.join(dir, 'meta', 'snap.yaml'), 'utf8')) as {
      apps: Record<string, Record<string, unknown>>;
    } & Record<string, unknown>;
    expect(meta).toMatchObject({ name: 'classifier', base: 'core24', architectures: ['amd64'], confinement: 'strict' });
    expect(meta.apps.classify).toEqual({ command: 'bin/classify', plugs: ['home'] });
    expect(meta.apps.serve).toMatchObject({
      command: 'bin/serve',
      daemon: 'simple',
      'install-mode': 'enable',
      plugs: ['network-bind'],
    });
  });

  test("the amd64 classify app run from the unpacked tree names Grace Hopper's uniform", () => {
    const dir = path.join(work, 'run-check');
    unpack(amd64.snapFile, dir);
    const out = execFileSync('/bin/sh', [path.join(dir, 'bin', 'classify'), '-i', fixture('images/grace_hopper.bmp')], {
      env: {
        PATH: '/usr/bin:/bin',
        SNAP: dir,
        SNAP_DATA: path.join(work, 'data'),
        SNAP_NAME: 'classifier',
        SNAP_ARCH: 'amd64',
      },
      encoding: 'utf8',
    });
    expect(out.split('\n')[0]).toMatch(/^0\.\d{6}: 653:military uniform$/);
    expect(out).toMatch(/\ntime: \d+\.\d{3}ms\n?$/);
  });

  test('it ships TFLite 2.19 (the default without a Coral), and classify runs the model on XNNPACK QS8+QU8 with it', () => {
    expect(amd64.tflite).toMatchObject({ version: '2.19', source: '$COREFORGE_TFLITE_DIR' });
    const dir = path.join(work, 'tflite-check');
    unpack(amd64.snapFile, dir);
    expect(sha256(path.join(dir, 'lib', 'libtensorflowlite_c.so'))).toBe(sha256(tflite219('x64')));
    const out = execFileSync(
      '/bin/sh',
      [path.join(dir, 'bin', 'classify'), '-i', fixture('images/grace_hopper.bmp'), '--json'],
      {
        env: {
          PATH: '/usr/bin:/bin',
          SNAP: dir,
          SNAP_DATA: path.join(work, 'data-json'),
          SNAP_NAME: 'classifier',
          SNAP_ARCH: 'amd64',
        },
        encoding: 'utf8',
      },
    );
    const report = JSON.parse(out) as {
      results: { index: number }[];
      model: { path: string; library: { version: string } };
    };
    expect(report.results[0]!.index).toBe(653);
    expect(report.model.path).toBe('xnnpack(qs8+qu8)');
    expect(report.model.library.version).toBe('2.19.0');
  });

  test('the serve app started as the smoke VM does (busybox sh, SNAP/SNAP_DATA) answers on the configured port', async () => {
    const dir = path.join(work, 'serve-check');
    unpack(amd64.snapFile, dir);
    const data = path.join(work, 'serve-data');
    mkdirSync(data, { recursive: true });
    const port = 20000 + Math.floor(Math.random() * 20000);
    writeFileSync(path.join(data, 'config.env'), `CF_PORT=${port}\nCF_BIND=127.0.0.1\n`);
    const shell = existsSync('/bin/busybox') ? ['/bin/busybox', 'sh'] : ['/bin/sh'];
    const child = spawn(shell[0]!, [...shell.slice(1), path.join(dir, 'bin', 'serve')], {
      env: {
        PATH: '/usr/bin:/bin',
        SNAP: dir,
        SNAP_DATA: data,
        SNAP_COMMON: data,
        SNAP_NAME: 'classifier',
        SNAP_ARCH: 'amd64',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const onData = (b: Buffer) => {
          out += b.toString();
          if (out.includes('listening on')) resolve();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/v1/classify`, {
        method: 'POST',
        body: readFileSync(fixture('images/grace_hopper.bmp')),
      });
      const body = (await res.json()) as { results: { index: number; label: string }[] };
      expect(res.status).toBe(200);
      expect(body.results[0]).toMatchObject({ index: 653, label: 'military uniform' });
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('packing the same inputs again gives a byte-identical snap', async () => {
    const again = await packInferenceSnap(config, { arch: 'amd64', outDir: path.join(work, 'b'), run, cacheDir });
    expect(sha256(again.snapFile)).toBe(sha256(amd64.snapFile));
  });

  test('the amd64 snap with the v2 model is at most 50 MB', () => {
    expect(amd64.sizeBytes).toBeLessThanOrEqual(50_000_000);
  });

  test('arm64: cross-built, every ELF is aarch64, and sharp is the arm64 build', async () => {
    const arm64 = await packInferenceSnap(config, { arch: 'arm64', outDir: path.join(work, 'c'), run, cacheDir });
    const dir = path.join(work, 'arm64-check');
    unpack(arm64.snapFile, dir);
    const files = await listFiles(dir);
    expect(
      await findForeignElfs(
        files.map((f) => path.join(dir, f)),
        'arm64',
      ),
    ).toEqual([]);
    expect(files).toContain('runtime/node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64.node');
    expect(files).toContain('runtime/build/Release/coreforge_tflite.node');
    expect(sha256(path.join(dir, 'lib', 'libtensorflowlite_c.so'))).toBe(sha256(tflite219('arm64')));
    expect(files.filter((f) => f.includes('x64'))).toEqual([]);
    expect(readFileSync(path.join(dir, 'meta', 'snap.yaml'), 'utf8')).toContain('architectures:\n  - arm64\n');
  });
});
