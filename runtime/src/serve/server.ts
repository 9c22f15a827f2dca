// The inference HTTP service: it listens at once, answers 503 while its interpreters load, then serves
// POST /v1/classify, GET /healthz and GET /metrics from a pool of classifiers with a bounded queue, body and pixel
// limits and timeouts for slow clients; close() drains in-flight requests, then closes the classifiers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Classifier } from '../types.js';
import { Metrics } from './metrics.js';
import { DEFAULT_SERVER_OPTIONS, type ServerOptions } from './options.js';
import { ClassifierPool } from './pool.js';
import { createRequestHandler, type Phase } from './routes.js';
import { ConnectionTracker, drainServer } from './shutdown.js';

/** Classifiers already open, or a function that opens them (the server answers 503 "starting" meanwhile). */
export type ClassifierSource = readonly Classifier[] | (() => Promise<readonly Classifier[]>);

export interface InferenceServerOptions extends Partial<ServerOptions> {
  /** Where internal errors are reported (default: nowhere). */
  readonly log?: (text: string) => void;
}

export interface InferenceServer {
  readonly server: Server;
  readonly metrics: Metrics;
  readonly phase: Phase;
  /** Starts listening (the classifiers may still be loading); resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  /** Resolves with the classifiers once they are loaded (at once for an array); rejects if loading failed. */
  ready(): Promise<readonly Classifier[]>;
  /** Stops accepting, finishes in-flight requests, closes the classifiers. Idempotent. */
  close(): Promise<void>;
}

export function createInferenceServer(source: ClassifierSource, options: InferenceServerOptions = {}): InferenceServer {
  const { log = () => undefined, ...rest } = options;
  const o: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...rest };
  const metrics = new Metrics();
  let phase: Phase = 'starting';
  let pool: ClassifierPool | undefined;

  const loading: Promise<readonly Classifier[]> = (
    typeof source === 'function' ? source() : Promise.resolve(source)
  ).then(
    (classifiers) => {
      const p = new ClassifierPool(classifiers, o.maxQueue);
      if (phase === 'draining') p.close();
      else {
        pool = p;
        phase = 'ready';
      }
      return classifiers;
    },
    (error: unknown) => {
      if (phase !== 'draining') phase = 'failed';
      throw error;
    },
  );
  loading.catch(() => undefined);

  const handler = createRequestHandler({ options: o, metrics, state: () => ({ phase, ...(pool && { pool }) }), log });
  // Node checks the headers/request deadlines every connectionsCheckingInterval ms (default 30 s): check often.
  // Its requestTimeout is a backstop behind our own body deadline, which answers with a JSON 408 first.
  const server = createServer(
    {
      headersTimeout: o.headersTimeoutMs,
      requestTimeout: o.headersTimeoutMs + o.bodyTimeoutMs + 5_000,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, o.headersTimeoutMs / 2)),
      keepAliveTimeout: o.keepAliveTimeoutMs,
    },
    handler,
  );
  const connections = new ConnectionTracker(server);
  // Malformed HTTP (and Node's own header timeout): answer if the socket still can, never throw.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const code = status === 408 ? 'HEADERS_TIMEOUT' : status === 431 ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST';
    const body = `${JSON.stringify({ error: { code, message: `cannot parse the request: ${status === 408 ? 'the headers did not arrive in time' : (error.code ?? 'malformed HTTP')}` } })}\n`;
    metrics.request('other', status, 0);
    socket.end(
      `HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });

  let closing: Promise<void> | undefined;
  return {
    server,
    metrics,
    get phase() {
      return phase;
    },
    listen: () =>
      new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.once('error', onError);
        server.listen(o.port, o.bind, () => {
          server.off('error', onError);
          resolve(server.address() as AddressInfo);
        });
      }),
    ready: () => loading,
    close: () =>
      (closing ??= (async () => {
        phase = 'draining';
        await drainServer(server, connections, o.drainTimeoutMs);
        await loading.catch(() => undefined);
        pool?.close();
      })()),
  };
}
