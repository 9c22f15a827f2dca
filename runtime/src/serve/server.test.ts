// The HTTP layer with stand-in classifiers: routes, errors, limits, the bounded queue, start-up, metrics and drain.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClassifier } from '../../../test/helpers/fake-classifier.js';
import { call, errorCode, rawExchange } from '../../../test/helpers/http-client.js';
import type { Classifier } from '../types.js';
import {
  createInferenceServer,
  type ClassifierSource,
  type InferenceServer,
  type InferenceServerOptions,
} from './server.js';

const opened: InferenceServer[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function start(source: ClassifierSource, options: InferenceServerOptions = {}) {
  const service = createInferenceServer(source, { port: 0, ...options });
  opened.push(service);
  const { port } = await service.listen();
  return { service, port };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('POST /v1/classify', () => {
  it('answers top-k with timings and the model', async () => {
    const { port } = await start([fakeClassifier()]);
    const r = await call(port, 'POST', '/v1/classify?top_k=2', 'an image');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.body) as {
      results: unknown[];
      timings: Record<string, number>;
      model: Record<string, unknown>;
    };
    expect(body.results).toEqual([
      { index: 2, label: 'two', score: 0.7 },
      { index: 1, label: 'one', score: 0.2 },
    ]);
    expect(Object.keys(body.timings).sort()).toEqual(['decodeMs', 'inferenceMs', 'queueMs', 'totalMs']);
    expect(body.timings).toMatchObject({ decodeMs: 1, inferenceMs: 2 });
    expect(body.timings.totalMs).toBeGreaterThanOrEqual(0);
    // How the model runs, never where files are (no paths over the network).
    expect(body.model).toEqual({ path: 'fake', threads: 1, tflite: '0.0.0' });
  });

  it.each([
    ['0', 'cannot classify: top_k must be an integer from 1 to 1000, not "0"'],
    ['1.5', 'cannot classify: top_k must be an integer from 1 to 1000, not "1.5"'],
    ['1001', 'cannot classify: top_k must be an integer from 1 to 1000, not "1001"'],
    ['', 'cannot classify: top_k must be an integer from 1 to 1000, not ""'],
  ])('refuses top_k=%j with 400', async (value, message) => {
    const { port } = await start([fakeClassifier()]);
    const r = await call(port, 'POST', `/v1/classify?top_k=${value}`, 'x');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ error: { code: 'ARGUMENT_INVALID', message } });
  });

  it.each([
    ['bad', 400, 'IMAGE_INVALID', 'cannot decode the image: bad'],
    ['huge', 413, 'IMAGE_TOO_LARGE', 'cannot decode the image: huge'],
    ['fail', 500, 'INFERENCE_FAILED', 'cannot invoke: fail'],
    ['crash', 500, 'INTERNAL', 'internal error: see the service log'],
  ])('maps the classifier refusing %j to %i %s', async (body, status, code, message) => {
    const logged: string[] = [];
    const { port } = await start([fakeClassifier()], { log: (t) => logged.push(t) });
    const r = await call(port, 'POST', '/v1/classify', body);
    expect(r.status).toBe(status);
    expect(JSON.parse(r.body)).toEqual({ error: { code, message } });
    // Internal errors are logged with their stack; the client's mistakes are not.
    expect(logged.length).toBe(status === 500 ? 1 : 0);
    if (body === 'crash') expect(logged[0]).toMatch(/^error: POST \/v1\/classify: Error: a bug\n\s+at /);
  });

  it('refuses an empty body with 400 IMAGE_INVALID', async () => {
    const { port } = await start([fakeClassifier()]);
    const r = await call(port, 'POST', '/v1/classify', Buffer.alloc(0));
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({
      error: { code: 'IMAGE_INVALID', message: 'cannot classify the image: the body is empty (POST the image bytes)' },
    });
  });
});

