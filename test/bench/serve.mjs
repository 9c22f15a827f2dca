#!/usr/bin/env node
// Serve benchmark, on 127.0.0.1 only, bounded in count: throughput with 1 vs 4 concurrent clients
// (mobilenet_v2_1.0_224_quant, one worker per core), and resident memory after 100 vs 5,000 requests
// (mobilenet_v1_0.25_128_quant, so 5,000 requests take seconds, not minutes).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openClassifier } from '@coreforge/runtime';
import { createInferenceServer } from '../../runtime/dist/serve/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = process.env.COREFORGE_FIXTURES ?? path.join(here, '..', '..', '..', 'shared', 'fixtures');
const photo = readFileSync(path.join(fixtures, 'images', 'grace_hopper.bmp'));
const workers = availableParallelism();

function post(port) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/classify', agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(photo);
  });
}

async function start(model) {
  const classifiers = [];
  for (let i = 0; i < workers; i++) classifiers.push(await openClassifier({ model: path.join(fixtures, 'models', model), labels: path.join(fixtures, 'models', 'imagenet_labels.txt') }));
  const service = createInferenceServer(classifiers, { port: 0, maxQueue: 64 });
  const { port } = await service.listen();
  return { service, port };
}

async function rate(port, clients, total) {
  let left = total;
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (left-- > 0) await post(port);
  }));
  return total / ((performance.now() - started) / 1000);
}

{
  const { service, port } = await start('mobilenet_v2_1.0_224_quant.tflite');
  await rate(port, 2, 8);
  const one = await rate(port, 1, 40);
  const four = await rate(port, 4, 80);
  await service.close();
  console.log(`serve throughput (mobilenet_v2_1.0_224_quant, ${workers} workers): 1 client ${one.toFixed(1)} req/s, 4 clients ${four.toFixed(1)} req/s, ratio ${(four / one).toFixed(2)}x`);
}
{
  const { service, port } = await start('mobilenet_v1_0.25_128_quant.tflite');
  await rate(port, 4, 100);
  globalThis.gc?.();
  const after100 = process.memoryUsage().rss;
  await rate(port, 4, 2400);
  globalThis.gc?.();
  const after2500 = process.memoryUsage().rss;
  await rate(port, 4, 2500);
  globalThis.gc?.();
  const after5000 = process.memoryUsage().rss;
  await service.close();
  const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const pct = (a, b) => `${(((b - a) / a) * 100).toFixed(1)}%`;
  console.log(`serve memory (mobilenet_v1_0.25_128_quant, client in the same process): RSS after 100 requests ${mib(after100)}, after 2500 ${mib(after2500)}, after 5000 ${mib(after5000)}; 100->5000 ${pct(after100, after5000)}, 2500->5000 ${pct(after2500, after5000)}`);
}
