// doctor's KVM line: the boot tests' own probe (@coreforge/vm probeKvm) with the kernel they boot, so doctor says
// "KVM works" only when the guest the boot tests would run under KVM prints its first line.
import { defaultCacheDir, fetchBootAssets, probeKvm } from '@coreforge/vm';
import type { Run, Spawn } from '../tools/run.js';
import type { KvmStatus } from './doctor.js';

export interface KvmStatusOptions {
  readonly run: Run;
  readonly spawn: Spawn;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  readonly device?: string;
  readonly timeoutMs?: number;
}

export async function kvmStatus(o: KvmStatusOptions): Promise<KvmStatus> {
  let result;
  try {
    result = await probeKvm({
      spawn: o.spawn,
      kernel: async (arch) =>
        (
          await fetchBootAssets(o.run, arch, defaultCacheDir(o.env), {
            hostArch: arch,
            ...(o.signal && { signal: o.signal }),
          })
        ).kernel,
      ...(o.device !== undefined && { device: o.device }),
      ...(o.timeoutMs !== undefined && { timeoutMs: o.timeoutMs }),
    });
  } catch (error) {
    return {
      usable: false,
      detail: `KVM not probed: cannot fetch the boot tests' kernel: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  // No boot-test kernel for this host at all: there is no TCG fallback to mention either.
  if (result.usable || result.arch === undefined) return { usable: result.usable, detail: result.reason };
  return { usable: false, detail: `${result.reason}: boot tests use TCG (slower)` };
}
