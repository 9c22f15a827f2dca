#!/usr/bin/env node
// OTA delta bench (issue 5): what a model-only, a one-byte model, a runtime-only and a labels-only update
// cost as a Snap Store delta (xdelta3 over the squashfs), for xz and lzo snaps.
// Usage: npx tsc -b && node test/bench/delta.mjs [--json]   (needs snap, unsquashfs, xdelta3; ~5 minutes)
// Fixtures from $COREFORGE_FIXTURES or ../shared/fixtures, TFLite 2.19 from $COREFORGE_TFLITE_DIR or ../shared/tflite; npm tarballs cached in $COREFORGE_CACHE or test/.cache/coreforge.
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProjectConfig, packInferenceSnap, run, snapDeltaReport } from '@coreforge/builder';
import { fixtures } from './shared.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = process.env.COREFORGE_CACHE ?? path.join(repo, 'test', '.cache', 'coreforge');
const json = process.argv.includes('--json');
const log = (msg) => process.stderr.write(`${msg}\n`);

/** The project for one snap: a coreforge.yaml in its own folder, through the real loader (defaults, checks). */
async function config(name, model, labels) {
  const dir = path.join(work, 'projects', name);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'coreforge.yaml');
  await writeFile(
    file,
    [
      'name: classifier',
      'target: pc-amd64',
      'brand: acme',
      'model: acme-classifier-pc',
      'display-name: Acme Classifier',
      'grade: dangerous',
      'inference:',
      `  model: ${JSON.stringify(model)}`,
      `  labels: ${JSON.stringify(labels)}`,
      '',
    ].join('\n'),
  );
  return loadProjectConfig(file);
}

const work = await mkdtemp(path.join(os.tmpdir(), 'coreforge-delta-bench-'));
try {
  const inputs = path.join(work, 'inputs');
  await mkdir(inputs, { recursive: true });
  const v1 = path.join(fixtures, 'models', 'mobilenet_v1_0.75_192_quant.tflite');
  const v2 = path.join(fixtures, 'models', 'mobilenet_v2_1.0_224_quant.tflite');
  const labels = path.join(fixtures, 'models', 'imagenet_labels.txt');
  // One byte of the v2 weights flipped (the middle of the file: inside the weight buffers).
  const v2b = path.join(inputs, 'one-byte', 'mobilenet_v2_1.0_224_quant.tflite');
  await mkdir(path.dirname(v2b), { recursive: true });
  const bytes = await readFile(v2);
  bytes[bytes.length >> 1] ^= 0xff;
  await writeFile(v2b, bytes);
  // Labels with one label reworded.
  const labels2 = path.join(inputs, 'labels', 'imagenet_labels.txt');
  await mkdir(path.dirname(labels2), { recursive: true });
  await writeFile(labels2, (await readFile(labels, 'utf8')).replace('military uniform', 'military dress uniform'));
  // A runtime-only update: the same checkout with one line added to the compiled runtime.
  const repo2 = path.join(work, 'repo2');
  await mkdir(repo2);
  await cp(path.join(repo, 'runtime'), path.join(repo2, 'runtime'), {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}node_modules`),
  });
  await symlink(path.join(repo, 'node_modules'), path.join(repo2, 'node_modules'));
  // The same lock, so the packer stages the same dependencies (it looks for the lock above the runtime folder).
  await cp(path.join(repo, 'package-lock.json'), path.join(repo2, 'package-lock.json'));
  const mainJs = path.join(repo2, 'runtime', 'dist', 'cli', 'main.js');
  await writeFile(mainJs, `${await readFile(mainJs, 'utf8')}// runtime update 0.1.1\n`);

  const snaps = {};
  const pack = async (name, cfg, runtimeDir) => {
    log(`packing ${name}`);
    const r = await packInferenceSnap(cfg, {
      arch: 'amd64',
      outDir: path.join(work, 'snaps', name),
      run,
      cacheDir,
      ...(runtimeDir ? { runtimeDir } : {}),
    });
    snaps[name] = r.snapFile;
  };
  await pack('v1', await config('v1', v1, labels));
  await pack('v2', await config('v2', v2, labels));
  await pack('v2-one-byte', await config('v2-one-byte', v2b, labels));
  await pack('v2-labels', await config('v2-labels', v2, labels2));
  await pack('v2-runtime', await config('v2-runtime', v2, labels), path.join(repo2, 'runtime'));

  const scenarios = [
    ['model swap v1_0.75_192 -> v2_1.0_224', 'v1', 'v2'],
    ['one-byte model change', 'v2', 'v2-one-byte'],
    ['runtime-only (one line of JS)', 'v2', 'v2-runtime'],
    ['labels-only (one label)', 'v2', 'v2-labels'],
  ];
  const results = [];
  for (const [title, a, b] of scenarios) {
    log(`delta: ${title}`);
    const r = await snapDeltaReport(snaps[a], snaps[b], { run });
    results.push({
      scenario: title,
      changedFiles: [...r.files.changed, ...r.files.added],
      changedBytes: r.files.changedBytes,
      figures: r.figures,
    });
  }
  if (json) console.log(JSON.stringify(results, null, 2));
  else {
    const mb = (n) => `${n} B`;
    console.log(
      'scenario                               comp  full snap     delta         delta/full  delta/changed-bytes  changed files',
    );
    for (const r of results)
      for (const f of r.figures)
        console.log(
          `${r.scenario.padEnd(38)} ${f.compression.padEnd(4)}  ${mb(f.newBytes).padEnd(12)}  ${mb(f.deltaBytes).padEnd(12)}  ${(f.ratio * 100).toFixed(3).padStart(8)}%  ${(f.deltaBytes / r.changedBytes).toFixed(2).padStart(18)}x  ${r.changedFiles.join(' ')}`,
        );
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
