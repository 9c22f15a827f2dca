#!/usr/bin/env node
// npm run bench, builds: in this one run, the time of a cold `coreforge build` (no build state: everything
// packed and made), of a rebuild with nothing changed, and of a rebuild after swapping the model file for
// another under the same name, and the ratios unchanged / cold (goal <= 0.05) and model-only / cold (goal
// <= 0.15). Uses the built CLI, the real packer, signer and xz, and the STAND-IN ubuntu-image (test/fake-bin:
// snapd's seed writer against a test store made by test/bench/standin-env.ts; the real one needs root and the
// Snap Store). The download cache is warm for all three: the cold build is a project's first build, not a
// machine's. Median of BENCH_BUILD_RUNS (default 3) for the rebuilds.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { fixtures } from './shared.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');
const cli = path.join(repo, 'builder', 'dist', 'cli', 'main.js');
const RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 3);
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-bench-build-'));
const env = {
  ...process.env,
  PATH: `${path.join(repo, 'test', 'fake-bin')}${path.delimiter}${process.env.PATH}`,
  COREFORGE_KEYS_DIR: path.join(dir, 'keys'),
  COREFORGE_CACHE: process.env.COREFORGE_CACHE ?? path.join(repo, 'test', '.cache', 'coreforge'),
  NO_COLOR: '1',
};
class Skip extends Error {}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function coreforge(args) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`coreforge ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { ms: performance.now() - start, result: args.includes('--json') ? JSON.parse(r.stdout) : undefined };
}

const MODELS = ['mobilenet_v2_1.0_224_quant.tflite', 'mobilenet_v1_0.75_192_quant.tflite'];
try {
  copyFileSync(path.join(fixtures, 'models', MODELS[0]), path.join(dir, 'model.tflite'));
  copyFileSync(path.join(fixtures, 'models', 'imagenet_labels.txt'), path.join(dir, 'labels.txt'));
  writeFileSync(
    path.join(dir, 'coreforge.yaml'),
    'name: classifier\ntarget: pc-amd64\nbrand: acme\nmodel: acme-classifier-pc\ngrade: dangerous\ninference:\n  model: model.tflite\n  labels: labels.txt\nsigning:\n  key: acme-dev\noutput: out\n',
  );
  coreforge(['keys', 'create', 'acme-dev']);
  coreforge(['keys', 'export-public', 'acme-dev', '-o', path.join(dir, 'acme-dev.pub')]);
  const viteNode = path.join(repo, 'node_modules', 'vite-node', 'vite-node.mjs');
  const made = spawnSync(
    process.execPath,
    [viteNode, path.join(here, 'standin-env.ts'), path.join(dir, 'acme-dev.pub'), path.join(dir, 'store')],
    { cwd: repo, encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`cannot make the stand-in's test store:\n${made.stderr}`);
  const standIn = JSON.parse(made.stdout.trim().split('\n').at(-1));
  if (standIn.skip) throw new Skip(standIn.skip);
  Object.assign(env, standIn.env);
  // Warm the download cache (Node, dependencies) without timing it, then the cold build from no state.
  coreforge(['build', '--thru', 'pack-snap']);
  rmSync(path.join(dir, 'out'), { recursive: true, force: true });
  const cold = coreforge(['build', '--json']);
  if (cold.result.ran.length !== 6) throw new Error(`the cold build ran ${cold.result.ran.join(', ')}`);
  const unchanged = [];
  const modelOnly = [];
  for (let i = 0; i < RUNS; i++) {
    const u = coreforge(['build', '--json']);
    if (u.result.ran.length !== 0) throw new Error(`the unchanged rebuild ran ${u.result.ran.join(', ')}`);
    unchanged.push(u.ms);
    copyFileSync(path.join(fixtures, 'models', MODELS[(i + 1) % 2]), path.join(dir, 'model.tflite'));
    const m = coreforge(['build', '--json']);
    if (!m.result.ran.includes('pack-snap') || m.result.ran.includes('sign-model'))
      throw new Error(`the model-only rebuild ran ${m.result.ran.join(', ')}`);
    modelOnly.push(m.ms);
  }
  const f = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`coreforge build (offline packer, xz snap, stand-in ubuntu-image), median of ${RUNS} for rebuilds`);
  console.log('| build | time | / cold | goal |');
  console.log('|---|---|---|---|');
  console.log(`| cold (no build state) | ${f(cold.ms)} | 1.00 | |`);
  console.log(
    `| unchanged rebuild | ${f(median(unchanged))} | ${(median(unchanged) / cold.ms).toFixed(3)} | <= 0.05 |`,
  );
  console.log(
    `| model-only rebuild | ${f(median(modelOnly))} | ${(median(modelOnly) / cold.ms).toFixed(3)} | <= 0.15 |`,
  );
} catch (error) {
  if (!(error instanceof Skip)) throw error;
  console.log(`build bench skipped: ${error.message}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
