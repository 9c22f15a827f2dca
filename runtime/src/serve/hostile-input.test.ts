// The serve daemon with the real classifier (TFLite, mobilenet_v2_1.0_224_quant) against hostile input: every bad
// request gets a JSON 4xx (or, for a slow client, a 408 and a closed socket), and the server still classifies after.
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/helpers/fixtures.js';
import { call, errorCode, rawExchange, type Reply } from '../../../test/helpers/http-client.js';
import { openClassifier } from '../classifier.js';
import { createInferenceServer, type InferenceServer } from './server.js';

const MODEL = fixture('models/mobilenet_v2_1.0_224_quant.tflite');
const LABELS = fixture('models/imagenet_labels.txt');
const GRACE = readFileSync(fixture('images/grace_hopper.bmp'));
const PARROT = readFileSync(fixture('images/parrot.jpg'));
/** A PNG signature and IHDR chunk declaring 100000 x 100000 RGB pixels, and nothing else. */
const HUGE_PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000186a0000186a00802000000', 'hex');
const MAX_BODY = 16 * 1024 * 1024;

let service: InferenceServer;
let port: number;

beforeAll(async () => {
  const open = () => openClassifier({ model: MODEL, labels: LABELS, maxPixels: 20_000_000 });
  service = createInferenceServer(async () => Promise.all([open(), open()]), {
    port: 0,
    maxBodyBytes: MAX_BODY,
    bodyTimeoutMs: 600,
    headersTimeoutMs: 600,
    maxQueue: 4,
  });
  port = (await service.listen()).port;
  await service.ready();
});
afterAll(() => service.close());

const count413 = async () =>
  Number(
    /^coreforge_requests_total\{route="\/v1\/classify",code="413"\} (\d+)$/m.exec(
      (await call(port, 'GET', '/metrics')).body,
    )?.[1] ?? 0,
  );

/** POSTs `total` bytes in 1 MiB chunks, stopping as soon as the server answers; counts what it wrote. */
function postLarge(total: number): Promise<{ reply?: Reply; written: number; error?: string }> {
  return new Promise((resolve) => {
    let written = 0;
    let reply: Reply | undefined;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/classify',
        headers: { 'content-length': total },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          reply = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() };
          resolve({ reply, written });
        });
      },
    );
    // The server closes the connection after its 413, so writes still queued may fail: that is not a failure.
    req.on('error', (e: NodeJS.ErrnoException) =>
      setTimeout(() => resolve(reply ? { reply, written } : { written, error: e.code ?? e.message }), 50),
    );
    const chunk = Buffer.alloc(1024 * 1024);
    const pump = () => {
      while (!reply && !req.destroyed && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

describe('serve with the real model, hostile input', () => {
  it('classifies grace_hopper.bmp (653:military uniform)', async () => {
    const r = await call(port, 'POST', '/v1/classify?top_k=3', GRACE);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as {
      results: { index: number; label: string; score: number }[];
      timings: Record<string, number>;
      model: { path: string };
    };
    expect(body.results).toHaveLength(3);
    expect(body.results[0]).toMatchObject({ index: 653, label: 'military uniform' });
    expect(body.results[0]!.score).toBeGreaterThanOrEqual(0.85);
    expect(Object.keys(body.timings).sort()).toEqual(['decodeMs', 'inferenceMs', 'queueMs', 'totalMs']);
    expect(body.model.path).toMatch(/^xnnpack|^builtin/);
  });

  it.each([
    ['zero bytes', Buffer.alloc(0), 400, 'IMAGE_INVALID'],
    ['a truncated JPEG', PARROT.subarray(0, 3000), 400, 'IMAGE_INVALID'],
    ['a JPEG header alone', PARROT.subarray(0, 200), 400, 'IMAGE_INVALID'],
    ['a truncated BMP', GRACE.subarray(0, 5000), 400, 'IMAGE_INVALID'],
    ['plain text', Buffer.from('this is not an image\n'), 415, 'IMAGE_UNSUPPORTED'],
    ['a PNG header claiming 100000x100000 pixels', HUGE_PNG, 413, 'IMAGE_TOO_LARGE'],
  ])('answers %s with a JSON %i', async (_name, body, status, code) => {
    const r = await call(port, 'POST', '/v1/classify', body);
    expect(r.status).toBe(status);
    expect(errorCode(r)).toBe(code);
  });

  it('answers a 50 MB body with 413 without reading it all', async () => {
    const before = await count413();
    const { reply, written, error } = await postLarge(50 * 1024 * 1024);
    // The answer comes from the Content-Length alone: the client had written little of the 50 MB by then.
    if (reply) {
      expect(reply.status).toBe(413);
      expect(errorCode(reply)).toBe('BODY_TOO_LARGE');
    } else expect(error).toMatch(/^(EPIPE|ECONNRESET)$/);
    expect(written).toBeLessThan(50 * 1024 * 1024);
    expect(await count413()).toBe(before + 1);
  });

  it('answers a chunked body that grows past the limit with 413', async () => {
    const before = await count413();
    const head = 'POST /v1/classify HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n';
    const chunk = `100000\r\n${'a'.repeat(0x100000)}\r\n`;
    const { received } = await rawExchange(port, [head, ...Array.from({ length: 20 }, () => chunk)], 1);
    if (received) expect(received).toMatch(/^HTTP\/1.1 413 /);
    expect(await count413()).toBe(before + 1);
  });

  it('answers a client that trickles its body with 408 and closes it', async () => {
    const { received, openMs } = await rawExchange(
      port,
      [
        'POST /v1/classify HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n',
        ...Array.from({ length: 100 }, () => 'BM'),
      ],
      50,
    );
    expect(received).toMatch(/^HTTP\/1.1 408 /);
    expect(received).toContain('"code":"BODY_TIMEOUT"');
    expect(openMs).toBeLessThan(3000);
  });

  it('answers a client that trickles its headers with 408 and closes it', async () => {
    const { received, openMs } = await rawExchange(
      port,
      ['POST /v1/classify HTTP/1.1\r\n', ...Array.from({ length: 100 }, (_, i) => `x-${i}: y\r\n`)],
      50,
    );
    expect(received).toMatch(/^HTTP\/1.1 408 /);
    expect(openMs).toBeLessThan(3000);
  });

  it('is still up and correct after all of that, and on every fixture photo', async () => {
    for (const [photo, index] of [
      ['grace_hopper.bmp', 653],
      ['parrot.jpg', 89],
      ['cat.bmp', 286],
    ] as const) {
      const r = await call(port, 'POST', '/v1/classify', readFileSync(fixture(`images/${photo}`)));
      expect(r.status).toBe(200);
      expect((JSON.parse(r.body) as { results: { index: number }[] }).results[0]!.index).toBe(index);
    }
    expect((await call(port, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('serve with the real model, under load', () => {
  it('answers 503 QUEUE_FULL beyond the queue and drains in-flight work on close', async () => {
    const small = createInferenceServer([await openClassifier({ model: MODEL, labels: LABELS })], {
      port: 0,
      maxQueue: 1,
    });
    const p = (await small.listen()).port;
    const replies = await Promise.all(Array.from({ length: 6 }, () => call(p, 'POST', '/v1/classify', GRACE)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses).toContain(503);
    for (const r of replies.filter((x) => x.status === 503)) {
      expect(errorCode(r)).toBe('QUEUE_FULL');
      expect(r.headers['retry-after']).toBe('1');
    }
    const received = once(small.server, 'request');
    const inFlight = call(p, 'POST', '/v1/classify', GRACE);
    await received;
    await small.close();
    expect((await inFlight).status).toBe(200);
  });
});
