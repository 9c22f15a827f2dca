// The optional health gate of `release next`: an HTTP URL that must answer 2xx (a canary's /healthz or
// /metrics), or a command that must exit 0 (for example a `coreforge test` run). Checked before each step
// after the first; a failing gate stops the rollout where it is.
import type { HealthGate } from '../config/types.js';
import type { Run } from '../tools/run.js';

export interface HealthResult {
  readonly ok: boolean;
  readonly detail: string;
}

export function describeGate(gate: HealthGate): string {
  return gate.url !== undefined ? `GET ${gate.url}` : (gate.command ?? []).join(' ');
}

export async function checkHealth(gate: HealthGate, run: Run, signal?: AbortSignal): Promise<HealthResult> {
  const timeout = gate.timeoutSeconds * 1000;
  if (gate.url !== undefined) {
    try {
      const signals = [AbortSignal.timeout(timeout), ...(signal ? [signal] : [])];
      const res = await fetch(gate.url, { signal: AbortSignal.any(signals), redirect: 'follow' });
      await res.body?.cancel();
      return { ok: res.ok, detail: `GET ${gate.url} answered ${res.status}` };
    } catch (error) {
      return { ok: false, detail: `GET ${gate.url} failed: ${(error as Error).message}` };
    }
  }
  const [tool, ...args] = gate.command ?? [];
  if (!tool) return { ok: false, detail: 'no health command' };
  try {
    const r = await run(tool, args, { reject: false, timeout, ...(signal && { signal }) });
    const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' | ');
    return {
      ok: r.exitCode === 0,
      detail: `"${[tool, ...args].join(' ')}" exited ${r.exitCode}${tail ? `: ${tail}` : ''}`,
    };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}
