// The serve daemon's tunables and their defaults.

export interface ServerOptions {
  readonly port: number;
  readonly bind: string;
  /** Requests allowed to wait for a free interpreter; more get 503 with Retry-After. */
  readonly maxQueue: number;
  /** Largest accepted body in bytes; larger gets 413 without reading (or keeping) the rest. */
  readonly maxBodyBytes: number;
  /** The whole body must arrive within this many ms after the headers (a trickling client gets 408). */
  readonly bodyTimeoutMs: number;
  /** The headers must arrive within this many ms (Node answers 408 and closes the socket). */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this many ms. */
  readonly keepAliveTimeoutMs: number;
  /** On close, requests still running after this many ms are cut off. */
  readonly drainTimeoutMs: number;
  /** Results per request when the client does not ask with ?top_k=N. */
  readonly topK: number;
  /** The Retry-After (seconds) sent with 503 answers. */
  readonly retryAfterSeconds: number;
  /** When set, POST /v1/classify needs `Authorization: Bearer <token>` (401 otherwise). Never logged. */
  readonly token?: string;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  port: 8080,
  bind: '127.0.0.1',
  maxQueue: 32,
  maxBodyBytes: 16 * 1024 * 1024,
  bodyTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  // Well inside snapd's default stop timeout for services (30 s): in-flight inferences take milliseconds.
  drainTimeoutMs: 10_000,
  topK: 5,
  retryAfterSeconds: 1,
};

/** The largest ?top_k a client may ask for. */
export const MAX_TOP_K = 1000;

/** One interpreter per core: the CPU count divided by the threads each interpreter uses, at least 1. */
export function defaultWorkers(cpus: number, threadsPerWorker: number): number {
  return Math.max(1, Math.floor(cpus / Math.max(1, threadsPerWorker)));
}
