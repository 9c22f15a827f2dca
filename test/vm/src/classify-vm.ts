// What both boot tests do once QEMU is configured: start it, wait for the service through the forwarded port,
// POST the photo, compare the top label, and always kill QEMU.
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { httpRequest, waitHealthy } from './http.js';
import { MARK } from './initramfs.js';
import type { SpawnLike } from './process.js';
import type { BootReport } from './report.js';

export interface VmRun {
  readonly qemu: string;
  readonly args: readonly string[];
  readonly serialLog: string;
  readonly hostPort: number;
  readonly photo: Uint8Array;
  readonly expect: string;
  readonly timeoutMs: number;
  /** When the whole test started (for time to first classification). */
  readonly startedAt: number;
  readonly base: Pick<BootReport, 'kind' | 'target' | 'arch' | 'expected' | 'accel' | 'serialLog'>;
  readonly spawn: SpawnLike;
  readonly signal?: AbortSignal;
}

export function matchesExpected(expect: string, index: number, label: string): boolean {
  return /^\d+$/.test(expect) ? Number(expect) === index : expect.trim().toLowerCase() === label.trim().toLowerCase();
}

function sinceInLog(log: string, mark: string): number | undefined {
  const m = new RegExp(`${mark} ([\\d.]+)s`).exec(log);
  return m ? Number(m[1]) * 1000 : undefined;
}

export async function classifyThroughVm(o: VmRun): Promise<BootReport> {
  const { base } = o;
  await writeFile(o.serialLog, '');
  let qemuOutput = '';
  let exited: string | undefined;
  const qemuStart = performance.now();
  const qemu = o.spawn(o.qemu, o.args, {
    timeout: o.timeoutMs,
    onOutput: (t) => {
      qemuOutput += t;
    },
    ...(o.signal && { signal: o.signal }),
  });
  void qemu.exited.then((r) => {
    exited = `QEMU exited (${r.signal ?? `status ${r.exitCode}`})${qemuOutput ? `: ${qemuOutput.trim().split('\n').slice(-3).join(' ')}` : ''}`;
  });
  try {
    const readLog = () => readFile(o.serialLog, 'utf8').catch(() => '');
    let log = '';
    const outcome = await waitHealthy(
      o.hostPort,
      Date.now() + o.timeoutMs,
      () => {
        void readLog().then((l) => {
          log = l;
        });
        if (log.includes(MARK.exited)) return 'the service exited in the VM';
        return exited;
      },
      o.signal,
    );
    log = await readLog();
    const bootMs = sinceInLog(log, MARK.serve);
    const boot = bootMs !== undefined ? { bootMs } : {};
    if (outcome !== 'ready') {
      const tail = log.trim().split('\n').slice(-12).join('\n');
      const serviceExited = log.includes(MARK.exited);
      const code = outcome === 'timeout' && !serviceExited ? 'BOOT_TIMEOUT' : 'SERVICE_UNREACHABLE';
      const message = serviceExited
        ? `the service exited in the VM (${/serve exited with status (\d+)/.exec(log)?.[0] ?? 'no status'})`
        : outcome === 'timeout'
          ? `the service in the VM did not answer within ${o.timeoutMs / 1000} s${log.includes(MARK.serve) ? ' (it was started)' : log.includes(MARK.init) ? ' (the VM booted, the service was not started)' : ' (the VM did not reach /init)'}`
          : `the service in the VM is unreachable: ${outcome}`;
      return {
        ...base,
        passed: false,
        ...boot,
        failure: { code, message: `${message}${tail ? `; serial log ends:\n${tail}` : ''}` },
      };
    }
    const serviceReadyMs = performance.now() - qemuStart;
    const reply = await httpRequest(o.hostPort, 'POST', '/v1/classify', o.photo, 120_000).catch((e: Error) => ({
      status: 0,
      body: e.message,
    }));
    const firstClassificationMs = performance.now() - o.startedAt;
    if (reply.status !== 200)
      return {
        ...base,
        passed: false,
        ...boot,
        serviceReadyMs,
        failure: {
          code: 'CLASSIFY_FAILED',
          message: `POST /v1/classify answered ${reply.status}: ${reply.body.slice(0, 300)}`,
        },
      };
    const top = (JSON.parse(reply.body) as { results: { index: number; label: string; score: number }[] }).results[0]!;
    const passed = matchesExpected(o.expect, top.index, top.label);
    return {
      ...base,
      passed,
      ...boot,
      serviceReadyMs,
      firstClassificationMs,
      label: top.label,
      index: top.index,
      score: top.score,
      ...(!passed && {
        failure: {
          code: 'WRONG_LABEL',
          message: `expected ${o.expect}, the VM answered ${top.index}:${top.label} (${top.score.toFixed(6)})`,
        },
      }),
    };
  } finally {
    await qemu.kill();
  }
}
