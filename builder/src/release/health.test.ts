import { describe, expect, test } from 'vitest';
import { run } from '../tools/run.js';
import { checkHealth, describeGate } from './health.js';

describe('health gate', () => {
  test('a command passes on exit 0 and fails otherwise, with its exit code and last words', async () => {
    expect(await checkHealth({ command: ['true'], timeoutSeconds: 10 }, run)).toEqual({
      ok: true,
      detail: '"true" exited 0',
    });
    expect(
      await checkHealth({ command: ['sh', '-c', 'echo canary says 3 errors >&2; exit 4'], timeoutSeconds: 10 }, run),
    ).toEqual({
      ok: false,
      detail: '"sh -c echo canary says 3 errors >&2; exit 4" exited 4: canary says 3 errors',
    });
    expect((await checkHealth({ command: ['no-such-gate-command'], timeoutSeconds: 10 }, run)).ok).toBe(false);
  });

  test('a URL that does not answer fails', async () => {
    const r = await checkHealth({ url: 'http://127.0.0.1:1/healthz', timeoutSeconds: 5 }, run);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^GET http:\/\/127\.0\.0\.1:1\/healthz failed: /);
    expect(describeGate({ url: 'http://x/metrics', timeoutSeconds: 1 })).toBe('GET http://x/metrics');
  });
});
