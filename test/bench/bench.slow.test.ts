// npm run bench still runs and measures what it says, in a short mode (few iterations, one interleaved round, no
// timed warm-up, 200 requests): every fixture model on both library generations gets a row of numbers, the shipped
// 2.19 library takes the XNNPACK path on every fixture (a stale or broken addon falls back to builtin kernels, which
// this catches), and the serve part reports throughput and memory. The numbers themselves are judged by people
// reading a full `npm run bench`, not here.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const exec = promisify(execFile);
const MODELS = [
  'mobilenet_v1_0.25_128_quant',
  'mobilenet_v1_0.75_192_quant',
  'mobilenet_v2_1.0_224_quant',
  'tf2_mobilenet_v2_1.0_224_ptq',
];
const env = { ...process.env, BENCH_ITERATIONS: '3', BENCH_ROUNDS: '1', BENCH_WARMUP_MS: '0' };
const num = String.raw`\d+\.\d\d`;
// C ref, ours, ours/C | where our calls ran | JPEG→top5, JPEG/invoke, LiteRT.js, LiteRT.js/ours, builtin kernels.
const cells = String.raw`${num}(?: \| ${num}){2} \| (?:inline|thread|inline \d+%)(?: \| ${num}){5}`;

describe('npm run bench (short mode)', () => {
  it('prints a row of numbers for every fixture model and generation, with 2.19 on XNNPACK', async () => {
    const { stdout } = await exec(process.execPath, [path.join(REPO_ROOT, 'test/bench/run.mjs')], {
      cwd: REPO_ROOT,
      env,
      maxBuffer: 1 << 22,
    });
    for (const model of MODELS) {
      expect(stdout).toMatch(new RegExp(`^\\| ${model} \\| 2\\.9\\.0 \\| [a-z0-9()+]+ \\| ${cells} \\|$`, 'm'));
      expect(stdout).toMatch(
        new RegExp(`^\\| ${model} \\| 2\\.19\\.0 \\| xnnpack\\([a-z0-9+-]+\\) \\| ${cells} \\|$`, 'm'),
      );
    }
    expect(stdout).toMatch(
      new RegExp(
        `at least ${num}x as fast as LiteRT\\.js on every fixture \\(goal 1\\.8x\\), at most ${num}x the C reference`,
      ),
    );
    expect(stdout).toMatch(/^Host steal during this run: \d+\.\d% of CPU time/m);
  }, 300_000);

  it('reports serve throughput for 1 and 4 clients and the daemon memory', async () => {
    const { stdout } = await exec(
      process.execPath,
      ['--expose-gc', path.join(REPO_ROOT, 'test/bench/serve.mjs'), '--requests', '200'],
      { cwd: REPO_ROOT, env, maxBuffer: 1 << 22 },
    );
    expect(stdout).toMatch(/^ {2}1 client {2}\d+\.\d req\/s/m);
    expect(stdout).toMatch(/^ {2}4 clients \d+\.\d req\/s .* ratio \d+\.\d\dx/m);
    expect(stdout).toMatch(/100 -> 200 requests: -?\d+\.\d% \(goal within 10%\)/);
  }, 300_000);

  it('times the builds: cold, unchanged and model-only, on its own defaults for ../shared', async (ctx) => {
    // As `npm run bench` runs it: no COREFORGE_TFLITE_DIR from test/run.mjs (its lack once failed this part).
    const own: NodeJS.ProcessEnv = { ...env, BENCH_BUILD_RUNS: '1' };
    delete own.COREFORGE_TFLITE_DIR;
    const { stdout } = await exec(process.execPath, [path.join(REPO_ROOT, 'test/bench/build.mjs')], {
      cwd: REPO_ROOT,
      env: own,
      maxBuffer: 1 << 22,
    });
    const skipped = /^build bench skipped: (.*)$/m.exec(stdout);
    if (skipped) {
      console.log(`skipped: ${skipped[1]}`); // the stand-in ubuntu-image's tools are missing; CI installs them
      ctx.skip();
    }
    expect(stdout).toMatch(/^\| cold \(no build state\) \| \d+\.\d\d s \| 1\.00 \| \|$/m);
    expect(stdout).toMatch(/^\| unchanged rebuild \| \d+\.\d\d s \| \d\.\d{3} \| <= 0\.05 \|$/m);
    expect(stdout).toMatch(/^\| model-only rebuild \| \d+\.\d\d s \| \d\.\d{3} \| <= 0\.15 \|$/m);
  }, 600_000);
});
