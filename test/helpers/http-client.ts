// A small HTTP client for tests of the serve daemon on 127.0.0.1: whole answers, raw sockets for slow clients.
import { request } from 'node:http';
import { connect } from 'node:net';

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export function call(
  port: number,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string | number> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The `error.code` of a JSON error answer. */
export function errorCode(r: Reply): string {
  return (JSON.parse(r.body) as { error: { code: string } }).error.code;
}

/**
 * Writes raw bytes to the server (each string of `parts` after `gapMs`), then waits for the server to close the
 * socket. Resolves with what the server sent and how long the socket stayed open.
 */
export function rawExchange(
  port: number,
  parts: readonly string[],
  gapMs: number,
): Promise<{ received: string; openMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(port, '127.0.0.1', () => {
      let i = 0;
      const next = () => {
        if (i >= parts.length || socket.destroyed) return;
        socket.write(parts[i++]!);
        timer = setTimeout(next, gapMs);
      };
      next();
    });
    socket.on('data', (d: Buffer) => (received += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, openMs: Date.now() - started });
    });
  });
}
