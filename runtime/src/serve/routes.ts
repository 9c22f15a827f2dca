// The routes: POST /v1/classify, GET /healthz, GET /metrics; 404 and 405 for everything else. Every answer is
// JSON (or Prometheus text), every refusal a JSON `{error: {code, message}}`; nothing a client sends throws out of
// the handler.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ModelInfo } from '../types.js';
import { readBody } from './body.js';
import type { Metrics } from './metrics.js';
import { MAX_TOP_K, type ServerOptions } from './options.js';
import type { ClassifierPool } from './pool.js';
import { errorReply, HttpError, sendJson, sendPrometheus } from './reply.js';

/** starting: interpreters loading; ready: serving; failed: loading failed; draining: shutting down. */
export type Phase = 'starting' | 'ready' | 'failed' | 'draining';

export interface RouteContext {
  readonly options: ServerOptions;
  readonly metrics: Metrics;
  /** Read on every request: the phase and, once loaded, the pool. */
  state(): { readonly phase: Phase; readonly pool?: ClassifierPool };
  /** Where internal errors (500s) are reported. */
  log(text: string): void;
}

const ROUTES = ['/v1/classify', '/healthz', '/metrics'] as const;

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** What a client may learn about the model: how it runs, never where files live on the device. */
function modelSummary(info: ModelInfo) {
  return { path: info.path, threads: info.threads, tflite: info.library.version };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares the bearer token in constant time (hashes first, so the length does not leak either). */
function checkToken(req: IncomingMessage, token: string | undefined): void {
  if (token === undefined) return;
  const header = req.headers.authorization ?? '';
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!m || !timingSafeEqual(digest(m[1]!), digest(token)))
    throw new HttpError(
      401,
      'UNAUTHORIZED',
      `cannot classify: ${header ? 'the bearer token is wrong' : 'this service needs "Authorization: Bearer <token>"'}`,
      { 'www-authenticate': 'Bearer realm="coreforge"' },
    );
}

function unavailable(phase: Phase, retryAfter: number): HttpError {
  const retry = { 'retry-after': String(retryAfter) };
  if (phase === 'starting')
    return new HttpError(503, 'STARTING', 'cannot classify yet: the model is still loading', retry);
  if (phase === 'draining')
    return new HttpError(503, 'SHUTTING_DOWN', 'cannot classify: the service is shutting down', {
      ...retry,
      connection: 'close',
    });
  return new HttpError(503, 'UNAVAILABLE', 'cannot classify: the model failed to load (see the service log)');
}

function parseTopK(url: URL, fallback: number): number {
  const raw = url.searchParams.get('top_k');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_TOP_K)
    throw new HttpError(
      400,
      'ARGUMENT_INVALID',
      `cannot classify: top_k must be an integer from 1 to ${MAX_TOP_K}, not "${raw.slice(0, 40)}"`,
    );
  return n;
}

async function classify(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  start: number,
): Promise<number> {
  const { options, metrics } = ctx;
  const { phase, pool } = ctx.state();
  checkToken(req, options.token);
  if (phase !== 'ready' || !pool) throw unavailable(phase, options.retryAfterSeconds);
  const queueFull = () =>
    new HttpError(
      503,
      'QUEUE_FULL',
      `cannot classify now: every interpreter is busy and ${options.maxQueue} requests are waiting`,
      { 'retry-after': String(options.retryAfterSeconds) },
    );
  const topK = parseTopK(url, options.topK);
  // Shed load before reading a body we would refuse anyway.
  if (pool.full) throw queueFull();
  const body = await readBody(req, { maxBytes: options.maxBodyBytes, timeoutMs: options.bodyTimeoutMs });
  if (body.length === 0)
    throw new HttpError(400, 'IMAGE_INVALID', 'cannot classify the image: the body is empty (POST the image bytes)');
  const queuedAt = performance.now();
  const job = pool.use(async (c) => {
    const queueMs = performance.now() - queuedAt;
    const r = await c.classify(body, { topK });
    metrics.classification(r.timings.inferenceMs / 1000, queueMs / 1000);
    return { r, queueMs, info: c.info };
  });
  if (!job) throw queueFull();
  const { r, queueMs, info } = await job;
  const timings = {
    decodeMs: round(r.timings.decodeMs),
    inferenceMs: round(r.timings.inferenceMs),
    queueMs: round(queueMs),
    totalMs: round(performance.now() - start),
  };
  sendJson(
    res,
    200,
    { results: r.results, timings, model: modelSummary(info) },
    ctx.state().phase === 'draining' ? { connection: 'close' } : {},
  );
  return 200;
}

async function route(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, start: number): Promise<number> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'cannot parse the request target');
  }
  const known = (ROUTES as readonly string[]).includes(url.pathname);
  if (!known)
    throw new HttpError(
      404,
      'NOT_FOUND',
      `cannot find "${url.pathname.slice(0, 100)}": the routes are POST /v1/classify, GET /healthz, GET /metrics`,
    );
  const allowed = url.pathname === '/v1/classify' ? ['POST'] : ['GET', 'HEAD'];
  if (!allowed.includes(req.method ?? ''))
    throw new HttpError(
      405,
      'METHOD_NOT_ALLOWED',
      `cannot ${String(req.method).slice(0, 20)} ${url.pathname}: use ${allowed.join(' or ')}`,
      { allow: allowed.join(', ') },
    );
  if (url.pathname === '/v1/classify') return classify(ctx, req, res, url, start);
  const { phase, pool } = ctx.state();
  if (url.pathname === '/metrics') {
    sendPrometheus(
      res,
      ctx.metrics.render({
        queueDepth: pool?.queued ?? 0,
        inFlight: pool?.busy ?? 0,
        workers: pool?.classifiers.length ?? 0,
      }),
    );
    return 200;
  }
  const status = phase === 'ready' ? 200 : 503;
  // Minimal: the state, how the model runs and the load; no file paths, no library location.
  const health = pool
    ? {
        status: phase === 'ready' ? 'ok' : phase,
        model: modelSummary(pool.classifiers[0]!.info),
        workers: pool.classifiers.length,
        queue: { depth: pool.queued, max: ctx.options.maxQueue },
        inFlight: pool.busy,
      }
    : { status: phase };
  sendJson(res, status, health, status === 503 ? { 'retry-after': String(ctx.options.retryAfterSeconds) } : {});
  return status;
}

/** The request listener for node:http. */
export function createRequestHandler(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const start = performance.now();
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const label = (ROUTES as readonly string[]).includes(path) ? path : 'other';
    const done = (status: number) => ctx.metrics.request(label, status, (performance.now() - start) / 1000);
    route(ctx, req, res, start).then(done, (error: unknown) => {
      const reply = errorReply(error, ctx.options.retryAfterSeconds);
      if (reply.status === 500)
        ctx.log(
          `error: ${req.method ?? ''} ${path.slice(0, 100)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      const draining: Record<string, string> = ctx.state().phase === 'draining' ? { connection: 'close' } : {};
      sendJson(
        res,
        reply.status,
        { error: { code: reply.code, message: reply.message } },
        { ...reply.headers, ...draining },
      );
      done(reply.status);
    });
  };
}
