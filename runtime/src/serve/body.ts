// Reading a request body under limits: a size cap checked while streaming (and against Content-Length before
// reading anything), and a deadline for the whole body, so a trickling client cannot hold a worker.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './reply.js';

export interface BodyLimits {
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

const tooLarge = (what: string, limit: number) =>
  new HttpError(413, 'BODY_TOO_LARGE', `cannot read the body: ${what}, the limit is ${limit} bytes`, {
    connection: 'close',
  });

/** The body, at most `maxBytes` long. Rejects with an HttpError (413, 408, 400); never buffers more than the limit. */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > limits.maxBytes) {
      reject(tooLarge(`it is ${declared} bytes`, limits.maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: HttpError | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      if (error) {
        chunks.length = 0;
        reject(error);
      } else resolve(Buffer.concat(chunks, size));
    };
    const timer = setTimeout(
      () =>
        finish(
          new HttpError(408, 'BODY_TIMEOUT', `cannot read the body: it did not arrive within ${limits.timeoutMs} ms`, {
            connection: 'close',
          }),
        ),
      limits.timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) finish(tooLarge(`it is larger`, limits.maxBytes));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish(undefined));
    req.once('error', () =>
      finish(
        new HttpError(400, 'BODY_ABORTED', 'cannot read the body: the client closed the connection', {
          connection: 'close',
        }),
      ),
    );
    req.once('close', () => {
      if (!req.complete)
        finish(
          new HttpError(400, 'BODY_ABORTED', 'cannot read the body: the client closed the connection', {
            connection: 'close',
          }),
        );
    });
  });
}