describe('limits', () => {
  it('refuses a declared Content-Length over the limit before reading, and closes the connection', async () => {
    const fake = fakeClassifier();
    const { port } = await start([fake], { maxBodyBytes: 1000 });
    const { received } = await rawExchange(
      port,
      ['POST /v1/classify HTTP/1.1\r\nhost: x\r\ncontent-length: 52428800\r\n\r\n'],
      0,
    );
    expect(received).toMatch(/^HTTP\/1.1 413 Payload Too Large\r\n/);
    expect(received.toLowerCase()).toContain('connection: close');
    expect(received).toContain(
      '{"error":{"code":"BODY_TOO_LARGE","message":"cannot read the body: it is 52428800 bytes, the limit is 1000 bytes"}}',
    );
    expect(fake.calls).toBe(0);
  });

  it('refuses a chunked body once it grows past the limit', async () => {
    const { port } = await start([fakeClassifier()], { maxBodyBytes: 1000 });
    const chunk = Buffer.alloc(600).toString();
    const { received } = await rawExchange(
      port,
      [
        'POST /v1/classify HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n',
        `258\r\n${chunk}\r\n`,
        `258\r\n${chunk}\r\n`,
        '0\r\n\r\n',
      ],
      20,
    );
    expect(received).toMatch(/^HTTP\/1.1 413 /);
    expect(received).toContain('"message":"cannot read the body: it is larger, the limit is 1000 bytes"');
  });

  it('answers 408 to a client that trickles its body, after the body deadline', async () => {
    const { port } = await start([fakeClassifier()], { bodyTimeoutMs: 400 });
    const parts = [
      'POST /v1/classify HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n',
      ...Array.from({ length: 40 }, () => 'a'),
    ];
    const { received, openMs } = await rawExchange(port, parts, 50);
    expect(received).toMatch(/^HTTP\/1.1 408 /);
    expect(received).toContain(
      '{"error":{"code":"BODY_TIMEOUT","message":"cannot read the body: it did not arrive within 400 ms"}}',
    );
    expect(openMs).toBeGreaterThanOrEqual(400);
    expect(openMs).toBeLessThan(1500);
  });

  it('answers 408 and closes a client that trickles its headers, after the headers deadline', async () => {
    const { port } = await start([fakeClassifier()], { headersTimeoutMs: 400 });
    const parts = ['POST /v1/classify HTTP/1.1\r\n', ...Array.from({ length: 60 }, (_, i) => `x-slow-${i}: y\r\n`)];
    const { received, openMs } = await rawExchange(port, parts, 50);
    expect(received).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n/);
    expect(received).toContain('"code":"HEADERS_TIMEOUT"');
    expect(openMs).toBeGreaterThanOrEqual(400);
    expect(openMs).toBeLessThan(1500);
  });

  it('survives a client that disconnects in the middle of its body', async () => {
    const fake = fakeClassifier();
    const { port } = await start([fake]);
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('POST /v1/classify HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nhalf', () =>
          socket.destroy(),
        ),
      );
      socket.on('close', () => resolve());
    });
    await waitFor(
      async () =>
        (await call(port, 'GET', '/metrics')).body.includes(
          'coreforge_requests_total{route="/v1/classify",code="400"} 1',
        ),
      'the aborted request to be counted',
    );
    expect(fake.calls).toBe(0);
    expect((await call(port, 'POST', '/v1/classify', 'x')).status).toBe(200);
  });

  it('answers malformed HTTP with a JSON 400 and stays up', async () => {
    const { port } = await start([fakeClassifier()]);
    const { received } = await rawExchange(port, ['NOT HTTP AT ALL\r\n\r\n'], 0);
    expect(received).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
    expect(received).toContain('"code":"BAD_REQUEST"');
    expect((await call(port, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('routes', () => {
  it('answers unknown routes with 404 and wrong methods with 405 and Allow', async () => {
    const { port } = await start([fakeClassifier()]);
    const missing = await call(port, 'GET', '/nope');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: 'cannot find "/nope": the routes are POST /v1/classify, GET /healthz, GET /metrics',
      },
    });
    const get = await call(port, 'GET', '/v1/classify');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(JSON.parse(get.body)).toEqual({
      error: { code: 'METHOD_NOT_ALLOWED', message: 'cannot GET /v1/classify: use POST' },
    });
    const head = await call(port, 'HEAD', '/healthz');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const del = await call(port, 'DELETE', '/metrics');
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe('GET, HEAD');
  });

  it('reports minimal health: the state, how the model runs and the workers, no file paths', async () => {
    const { port } = await start([fakeClassifier(), fakeClassifier()], { maxQueue: 7 });
    const r = await call(port, 'GET', '/healthz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({
      status: 'ok',
      model: { path: 'fake', threads: 1, tflite: '0.0.0' },
      workers: 2,
      queue: { depth: 0, max: 7 },
      inFlight: 0,
    });
  });
});

describe('queue', () => {
  it('queues up to --queue requests, answers 503 with Retry-After beyond, and serves the queue in order', async () => {
    const fake = fakeClassifier({ hold: true });
    const { port } = await start([fake], { maxQueue: 1, retryAfterSeconds: 3 });
    const first = call(port, 'POST', '/v1/classify', 'first');
    await waitFor(() => fake.calls === 1, 'the first request to run');
    const second = call(port, 'POST', '/v1/classify?top_k=1', 'second');
    await waitFor(
      async () => /^coreforge_queue_depth 1$/m.test((await call(port, 'GET', '/metrics')).body),
      'the second request to queue',
    );
    const metrics = (await call(port, 'GET', '/metrics')).body;
    expect(metrics).toMatch(/^coreforge_in_flight 1$/m);
    expect(metrics).toMatch(/^coreforge_workers 1$/m);
    const third = await call(port, 'POST', '/v1/classify', 'third');
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('3');
    expect(JSON.parse(third.body)).toEqual({
      error: {
        code: 'QUEUE_FULL',
        message: 'cannot classify now: every interpreter is busy and 1 requests are waiting',
      },
    });
    fake.release();
    expect((await first).status).toBe(200);
    await waitFor(() => fake.calls === 2, 'the queued request to run');
    fake.release();
    const r = await second;
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as { results: unknown[] }).results).toHaveLength(1);
  });
});

