// The snap smoke VM: boot a Debian cloud kernel with a busybox initramfs, mount the very .snap file, start its
// serve app as snapd would, and classify a photo through a forwarded port. QEMU is always killed.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fetchBootAssets, type Arch, type BootAssets } from './boot-assets.js';
import { freePort, httpRequest, waitHealthy } from './http.js';
import { buildInitramfs, MARK } from './initramfs.js';
import type { RunLike, SpawnLike } from './process.js';
import { QEMU_BINARY, smokeVmArgs } from './qemu-args.js';
import type { BootReport } from './report.js';
import { checkSnapArch, readSnapMeta } from './snap-meta.js';

export interface SnapSmokeOptions {
  readonly snapFile: string;
  readonly arch: Arch;
  readonly hostArch: string;
  readonly photo: Uint8Array;
  /** A label index ("653") or label text ("military uniform"). */
  readonly expect: string;
  readonly timeoutMs: number;
  /** The serial log (and the caller's report files) go here. */
  readonly reportDir: string;
  readonly cacheDir: string;
  readonly run: RunLike;
  readonly spawn: SpawnLike;
  readonly signal?: AbortSignal;
  readonly accel?: 'tcg' | 'kvm';
  /** Port the service listens on in the guest (default: the snap's CF_PORT, else 8080). */
  readonly guestPort?: number;
  /** Boot with these instead of the cached Debian packages (tests use a broken kernel). */
  readonly assets?: BootAssets;
}

export function matchesExpected(expect: string, index: number, label: string): boolean {
  return /^\d+$/.test(expect) ? Number(expect) === index : expect.trim().toLowerCase() === label.trim().toLowerCase();
}

async function snapServicePort(run: RunLike, snapFile: string): Promise<number> {
  const env = await run('unsquashfs', ['-cat', snapFile, 'bin/coreforge-env'], { timeout: 30_000, reject: false }).catch(() => undefined);
  const port = /^CF_PORT=(\d+)$/m.exec(env?.stdout ?? '')?.[1];
  return port ? Number(port) : 8080;
}

function sinceInLog(log: string, mark: string): number | undefined {
  const m = new RegExp(`${mark} ([\\d.]+)s`).exec(log);
  return m ? Number(m[1]) * 1000 : undefined;
}

export async function runSnapSmokeTest(o: SnapSmokeOptions): Promise<BootReport> {
  const started = performance.now();
  await mkdir(o.reportDir, { recursive: true });
  const serialLog = path.join(o.reportDir, `serial-${o.arch}.log`);
  const accel = o.accel ?? 'tcg';
  const base = { kind: 'snap' as const, target: path.basename(o.snapFile), arch: o.arch, expected: o.expect, accel, serialLog };
  const meta = await readSnapMeta(o.run, o.snapFile);
  checkSnapArch(meta, o.arch, o.snapFile);
  const assets = o.assets ?? await fetchBootAssets(o.run, o.arch, o.cacheDir, { hostArch: o.hostArch, ...(o.signal && { signal: o.signal }) });
  const work = await mkdtemp(path.join(tmpdir(), 'coreforge-smoke-'));
  let qemu: ReturnType<SpawnLike> | undefined;
  try {
    const initrd = path.join(work, 'initrd.gz');
    await writeFile(initrd, await buildInitramfs(assets, meta));
    await writeFile(serialLog, '');
    const hostPort = await freePort();
    const guestPort = o.guestPort ?? (await snapServicePort(o.run, o.snapFile));
    let qemuOutput = '';
    let exited: string | undefined;
    const qemuStart = performance.now();
    qemu = o.spawn(QEMU_BINARY[o.arch], smokeVmArgs({ arch: o.arch, kernel: assets.kernel, initrd, snapFile: o.snapFile, serialLog, hostPort, guestPort, accel }), {
      timeout: o.timeoutMs,
      onOutput: (t) => {
        qemuOutput += t;
      },
      ...(o.signal && { signal: o.signal }),
    });
    void qemu.exited.then((r) => {
      exited = `QEMU exited (${r.signal ?? `status ${r.exitCode}`})${qemuOutput ? `: ${qemuOutput.trim().split('\n').slice(-3).join(' ')}` : ''}`;
    });
    const readLog = () => readFile(serialLog, 'utf8').catch(() => '');
    let log = '';
    const outcome = await waitHealthy(hostPort, Date.now() + o.timeoutMs, () => {
      void readLog().then((l) => {
        log = l;
      });
      if (log.includes(MARK.exited)) return 'the service exited in the VM';
      return exited;
    }, o.signal);
    log = await readLog();
    const bootMs = sinceInLog(log, MARK.serve);
    if (outcome !== 'ready') {
      const tail = log.trim().split('\n').slice(-12).join('\n');
      const serviceExited = log.includes(MARK.exited);
      const code = outcome === 'timeout' && !serviceExited ? 'BOOT_TIMEOUT' : 'SERVICE_UNREACHABLE';
      const message = serviceExited
        ? `the service exited in the VM (${/serve exited with status (\d+)/.exec(log)?.[0] ?? 'no status'})`
        : outcome === 'timeout'
          ? `the service in the VM did not answer within ${o.timeoutMs / 1000} s${log.includes(MARK.serve) ? ' (it was started)' : log.includes(MARK.init) ? ' (the VM booted, the service was not started)' : ' (the VM did not reach /init)'}`
          : `the service in the VM is unreachable: ${outcome}`;
      return { ...base, passed: false, ...(bootMs !== undefined && { bootMs }), failure: { code, message: `${message}${tail ? `; serial log ends:\n${tail}` : ''}` } };
    }
    const serviceReadyMs = performance.now() - qemuStart;
    const reply = await httpRequest(hostPort, 'POST', '/v1/classify', o.photo, 60_000).catch((e: Error) => ({ status: 0, body: e.message }));
    const firstClassificationMs = performance.now() - started;
    if (reply.status !== 200)
      return { ...base, passed: false, ...(bootMs !== undefined && { bootMs }), serviceReadyMs, failure: { code: 'CLASSIFY_FAILED', message: `POST /v1/classify answered ${reply.status}: ${reply.body.slice(0, 300)}` } };
    const top = (JSON.parse(reply.body) as { results: { index: number; label: string; score: number }[] }).results[0]!;
    const passed = matchesExpected(o.expect, top.index, top.label);
    return {
      ...base,
      passed,
      ...(bootMs !== undefined && { bootMs }),
      serviceReadyMs,
      firstClassificationMs,
      label: top.label,
      index: top.index,
      score: top.score,
      ...(!passed && { failure: { code: 'WRONG_LABEL', message: `expected ${o.expect}, the VM answered ${top.index}:${top.label} (${top.score.toFixed(6)})` } }),
    };
  } finally {
    await qemu?.kill();
    await rm(work, { recursive: true, force: true });
  }
}

