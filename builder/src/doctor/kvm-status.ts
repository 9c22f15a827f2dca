// doctor's KVM line: the boot tests' own probe (test/vm/src/kvm-probe.ts) with the kernel they boot, so doctor
// says "KVM works" only when the guest the boot tests would run under KVM prints its first line.
import { defaultCacheDir, fetchBootAssets, probeKvmStatus, type Arch } from '@coreforge/vm';
import { existsSync } from 'node:fs';
import type { Run, Spawn } from '../tools/run.js';
import type { KvmStatus } from './doctor.js';

const HOST_ARCH: Readonly<Record<string, Arch | undefined>> = { x64: 'amd64', arm64: 'arm64' };

export interface KvmStatusOptions {
  readonly run: Run;
  readonly spawn: Spawn;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  readonly device?: string;
  readonly timeoutMs?: number;
}

export async function kvmStatus(o: KvmStatusOptions): Promise<KvmStatus> {
  const device = o.device ?? '/dev/kvm';
  const arch = HOST_ARCH[process.arch];
  if (!arch) return { usable: false, detail: `no boot-test kernel for this host's architecture (${process.arch})` };
  if (!existsSync(device)) return { usable: false, detail: `${device} is missing: boot tests use TCG (slower)` };
  let kernel: string;
  try {
    kernel = (
      await fetchBootAssets(o.run, arch, defaultCacheDir(o.env), {
        hostArch: arch,
        ...(o.signal && { signal: o.signal }),
      })
    ).kernel;
  } catch (error) {
    return {
      usable: false,
      detail: `KVM not probed: cannot fetch the boot tests' kernel: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  const result = await probeKvmStatus(o.spawn, arch, kernel, {
    device,
    ...(o.timeoutMs !== undefined && { timeoutMs: o.timeoutMs }),
  });
  return {
    usable: result.usable,
    detail: result.usable ? result.reason : `${result.reason}: boot tests use TCG (slower)`,
  };
}
