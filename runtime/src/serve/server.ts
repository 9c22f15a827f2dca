// The inference HTTP service: POST /v1/classify, GET /healthz, GET /metrics. Bounded queue, body and pixel
// limits, timeouts for slow clients, JSON errors with codes, graceful drain on close. Never crashes on input.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { RuntimeError } from '../errors.js';
import type { Classifier } from '../types.js';
import { Metrics } from './metrics.js';
import { ClassifierPool, QueueFullError } from './pool.js';

export interface ServerOptions {
  readonly port: number;
  readonly bind: string;
  /** Requests allowed to wait for a free interpreter; more get 503. */
  readonly maxQueue: number;
  /** Largest accepted body in bytes; larger gets 413 without reading it all. */
  readonly maxBodyBytes: number;
  /** A body must arrive within this many ms (slow clients get 408). */
  readonly bodyTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly topK: number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  port: 8080,
  bind: '127.0.0.1',
  maxQueue: 32,
  maxBodyBytes: 16 * 1024 * 1024,
  bodyTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
  topK: 5,
};

const CLIENT_ERRORS: Partial<Record<string, number>> = { IMAGE_INVALID: 400, IMAGE_UNSUPPORTED: 415, IMAGE_TOO_LARGE: 413, ARGUMENT_INVALID: 400 };

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === 'string' ? body : `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; version=0.0.4' : 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) return reject(new HttpError(413, 'BODY_TOO_LARGE', `the body is ${declared} bytes, the limit is ${limit}`));
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => fail(new HttpError(408, 'BODY_TIMEOUT', `the body did not arrive within ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      req.removeAllListeners('data');
      req.resume();
      reject(e);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(new HttpError(413, 'BODY_TOO_LARGE', `the body is larger than the limit of ${limit} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', fail);
    req.on('aborted', () => fail(new HttpError(400, 'BODY_ABORTED', 'the client closed the connection')));
  });
}

export interface InferenceServer {
  readonly server: Server;
  readonly metrics: Metrics;
  /** Resolves with the bound address once listening. */
  listen(): Promise<AddressInfo>;
  /** Stops accepting, finishes in-flight requests, closes the classifiers. */
  close(): Promise<void>;
}

export function createInferenceServer(classifiers: readonly Classifier[], options: Partial<ServerOptions> = {}): InferenceServer {
  const o: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...options };
  const pool = new ClassifierPool(classifiers, o.maxQueue);
  const metrics = new Metrics();
  let draining = false;
  const model = classifiers[0]!.info;

  async function classify(req: IncomingMessage, url: URL): Promise<unknown> {
    const topK = url.searchParams.has('top_k') ? Number(url.searchParams.get('top_k')) : o.topK;
    if (!Number.isInteger(topK) || topK < 1 || topK > 100) throw new HttpError(400, 'ARGUMENT_INVALID', 'top_k must be an integer from 1 to 100');
    const body = await readBody(req, o.maxBodyBytes, o.bodyTimeoutMs);
    if (body.length === 0) throw new HttpError(400, 'IMAGE_INVALID', 'the body is empty: POST the image bytes');
    const queuedAt = performance.now();
    metrics.queueDepth = pool.queued + 1;
    try {
      return await pool.use(async (c) => {
        const queueMs = performance.now() - queuedAt;
        metrics.inFlight++;
        metrics.queueDepth = pool.queued;
        try {
          const r = await c.classify(body, { topK });
          metrics.inferenceTime(r.timings.inferenceMs / 1000);
          return { results: r.results, timings: { ...r.timings, queueMs }, model: { path: c.info.path, file: c.info.modelFile } };
        } finally {
          metrics.inFlight--;
        }
      });
    } catch (error) {
      if (error instanceof QueueFullError) throw new HttpError(503, 'QUEUE_FULL', `all interpreters are busy and ${o.maxQueue} requests are waiting; retry later`);
      throw error;
    } finally {
      metrics.queueDepth = pool.queued;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/v1/classify') {
      if (req.method !== 'POST') throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'use POST with the image as the body');
      if (draining) throw new HttpError(503, 'SHUTTING_DOWN', 'the service is shutting down');
      send(res, 200, await classify(req, url));
      return 200;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on ${url.pathname}`);
    if (url.pathname === '/healthz') {
      const status = draining ? 503 : 200;
      send(res, status, { status: draining ? 'draining' : 'ok', model: { path: model.path, file: model.modelFile, inputs: model.inputs, library: model.library }, workers: classifiers.length });
      return status;
    }
    if (url.pathname === '/metrics') {
      send(res, 200, metrics.render());
      return 200;
    }
    throw new HttpError(404, 'NOT_FOUND', `no route ${url.pathname} (try POST /v1/classify, GET /healthz, GET /metrics)`);
  }

  // Node checks header/request timeouts every connectionsCheckingInterval ms (default 30 s): check often.
  const server = createServer({ connectionsCheckingInterval: Math.min(1000, o.headersTimeoutMs), headersTimeout: o.headersTimeoutMs, requestTimeout: o.bodyTimeoutMs + 30_000 }, (req, res) => {
    const start = performance.now();
    const route = (req.url ?? '/').split('?')[0]!;
    const known = ['/v1/classify', '/healthz', '/metrics'].includes(route) ? route : 'other';
    handle(req, res)
      .then((status) => metrics.request(known, status, (performance.now() - start) / 1000))
      .catch((error: unknown) => {
        let status = 500;
        let code = 'INTERNAL';
        let message = 'internal error';
        if (error instanceof HttpError) ({ status, code, message } = error);
        else if (error instanceof RuntimeError) {
          status = CLIENT_ERRORS[error.code] ?? 500;
          code = error.code;
          message = error.message;
        }
        // After a refused body the connection may hold unread bytes: close it.
        send(res, status, { error: { code, message } }, status === 413 || status === 408 ? { connection: 'close' } : {});
        metrics.request(known, status, (performance.now() - start) / 1000);
      });
  });
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  return {
    server,
    metrics,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(o.port, o.bind, () => resolve(server.address() as AddressInfo));
      }),
    close: async () => {
      draining = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      pool.close();
    },
  };
}
