#!/usr/bin/env node
// npm run bench (part 1): per fixture model and library generation, medians measured in this one run, and ratios:
//   ours / C            our invoke vs the same libtensorflowlite_c from a small C program, same flags (1.00 is the floor);
//                       "our calls ran": inline (on the JS thread, CPU_INLINE_BELOW_MS), thread, or the share inline
//   JPEG→top5 / invoke  parrot.jpg read, decoded, resized, invoked, top-5, vs the invoke alone
//   LiteRT.js / ours    @litertjs/core 2.5.3 (WASM + XNNPACK, the fastest Node alternative) vs ours, same input, 1 thread
// TFLite 2.9 is tfjs-tflite-node's; 2.19 is $COREFORGE_TFLITE_DIR/linux-<arch> (test/run.mjs's default: ../shared/tflite).
// Each generation runs in its own process (test/bench/generation.mjs). --write-readme replaces the README table.
// Needs a built runtime (npm run build). Writes nothing but a compiled reference under test/.cache.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLiteRtForNode } from './litert-shim.mjs';
import { timeMedian } from './timing.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = process.env.COREFORGE_FIXTURES ?? path.join(here, '..', '..', '..', 'shared', 'fixtures');
const tfliteDir = process.env.COREFORGE_TFLITE_DIR ?? path.join(here, '..', '..', '..', 'shared', 'tflite');
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);
// --write-readme, or BENCH_WRITE_README=1 (so that one `npm run bench` both measures and writes the table).
const writeReadme = process.argv.includes('--write-readme') || process.env.BENCH_WRITE_README === '1';
const README = path.join(here, '..', '..', 'README.md');
const BEGIN = '<!-- bench:begin (node test/bench/run.mjs --write-readme) -->';
const END = '<!-- bench:end -->';

const time = (fn) => timeMedian(fn, ITERATIONS);

// The share of CPU time the hypervisor gave to other guests (/proc/stat "steal") while the bench ran: on a shared VM
// a run with steal is not comparable with a quiet one, and the ratios move with it.
const cpuTimes = () => {
  if (!existsSync('/proc/stat')) return undefined;
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return { steal: fields[7], total: fields.reduce((a, b) => a + b, 0) };
};
const cpuAtStart = cpuTimes();

const libraries = [
  { label: '2.9', file: createRequire(import.meta.url)('../../runtime/scripts/paths.cjs').libraryFor() },
  { label: '2.19', file: path.join(tfliteDir, `linux-${process.arch}`, 'libtensorflowlite_c.so') },
];
for (const l of libraries)
  if (!existsSync(l.file))
    throw new Error(`TFLite ${l.label} not found at ${l.file}: run "npm ci" / set COREFORGE_TFLITE_DIR`);

const generations = libraries.map((l) => ({
  ...l,
  ...JSON.parse(
    execFileSync(process.execPath, [path.join(here, 'generation.mjs'), l.file, String(ITERATIONS)], {
      encoding: 'utf8',
      env: { ...process.env, COREFORGE_TFLITE_LIB: '' },
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ),
}));

// LiteRT.js on the same models and input tensors, one thread.
const litert = await loadLiteRtForNode();
const litertMs = {};
for (const row of generations[0].rows) {
  const model = await litert.loadAndCompile(new Uint8Array(readFileSync(path.join(fixtures, 'models', row.model))), {
    accelerator: 'wasm',
  });
  const tensor = Buffer.from(row.tensor, 'base64');
  const int8 = row.inputType === 'int8';
  const typed = int8
    ? new Int8Array(tensor.buffer, tensor.byteOffset, tensor.length)
    : new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.length);
  const side = Math.round(Math.sqrt(tensor.length / 3));
  litertMs[row.model] = await time(async () => {
    const t = new litert.Tensor(typed, [1, side, side, 3]);
    const [out] = await model.run([t]);
    if ((await out.data()).length === 0) throw new Error('LiteRT.js returned no scores');
    t.delete();
    out.delete();
  });
  model.delete();
}

const f = (x) => x.toFixed(2);
const lines = [
  `${process.arch}, 1 thread, median of ${ITERATIONS}; ours/C: median of 5 interleaved rounds (BENCH_ROUNDS); invoke input: grace_hopper.bmp; JPEG→top5: parrot.jpg; one run of \`npm run bench\``,
  '',
  '| model | TFLite | path | C ref ms | ours ms | ours/C | our calls ran | JPEG→top5 ms | JPEG/invoke | LiteRT.js ms | LiteRT.js/ours | builtin kernels ms |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const i of generations[0].rows.keys())
  for (const g of generations) {
    const r = g.rows[i];
    const lt = litertMs[r.model];
    lines.push(
      `| ${r.model.replace('.tflite', '')} | ${g.version} | ${r.path} | ${f(r.cMs)} | ${f(r.oursMs)} | ${f(r.oursOverC)} | ${r.dispatch} | ${f(r.jpegMs)} | ${f(r.jpegMs / r.oursMs)} | ${f(lt)} | ${f(lt / r.oursMs)} | ${f(r.builtinMs)} |`,
    );
  }
const shipped = generations[1];
const worstVsLitert = Math.min(...shipped.rows.map((r) => litertMs[r.model] / r.oursMs));
const worstVsC = Math.max(...shipped.rows.map((r) => r.oursOverC));
lines.push(
  '',
  `TFLite ${shipped.version} (the library the snap ships): at least ${f(worstVsLitert)}x as fast as LiteRT.js on every fixture (goal 1.8x), at most ${f(worstVsC)}x the C reference (goal 1.05x).`,
);
const builtinRatio = shipped.rows.map((r, i) => r.builtinMs / generations[0].rows[i].builtinMs);
lines.push(
  '',
  `Builtin kernels (no XNNPACK: what ops XNNPACK does not take run on), ${shipped.version} / 2.9: ${builtinRatio.map(f).join(', ')} (below 1 = faster than 2.9).`,
);
const cpuAtEnd = cpuTimes();
if (cpuAtStart && cpuAtEnd && cpuAtEnd.total > cpuAtStart.total) {
  const steal = (100 * (cpuAtEnd.steal - cpuAtStart.steal)) / (cpuAtEnd.total - cpuAtStart.total);
  lines.push(
    '',
    `Host steal during this run: ${steal.toFixed(1)}% of CPU time (/proc/stat; a shared VM's other guests).`,
  );
}
const table = lines.join('\n');
console.log(table);
if (writeReadme) {
  const text = readFileSync(README, 'utf8');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${BEGIN} ... ${END} block`);
  writeFileSync(README, `${text.slice(0, a + BEGIN.length)}\n${table}\n${text.slice(b)}`);
  console.log('README.md: bench table replaced');
}
