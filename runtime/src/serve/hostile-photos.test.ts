// The serve daemon as shipped (runtime/bin over dist/, a child process, TFLite 2.19 as the snap ships it) against
// what users and the network send: a burst of 7000x7000 WebPs (peak RSS measured by the kernel, VmHWM), decodes
// over the memory budget (503 + Retry-After), a minimal /healthz, the bearer token, and SIGTERM with slow clients.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/helpers/fixtures.js';
import { call, errorCode } from '../../../test/helpers/http-client.js';
import { tflite219 } from '../../../test/helpers/tflite.js';

const BIN = fileURLToPath(new URL('../../bin/coreforge-runtime.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/serve/server.js', import.meta.url));
const MODEL = fixture('models/mobilenet_v2_1.0_224_quant.tflite');
const LABELS = fixture('models/imagenet_labels.txt');
const GRACE = readFileSync(fixture('images/grace_hopper.bmp'));
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-serve-photos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startDaemon(extra: string[] = []) {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run "npm run build" first`);
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--workers', '2', '-m', MODEL, '-l', LABELS, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, COREFORGE_TFLITE_LIB: tflite219() },
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)),
  );
  const ready = (async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const port = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(out)?.[1];
      if (port && /^ready: /m.test(out)) return Number(port);
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the daemon did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  // A daemon meant to fail never gets awaited as ready: do not let that surface as an unhandled rejection.
  ready.catch(() => undefined);
  const status = (field: 'VmHWM' | 'VmRSS') =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) /
    1024;
  return { child, exited, ready, status, output: () => out };
}

describe('a burst of 40 7000x7000 WebPs', () => {
  it('is answered (200, or 503 with Retry-After) and keeps the daemon under 300 MiB peak RSS', async () => {
    const webp = await sharp({
      create: { width: 7000, height: 7000, channels: 3, background: { r: 200, g: 60, b: 90 } },
    })
      .webp()
      .toBuffer();
    const d = startDaemon();
    try {
      const port = await d.ready;
      const replies = await Promise.all(Array.from({ length: 40 }, () => call(port, 'POST', '/v1/classify', webp)));
      const peak = d.status('VmHWM');
      console.log(
        `serve: 40 x ${webp.length}-byte 7000x7000 WebP: peak RSS ${peak.toFixed(1)} MiB, statuses ${[...new Set(replies.map((r) => r.status))].join(',')}`,
      );
      for (const r of replies) {
        expect([200, 503]).toContain(r.status);
        if (r.status === 503) expect(r.headers['retry-after']).toBe('1');
      }
      expect(replies.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(peak).toBeLessThan(300);
    } finally {
      d.child.kill('SIGTERM');
      await d.exited;
    }
    // Encoding the 7000x7000 test image alone takes seconds on a loaded 2-core machine.
  }, 240_000);
});

describe('decodes over the memory budget', () => {
  it('get 503 IMAGE_BUSY with Retry-After while another decode holds it, and the daemon still classifies', async () => {
    const png = await sharp({
      create: { width: 4000, height: 4000, channels: 3, background: { r: 10, g: 200, b: 30 } },
    })
      .png()
      .toBuffer();
    const d = startDaemon(['--decode-memory', String(1024 * 1024)]);
    try {
      const port = await d.ready;
      const replies = await Promise.all(Array.from({ length: 6 }, () => call(port, 'POST', '/v1/classify', png)));
      const busy = replies.filter((r) => r.status === 503);
      expect(replies.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(busy.length).toBeGreaterThan(0);
      for (const r of busy) {
        expect(errorCode(r)).toBe('IMAGE_BUSY');
        expect(r.headers['retry-after']).toBe('1');
      }
      expect((await call(port, 'POST', '/v1/classify', GRACE)).status).toBe(200);
    } finally {
      d.child.kill('SIGTERM');
      await d.exited;
    }
  });
});

describe('the network sees little, and may need a token', () => {
  const token = 'k3y-0123456789abcdef';
  let d: ReturnType<typeof startDaemon>;
  let port: number;
  beforeAll(async () => {
    writeFileSync(path.join(dir, 'token'), `${token}\n`, { mode: 0o600 });
    d = startDaemon(['--token-file', path.join(dir, 'token')]);
    port = await d.ready;
  });
  afterAll(async () => {
    d.child.kill('SIGTERM');
    await d.exited;
  });

  it('/healthz says how the model runs, and no file path', async () => {
    const r = await call(port, 'GET', '/healthz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({
      status: 'ok',
      model: { path: 'xnnpack(qs8+qu8)', threads: 1, tflite: '2.19.0' },
      workers: 2,
      queue: { depth: 0, max: 32 },
      inFlight: 0,
    });
    expect(r.body).not.toContain('/');
  });

  it('POST /v1/classify needs the bearer token: 401 without it or with a wrong one, 200 with it', async () => {
    const none = await call(port, 'POST', '/v1/classify', GRACE);
    expect([none.status, errorCode(none), none.headers['www-authenticate']]).toEqual([
      401,
      'UNAUTHORIZED',
      'Bearer realm="coreforge"',
    ]);
    const wrong = await call(port, 'POST', '/v1/classify', GRACE, { authorization: 'Bearer k3y-0123456789abcdeX' });
    expect([wrong.status, errorCode(wrong)]).toEqual([401, 'UNAUTHORIZED']);
    const ok = await call(port, 'POST', '/v1/classify', GRACE, { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).results[0].index).toBe(653);
    expect(ok.body).not.toContain('/');
    expect(d.output()).not.toContain(token);
  });

  it('refuses a token file with a short or odd token, naming the file and not the token', async () => {
    writeFileSync(path.join(dir, 'short'), 'abc\n');
    const bad = startDaemon(['--token-file', path.join(dir, 'short')]);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain(
      `cannot use the token in "${path.join(dir, 'short')}": expected 16 to 256 characters`,
    );
    expect(bad.output()).not.toContain('abc');
  });
});

describe('SIGTERM', () => {
  it('closes idle and slow-header connections at once, answers the request in flight, and exits in well under the stop timeout', async () => {
    const d = startDaemon();
    const port = await d.ready;
    // A client sending its headers one byte at a time, and an idle keep-alive connection.
    const slow = connect(port, '127.0.0.1');
    slow.write('POST /v1/classify HTTP/1.1\r\nHost: x\r\n');
    const slowClosed = new Promise((r) => slow.once('close', r));
    slow.on('error', () => undefined);
    const idle = connect(port, '127.0.0.1');
    idle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    idle.on('error', () => undefined);
    await new Promise((r) => idle.once('data', r));
    // A request in flight: headers and half the body now, the rest after SIGTERM (its headers have arrived).
    let started = 0;
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
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
      req.write(GRACE.subarray(0, 1000), () =>
        setTimeout(() => {
          started = Date.now();
          d.child.kill('SIGTERM');
          setTimeout(() => req.end(GRACE.subarray(1000)), 100);
        }, 300),
      );
    });
    const answered = await inFlight;
    expect(await d.exited).toBe(0);
    const ms = Date.now() - started;
    await slowClosed;
    console.log(`serve: SIGTERM with a slow-header client and an idle keep-alive connection: exited 0 after ${ms} ms`);
    expect(answered.status).toBe(200);
    expect(ms).toBeLessThan(3000);
  });
});
