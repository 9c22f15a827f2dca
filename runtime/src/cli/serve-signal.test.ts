// The shipped bin (runtime/bin/coreforge-runtime.js over dist/, built by `npm run build` before the tests in CI)
// as a process: SIGTERM while a request is half sent still answers it, then the process exits 0; SIGINT too.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/helpers/fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/coreforge-runtime.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/serve/server.js', import.meta.url));
const MODEL = fixture('models/mobilenet_v2_1.0_224_quant.tflite');
const LABELS = fixture('models/imagenet_labels.txt');
const GRACE = readFileSync(fixture('images/grace_hopper.bmp'));

function startBin() {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run "npm run build" first`);
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--workers', '1', '-m', MODEL, '-l', LABELS], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)),
  );
  const ready = (async () => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const port = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(out)?.[1];
      if (port && /^ready: /m.test(out)) return Number(port);
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the daemon did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { child, exited, ready, output: () => out };
}

describe('coreforge-runtime serve as a process', () => {
  it('on SIGTERM answers the request in flight, then exits 0', async () => {
    const d = startBin();
    const port = await d.ready;
    const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/classify',
          headers: { 'content-length': GRACE.length },
          agent: false,
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      // Half the body now, SIGTERM, the rest after: the request is in flight while the daemon drains.
      req.write(GRACE.subarray(0, 1000), () => {
        d.child.kill('SIGTERM');
        setTimeout(() => req.end(GRACE.subarray(1000)), 300);
      });
    });
    const r = await reply;
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as { results: { index: number }[] }).results[0]!.index).toBe(653);
    expect(await d.exited).toBe(0);
    expect(d.output()).toMatch(/\nshutting down: finishing the requests in flight\n$/);
  });

  it('exits 0 on SIGINT', async () => {
    const d = startBin();
    await d.ready;
    d.child.kill('SIGINT');
    expect(await d.exited).toBe(0);
  });
});
