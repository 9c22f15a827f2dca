#!/usr/bin/env node
// Serve benchmark against the daemon as shipped (node runtime/bin/coreforge-runtime.js serve, a child process on
// 127.0.0.1), with the load generator in this process. Bounded in count and time. Needs a built runtime (npm run build).
//   throughput: requests/s with 1 and with 4 concurrent clients (default model mobilenet_v2_1.0_224_quant,
//               --workers = CPU count, 1 thread each); goal: 4 clients >= 1.7x one client on 2 cores
//   memory:     the daemon's resident set (VmRSS) after 100 and after 5,000 requests; goal: within 10%
// usage: node test/bench/serve.mjs [--model FILE.tflite] [--memory-model FILE.tflite] [--requests 5000] [--json]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fixtures, tfliteDir } from './shared.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'mobilenet_v2_1.0_224_quant.tflite' },
    'memory-model': { type: 'string', default: 'mobilenet_v2_1.0_224_quant.tflite' },
    requests: { type: 'string', default: '5000' },
    json: { type: 'boolean', default: false },
  },
});
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', '..', 'runtime', 'bin', 'coreforge-runtime.js');
// The daemon runs on the library the snap ships: TFLite 2.19.
const tflite = path.join(tfliteDir, `linux-${process.arch}`, 'libtensorflowlite_c.so');
const photo = readFileSync(path.join(fixtures, 'images', 'grace_hopper.bmp'));
const workers = Math.max(1, availableParallelism());
const TOTAL = Number(values.requests);
const DEADLINE_MS = 10 * 60_000;
const started = Date.now();

/** Starts the daemon; resolves once /healthz is 200, with its port and pid. */
async function startDaemon(model) {
  const child = spawn(
    process.execPath,
    [
      bin,
      'serve',
      '--port',
      '0',
      '--workers',
      String(workers),
      '--queue',
      '64',
      '-m',
      path.join(fixtures, 'models', model),
      '-l',
      path.join(fixtures, 'models', 'imagenet_labels.txt'),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, COREFORGE_TFLITE_LIB: tflite },
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /^ready: /m.test(out) && /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(out);
    if (m) return { port: Number(m[1]), pid: child.pid, child, exited, output: () => out };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the daemon did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stopDaemon(d) {
  d.child.kill('SIGTERM');
  const how = await Promise.race([d.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
  if (how !== 0) {
    d.child.kill('SIGKILL');
    throw new Error(`the daemon did not exit 0 after SIGTERM (${how}): ${d.output()}`);
  }
}

function rssMiB(pid) {
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

function post(port) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/classify', agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve(performance.now() - t) : reject(new Error(`status ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(photo);
  });
}

/** `total` requests from `clients` concurrent clients; requests/s and latency percentiles. */
async function load(port, clients, total) {
  let left = total;
  const latencies = [];
  const t = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) {
        if (Date.now() - started > DEADLINE_MS) throw new Error('the serve bench ran out of time');
        latencies.push(await post(port));
      }
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  return { rate: total / seconds, p50: pct(0.5), p99: pct(0.99) };
}

const report = { workers, cores: availableParallelism() };
{
  const d = await startDaemon(values.model);
  try {
    await load(d.port, 4, 20);
    const one = await load(d.port, 1, 60);
    const four = await load(d.port, 4, 120);
    report.throughput = { model: values.model, one, four, ratio: four.rate / one.rate };
    report.tflite = / TFLite ([\d.]+)$/m.exec(d.output())?.[1] ?? 'unknown';
  } finally {
    await stopDaemon(d);
  }
}
{
  const d = await startDaemon(values['memory-model']);
  try {
    if (TOTAL < 100) throw new Error('--requests must be at least 100 (memory growth is measured from request 100)');
    const checkpoints = [100, 1000, 2500, TOTAL].filter((n) => n <= TOTAL);
    const rss = [{ after: 0, mib: rssMiB(d.pid) }];
    let done = 0;
    for (const n of checkpoints) {
      await load(d.port, 4, n - done);
      done = n;
      rss.push({ after: n, mib: rssMiB(d.pid) });
    }
    const at = (n) => rss.find((r) => r.after === n).mib;
    report.memory = { model: values['memory-model'], requests: TOTAL, rss, growth: at(TOTAL) / at(100) - 1 };
  } finally {
    await stopDaemon(d);
  }
}

if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  const { throughput: t, memory: m } = report;
  const f = (x) => x.toFixed(1);
  console.log(
    `serve throughput (${t.model}, TFLite ${report.tflite}, ${workers} workers on ${report.cores} cores, 1 thread each):`,
  );
  console.log(`  1 client  ${f(t.one.rate)} req/s (p50 ${f(t.one.p50)} ms, p99 ${f(t.one.p99)} ms)`);
  console.log(
    `  4 clients ${f(t.four.rate)} req/s (p50 ${f(t.four.p50)} ms, p99 ${f(t.four.p99)} ms)  ratio ${t.ratio.toFixed(2)}x (goal >= 1.7x)`,
  );
  console.log(
    `serve memory (${m.model}, daemon VmRSS): ${m.rss.map((r) => `${r.after === 0 ? 'idle' : `after ${r.after}`} ${f(r.mib)} MiB`).join(', ')}`,
  );
  console.log(`  100 -> ${m.requests} requests: ${(m.growth * 100).toFixed(1)}% (goal within 10%)`);
}
