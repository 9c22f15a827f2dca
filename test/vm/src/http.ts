// Talking to the inference service through QEMU's forwarded port.
import { request } from 'node:http';
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface HttpReply {
  readonly status: number;
  readonly body: string;
}

export function httpRequest(
  port: number,
  method: string,
  path: string,
  body?: Uint8Array,
  timeoutMs = 5000,
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls GET /healthz until it answers 200, the deadline passes, `stop()` says to give up, or the signal aborts. */
export async function waitHealthy(
  port: number,
  deadline: number,
  stop: () => string | undefined,
  signal?: AbortSignal,
): Promise<'ready' | 'timeout' | string> {
  while (Date.now() < deadline) {
    if (signal?.aborted) return 'cancelled';
    const why = stop();
    if (why) return why;
    try {
      const r = await httpRequest(port, 'GET', '/healthz', undefined, 1000);
      if (r.status === 200) return 'ready';
    } catch {
      // not up yet: QEMU accepts the forwarded connection and resets it until the guest listens
    }
    await sleep(150);
  }
  return 'timeout';
}
