// The snap smoke VM: boot a Debian cloud kernel with a busybox initramfs, mount the very .snap file, start its
// serve app as snapd would, and classify a photo through a forwarded port. QEMU is always killed.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fetchBootAssets, type Arch, type BootAssets } from './boot-assets.js';
import { classifyThroughVm } from './classify-vm.js';
import { freePort } from './http.js';
import { buildInitramfs } from './initramfs.js';
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

export async function snapServicePort(run: RunLike, snapFile: string): Promise<number> {
  const env = await run('unsquashfs', ['-cat', snapFile, 'bin/coreforge-env'], {
    timeout: 30_000,
    reject: false,
  }).catch(() => undefined);
  const port = /^CF_PORT=(\d+)$/m.exec(env?.stdout ?? '')?.[1];
  return port ? Number(port) : 8080;
}

export async function runSnapSmokeTest(o: SnapSmokeOptions): Promise<BootReport> {
  const startedAt = performance.now();
  await mkdir(o.reportDir, { recursive: true });
  const serialLog = path.join(o.reportDir, `serial-${o.arch}.log`);
  const accel = o.accel ?? 'tcg';
  const meta = await readSnapMeta(o.run, o.snapFile);
  checkSnapArch(meta, o.arch, o.snapFile);
  const assets =
    o.assets ??
    (await fetchBootAssets(o.run, o.arch, o.cacheDir, { hostArch: o.hostArch, ...(o.signal && { signal: o.signal }) }));
  const work = await mkdtemp(path.join(tmpdir(), 'coreforge-smoke-'));
  try {
    const initrd = path.join(work, 'initrd.gz');
    await writeFile(initrd, await buildInitramfs(assets, meta));
    const hostPort = await freePort();
    const guestPort = o.guestPort ?? (await snapServicePort(o.run, o.snapFile));
    return await classifyThroughVm({
      qemu: QEMU_BINARY[o.arch],
      args: smokeVmArgs({
        arch: o.arch,
        kernel: assets.kernel,
        initrd,
        snapFile: o.snapFile,
        serialLog,
        hostPort,
        guestPort,
        accel,
      }),
      serialLog,
      hostPort,
      photo: o.photo,
      expect: o.expect,
      timeoutMs: o.timeoutMs,
      startedAt,
      base: { kind: 'snap', target: path.basename(o.snapFile), arch: o.arch, expected: o.expect, accel, serialLog },
      spawn: o.spawn,
      ...(o.signal && { signal: o.signal }),
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