describe('start-up', () => {
  it('listens at once and answers 503 while the classifiers load, then serves', async () => {
    let loaded!: (c: readonly Classifier[]) => void;
    const { service, port } = await start(() => new Promise((resolve) => (loaded = resolve)), { retryAfterSeconds: 2 });
    expect(service.phase).toBe('starting');
    const health = await call(port, 'GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.headers['retry-after']).toBe('2');
    expect(JSON.parse(health.body)).toEqual({ status: 'starting' });
    const early = await call(port, 'POST', '/v1/classify', 'x');
    expect(early.status).toBe(503);
    expect(JSON.parse(early.body)).toEqual({
      error: { code: 'STARTING', message: 'cannot classify yet: the model is still loading' },
    });
    expect((await call(port, 'GET', '/metrics')).body).toMatch(/^coreforge_workers 0$/m);
    loaded([fakeClassifier()]);
    await service.ready();
    expect(service.phase).toBe('ready');
    expect((await call(port, 'GET', '/healthz')).status).toBe(200);
    expect((await call(port, 'POST', '/v1/classify', 'x')).status).toBe(200);
  });

  it('reports a failed load through ready() and answers 503 "failed"', async () => {
    const { service, port } = await start(() => Promise.reject(new Error('no model')));
    await expect(service.ready()).rejects.toThrow('no model');
    expect(service.phase).toBe('failed');
    const health = await call(port, 'GET', '/healthz');
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toEqual({ status: 'failed' });
    expect(errorCode(await call(port, 'POST', '/v1/classify', 'x'))).toBe('UNAVAILABLE');
  });

  it('closes classifiers that finish loading after close()', async () => {
    let loaded!: (c: readonly Classifier[]) => void;
    const { service } = await start(() => new Promise((resolve) => (loaded = resolve)));
    const closing = service.close();
    const late = fakeClassifier();
    loaded([late]);
    await closing;
    expect(late.closed).toBe(true);
  });
});

describe('metrics', () => {
  it('counts requests by route and status, with latency and inference histograms', async () => {
    const { port } = await start([fakeClassifier()]);
    await call(port, 'POST', '/v1/classify', 'x');
    await call(port, 'POST', '/v1/classify', 'x');
    await call(port, 'POST', '/v1/classify', 'bad');
    await call(port, 'GET', '/nope');
    const r = await call(port, 'GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = r.body.split('\n');
    expect(lines).toContain('coreforge_requests_total{route="/v1/classify",code="200"} 2');
    expect(lines).toContain('coreforge_requests_total{route="/v1/classify",code="400"} 1');
    expect(lines).toContain('coreforge_requests_total{route="other",code="404"} 1');
    expect(lines).toContain('# TYPE coreforge_request_duration_seconds histogram');
    expect(lines).toContain('coreforge_request_duration_seconds_count 4');
    expect(lines).toContain('coreforge_request_duration_seconds_bucket{le="+Inf"} 4');
    // The fake reports 2 ms of inference: counted in the 5 ms bucket and above.
    expect(lines).toContain('coreforge_inference_duration_seconds_bucket{le="0.005"} 2');
    expect(lines).toContain('coreforge_inference_duration_seconds_sum 0.004');
    expect(lines).toContain('coreforge_inference_duration_seconds_count 2');
    expect(lines).toContain('coreforge_queue_depth 0');
    expect(lines).toContain('coreforge_in_flight 0');
    // Every sample line is `name{labels} value`, every family has HELP and TYPE.
    for (const line of lines.filter((l) => l && !l.startsWith('#')))
      expect(line).toMatch(/^coreforge_[a-z_]+(\{[^}]*\})? [\d.e+-]+$/);
    const families = new Set(lines.filter((l) => l.startsWith('# TYPE')).map((l) => l.split(' ')[2]));
    expect([...families].sort()).toEqual([
      'coreforge_in_flight',
      'coreforge_inference_duration_seconds',
      'coreforge_queue_depth',
      'coreforge_queue_wait_seconds',
      'coreforge_request_duration_seconds',
      'coreforge_requests_total',
      'coreforge_workers',
    ]);
  });
});

describe('shutdown', () => {
  it('stops accepting, answers the request in flight, then closes the classifiers', async () => {
    const fake = fakeClassifier({ hold: true });
    const { service, port } = await start([fake]);
    const inFlight = call(port, 'POST', '/v1/classify', 'x');
    await waitFor(() => fake.calls === 1, 'the request to run');
    let closed = false;
    const closing = service.close().then(() => (closed = true));
    expect(service.phase).toBe('draining');
    await expect(call(port, 'GET', '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    expect(fake.closed).toBe(false);
    fake.release();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.headers.connection).toBe('close');
    await closing;
    expect(fake.closed).toBe(true);
  });

  it('cuts off requests still running after the drain deadline', async () => {
    const fake = fakeClassifier({ hold: true });
    const { service, port } = await start([fake], { drainTimeoutMs: 200 });
    const inFlight = call(port, 'POST', '/v1/classify', 'x').catch((e: NodeJS.ErrnoException) => e.code);
    await waitFor(() => fake.calls === 1, 'the request to run');
    const started = Date.now();
    await service.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await inFlight).toBe('ECONNRESET');
    fake.release();
  });
});
