// Writing answers: JSON bodies, Prometheus text, and the mapping from any thrown value to a JSON error
// `{error: {code, message}}` with its status (the client's fault is 4xx, ours is 500).
import type { ServerResponse } from 'node:http';
import { RuntimeError, type RuntimeErrorCode } from '../errors.js';

/**
 * A refusal the serve layer decides itself (413, 408, 404, 503...). It never leaves src/serve/: every one is
 * turned into a JSON answer by `errorReply`, so it is an HTTP answer, not part of the runtime's error codes.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
Object.defineProperty(HttpError.prototype, 'name', { value: 'HttpError', enumerable: false });

/** Runtime errors caused by what the client sent. Everything else is a 500. */
const CLIENT_ERRORS: Partial<Record<RuntimeErrorCode, number>> = {
  IMAGE_INVALID: 400,
  IMAGE_UNSUPPORTED: 415,
  IMAGE_TOO_LARGE: 413,
  ARGUMENT_INVALID: 400,
};

export interface ErrorReply {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

export function errorReply(error: unknown, retryAfterSeconds = 1): ErrorReply {
  if (error instanceof HttpError)
    return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  // The decode budget is full: come back shortly (the process does not grow instead).
  if (error instanceof RuntimeError && error.code === 'IMAGE_BUSY')
    return {
      status: 503,
      code: error.code,
      message: error.message,
      headers: { 'retry-after': String(retryAfterSeconds) },
    };
  if (error instanceof RuntimeError) {
    const status = CLIENT_ERRORS[error.code];
    if (status) return { status, code: error.code, message: error.message, headers: {} };
    return { status: 500, code: error.code, message: error.message, headers: {} };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error: see the service log', headers: {} };
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
  headers: Readonly<Record<string, string>>,
) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': type,
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
) {
  send(res, status, 'application/json', `${JSON.stringify(body)}\n`, headers);
}

export function sendPrometheus(res: ServerResponse, text: string) {
  send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', text, {});
}
