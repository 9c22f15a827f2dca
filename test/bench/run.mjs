#!/usr/bin/env node
// npm run bench (part 1): per fixture model and library generation, medians measured in this one run, and ratios:
//   ours / C            our invoke vs the same libtensorflowlite_c from a small C program, same flags (1.00 is the floor);
//                       "our calls ran": inline (on the JS thread, CPU_INLINE_BELOW_MS), thread, or the share inline
//   JPEG→top5 / invoke  parrot.jpg read, decoded, resized, invoked, top-5, vs the invoke alone
//   LiteRT.js / ours    @litertjs/core 2.5.3 (WASM + XNNPACK, the fastest Node alternative) vs ours, same input, 1 thread
// C, ours and LiteRT.js take turns in short rounds in one process per generation, so a drift in the machine's speed
// hits both sides of each ratio alike (test/bench/generation.mjs).
// TFLite 2.9 is tfjs-tflite-node's; 2.19 is $COREFORGE_TFLITE_DIR/linux-<arch> (default ../shared/tflite, test/bench/shared.mjs).
// Each generation runs in its own process (test/bench/generation.mjs). --write-readme replaces the README table.
// Needs a built runtime (npm run build). Writes nothing but a compiled reference under test/.cache.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tfliteDir } from './shared.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// Calls per contender per round, and rounds (test/bench/generation.mjs reads the same variables).
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 24);
// --write-readme, or BENCH_WRITE_README=1 (so that one `npm run bench` both measures and writes the table).
const writeReadme = process.argv.includes('--write-readme') || process.env.BENCH_WRITE_README === '1';
const README = path.join(here, '..', '..', 'README.md');
const BEGIN = '<!-- bench:begin (node test/bench/run.mjs --write-readme) -->';
const END = '<!-- bench:end -->';

// The share of CPU time the hypervisor gave to other guests (/proc/stat "steal") while the bench ran: on a shared VM
// a run with steal is not comparable with a quiet one, and the ratios move with it.
const cpuTimes = () => {
  if (!existsSync('/proc/stat')) return undefined;
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return { steal: fields[7], total: fields.reduce((a, b) => a + b, 0) };
};
const cpuAtStart = cpuTimes();

// The CPU and the vector extensions XNNPACK picks its kernels by: int8 GEMMs run 2-3x faster with AVX-512 VNNI than
// with AVX2 alone, while LiteRT.js's WASM SIMD does not change, so the ratio to LiteRT.js depends on this line.
function cpuDescription() {
  const info = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const name = /^model name\s*:\s*(.*)$/m.exec(info)?.[1]?.trim() ?? 'unknown CPU';
  const flags = new Set(/^(?:flags|Features)\s*:\s*(.*)$/m.exec(info)?.[1]?.split(/\s+/) ?? []);
  const isa = ['avx512_vnni', 'avx_vnni', 'avx512f', 'avx2', 'asimddp', 'asimd'].filter((x) => flags.has(x));
  return `${name} (${isa.join(', ') || 'no AVX2/NEON'})`;
}

const libraries = [
  { label: '2.9', file: createRequire(import.meta.url)('../../runtime/scripts/paths.cjs').libraryFor() },
  { label: '2.19', file: path.join(tfliteDir, `linux-${process.arch}`, 'libtensorflowlite_c.so') },
];
for (const l of libraries)
  if (!existsSync(l.file))
    throw new Error(`TFLite ${l.label} not found at ${l.file}: run "npm ci" / set COREFORGE_TFLITE_DIR`);

// Each generation's process is pinned to one CPU (taskset), with the C reference it starts: a vCPU of a shared VM runs
// up to ~1.4x slower while the host's other guests use its sibling, and unpinned, the reference and ours ran on
// different vCPUs within a round (ours/C of one run: 0.85-1.24 across models; pinned: 1.01-1.06).
const PIN_CPU = availableParallelism() - 1;
const pinned = spawnSync('taskset', ['-c', String(PIN_CPU), 'true']).status === 0;
const generations = libraries.map((l) => ({
  ...l,
  ...JSON.parse(
    execFileSync(
      pinned ? 'taskset' : process.execPath,
      [
        ...(pinned ? ['-c', String(PIN_CPU), process.execPath] : []),
        path.join(here, 'generation.mjs'),
        l.file,
        String(ITERATIONS),
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, COREFORGE_TFLITE_LIB: '' },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    ),
  ),
}));

const f = (x) => x.toFixed(2);
const lines = [
  `${process.arch}, ${cpuDescription()}, 1 thread, ${pinned ? `pinned to CPU ${PIN_CPU}` : 'not pinned (no taskset)'}; C ref, ours and LiteRT.js (${generations[1].litert}) take turns in ${ROUNDS} rounds of ${ITERATIONS} calls, ms = median call, ratios = median of the rounds' ratios; invoke input: grace_hopper.bmp; JPEG→top5: parrot.jpg; one run of \`npm run bench\``,
  '',
  '| model | TFLite | path | C ref ms | ours ms | ours/C | our calls ran | JPEG→top5 ms | JPEG/invoke | LiteRT.js ms | LiteRT.js/ours | builtin kernels ms |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const i of generations[0].rows.keys())
  for (const g of generations) {
    const r = g.rows[i];
    lines.push(
      `| ${r.model.replace('.tflite', '')} | ${g.version} | ${r.path} | ${f(r.cMs)} | ${f(r.oursMs)} | ${f(r.oursOverC)} | ${r.dispatch} | ${f(r.jpegMs)} | ${f(r.jpegMs / r.oursMs)} | ${f(r.litertMs)} | ${f(r.litertOverOurs)} | ${f(r.builtinMs)} |`,
    );
  }
const shipped = generations[1];
const worstVsLitert = Math.min(...shipped.rows.map((r) => r.litertOverOurs));
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
