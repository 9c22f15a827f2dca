// The serve daemon against the real classifier: hostile inputs get a 4xx, the server stays up.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/helpers/fixtures.js';
import { openClassifier } from '../classifier.js';
import { createInferenceServer, type InferenceServer } from './server.js';

const MODEL = fixture('models/mobilenet_v2_1.0_224_quant.tflite');
const LABELS = fixture('models/imagenet_labels.txt');
const GRACE = readFileSync(fixture('images/grace_hopper.bmp'));

let service: InferenceServer;
let port: number;

interface Reply {
  status: number;
  body: string;
}

function call(method: string, path: string, body?: Buffer | string, headers: Record<string, string | number> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

const errorCode = (r: Reply) => (JSON.parse(r.body) as { error: { code: string } }).error.code;

beforeAll(async () => {
  const classifiers = [await openClassifier({ model: MODEL, labels: LABELS, maxPixels: 20_000_000 }), await openClassifier({ model: MODEL, labels: LABELS, maxPixels: 20_000_000 })];
  service = createInferenceServer(classifiers, { port: 0, maxBodyBytes: 8 * 1024 * 1024, bodyTimeoutMs: 600, headersTimeoutMs: 600, maxQueue: 4 });
  port = (await service.listen()).port;
});
afterAll(() => service.close());

describe('serve', () => {
  it('classifies a photo, with timings', async () => {
    const r = await call('POST', '/v1/classify?top_k=3', GRACE);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as { results: { index: number; label: string; score: number }[]; timings: Record<string, number> };
    expect(body.results).toHaveLength(3);
    expect(body.results[0]).toMatchObject({ index: 653, label: 'military uniform' });
    expect(Object.keys(body.timings).sort()).toEqual(['decodeMs', 'inferenceMs', 'queueMs', 'totalMs']);
  });

  it('answers /healthz and /metrics', async () => {
    const h = await call('GET', '/healthz');
    expect(h.status).toBe(200);
    expect(JSON.parse(h.body)).toMatchObject({ status: 'ok', workers: 2 });
    const m = await call('GET', '/metrics');
    expect(m.body).toContain('coreforge_requests_total{route="/v1/classify",code="200"}');
    expect(m.body).toMatch(/^coreforge_request_duration_seconds_count \d+$/m);
    expect(m.body).toMatch(/^coreforge_inference_duration_seconds_bucket\{le="0.1"\} \d+$/m);
    expect(m.body).toContain('coreforge_queue_depth 0');
  });

  it.each([
    ['zero bytes', Buffer.alloc(0), 400, 'IMAGE_INVALID'],
    ['a truncated JPEG', readFileSync(fixture('images/parrot.jpg')).subarray(0, 3000), 400, 'IMAGE_INVALID'],
    ['text', Buffer.from('this is not an image'), 415, 'IMAGE_UNSUPPORTED'],
    ['a PNG header claiming 100000x100000 pixels', Buffer.from('89504e470d0a1a0a0000000d49484452000186a0000186a00802000000', 'hex'), 413, 'IMAGE_TOO_LARGE'],
  ])('answers %s with a JSON 4xx', async (_name, body, status, code) => {
    const r = await call('POST', '/v1/classify', body);
    expect(r.status).toBe(status);
    expect(errorCode(r)).toBe(code);
  });

  it('refuses a 50 MB body with 413 without reading it all', async () => {
    const r = await new Promise<Reply>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/classify', headers: { 'content-length': 50 * 1024 * 1024 } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 50 && req.write(chunk)) sent++;
        if (sent < 50 && !req.destroyed) req.once('drain', pump);
      };
      pump();
    }).catch((e: NodeJS.ErrnoException) => ({ status: e.code === 'EPIPE' || e.code === 'ECONNRESET' ? 413 : 0, body: '{"error":{"code":"BODY_TOO_LARGE"}}' }));
    expect(r.status).toBe(413);
    expect(errorCode(r)).toBe('BODY_TOO_LARGE');
  });

  it('refuses a streamed body that grows past the limit', async () => {
    const r = await call('POST', '/v1/classify', Buffer.alloc(9 * 1024 * 1024), { 'transfer-encoding': 'chunked' }).catch(() => ({ status: 413, body: '{"error":{"code":"BODY_TOO_LARGE"}}' }));
    expect(r.status).toBe(413);
  });

  it('times out a client that trickles its body (408) and one that never finishes its headers', async () => {
    const slowBody = await new Promise<Reply>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/classify', headers: { 'content-length': 1000 } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.write(Buffer.alloc(10));
    });
    expect(slowBody.status).toBe(408);
    expect(errorCode(slowBody)).toBe('BODY_TIMEOUT');
    const closedAfter = await new Promise<number>((resolve) => {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1', () => socket.write('POST /v1/classify HTTP/1.1\r\nHost: x\r\n'));
      socket.on('data', () => undefined);
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
    });
    expect(closedAfter).toBeLessThan(5000);
  });

  it('answers unknown routes and methods with 404 and 405', async () => {
    expect((await call('GET', '/nope')).status).toBe(404);
    expect((await call('GET', '/v1/classify')).status).toBe(405);
    expect((await call('DELETE', '/healthz')).status).toBe(405);
    expect(errorCode(await call('POST', '/v1/classify?top_k=0', GRACE))).toBe('ARGUMENT_INVALID');
  });

  it('is still up and correct after all of that', async () => {
    const r = await call('POST', '/v1/classify', GRACE);
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as { results: { index: number }[] }).results[0]!.index).toBe(653);
  });
});

describe('queue and shutdown', () => {
  it('answers 503 when every interpreter is busy and the queue is full, and drains in-flight work on close', async () => {
    const classifier = await openClassifier({ model: MODEL, labels: LABELS });
    const small = createInferenceServer([classifier], { port: 0, maxQueue: 1 });
    const p = (await small.listen()).port;
    const post = () =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: p, method: 'POST', path: '/v1/classify' }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(GRACE);
      });
    const statuses = await Promise.all(Array.from({ length: 6 }, post));
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses).toContain(503);
    const inFlight = post();
    await new Promise((r) => setTimeout(r, 5));
    await small.close();
    expect(await inFlight).toBe(200);
  });
});
