// The serve command end to end with the real model: flags and environment defaults, the startup line, load
// failures, a busy port, and a stop signal that drains and returns 0.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/helpers/fixtures.js';
import { call } from '../../../test/helpers/http-client.js';
import { serveCommand } from './serve-command.js';

const MODEL = fixture('models/mobilenet_v2_1.0_224_quant.tflite');
const LABELS = fixture('models/imagenet_labels.txt');

function harness(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const signals = { stop: new Promise<void>((resolve) => (stop = resolve)) };
  return { out, err, stop, signals, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env } };
}

async function waitForLine(lines: string[], pattern: RegExp, done: Promise<number>): Promise<RegExpExecArray> {
  const deadline = Date.now() + 20_000;
  let finished = false;
  void done.then(() => (finished = true));
  for (;;) {
    for (const l of lines) {
      const m = pattern.exec(l);
      if (m) return m;
    }
    if (finished || Date.now() > deadline) throw new Error(`no line matching ${pattern} in ${JSON.stringify(lines)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('serve command', () => {
  it('prints help with an example', async () => {
    const t = harness();
    expect(await serveCommand(['--help'], t.io, t.signals)).toBe(0);
    expect(t.out[0]).toMatch(/^usage: coreforge-runtime serve \[--port 8080\] \[--bind 127\.0\.0\.1\]/);
    expect(t.out[0]).toContain('example:\n  coreforge-runtime serve --port 8080');
    expect(t.out[0]).toContain(
      'COREFORGE_PORT, COREFORGE_BIND, COREFORGE_WORKERS, COREFORGE_QUEUE, COREFORGE_MAX_BODY, COREFORGE_MAX_PIXELS',
    );
  });

  it.each([
    [['--nope'], 2, /^error: Unknown option '--nope'/],
    [['-m', 'x', '--port', '70000'], 1, /^error: Expected integer from 0 to 65535 for --port but received "70000"$/],
    [['-m', 'x', '--workers', '0'], 1, /^error: Expected integer from 1 to 64 for --workers but received "0"$/],
    [[], 1, /^error: missing -m MODEL \(or \$COREFORGE_MODEL\)\nhint: run "coreforge-runtime serve --help"$/],
  ])('refuses %j with exit %i', async (args, code, message) => {
    const t = harness();
    expect(await serveCommand(args, t.io, t.signals)).toBe(code);
    expect(t.err.join('\n')).toMatch(message);
    expect(t.out).toEqual([]);
  });

  it('serves with defaults from the environment, classifies, and drains on the stop signal', async () => {
    const t = harness({
      COREFORGE_MODEL: MODEL,
      COREFORGE_LABELS: LABELS,
      COREFORGE_PORT: '0',
      COREFORGE_WORKERS: '2',
      COREFORGE_QUEUE: '3',
    });
    const done = serveCommand([], t.io, t.signals);
    const [, port] = await waitForLine(t.out, /^listening on http:\/\/127\.0\.0\.1:(\d+)$/, done);
    await waitForLine(
      t.out,
      /^ready: 2 worker\(s\), .*mobilenet_v2_1\.0_224_quant\.tflite on (xnnpack|builtin)\S*, 1 thread\(s\) each, TFLite 2\.\d+/,
      done,
    );
    const health = await call(Number(port), 'GET', '/healthz');
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', workers: 2, queue: { max: 3 } });
    const r = await call(
      Number(port),
      'POST',
      '/v1/classify?top_k=1',
      readFileSync(fixture('images/grace_hopper.bmp')),
    );
    expect((JSON.parse(r.body) as { results: { label: string }[] }).results).toMatchObject([
      { label: 'military uniform' },
    ]);
    t.stop();
    expect(await done).toBe(0);
    expect(t.out.at(-1)).toBe('shutting down: finishing the requests in flight');
    expect(t.err).toEqual([]);
    await expect(call(Number(port), 'GET', '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('listens, then exits 1 with the error when the model does not load', async () => {
    const t = harness();
    const code = await serveCommand(
      ['-m', '/nonexistent/model.tflite', '--port', '0', '--workers', '2'],
      t.io,
      t.signals,
    );
    expect(code).toBe(1);
    expect(t.out[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.err).toEqual(['error: cannot read model "/nonexistent/model.tflite": it does not exist']);
  });

  it('exits 1 when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const t = harness();
      expect(await serveCommand(['-m', MODEL, '--port', String(port), '--workers', '1'], t.io, t.signals)).toBe(1);
      expect(t.err[0]).toBe(
        `error: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\nhint: choose another --port or --bind`,
      );
    } finally {
      taken.close();
    }
  });
});
