// KVM only when it is proven to work: on some hosts /dev/kvm exists but a KVM guest hangs. The probe boots the
// cloud kernel the boot tests use, under KVM with the same -cpu, with an early console, and waits a few
// seconds for its first line. The one probe: `coreforge test --accel auto`, the boot tests and `coreforge doctor`.
import { access, constants } from 'node:fs/promises';
import type { Arch } from './boot-assets.js';
import type { SpawnLike } from './process.js';
import { QEMU_BINARY } from './qemu-args.js';

export function kvmProbeArgs(arch: Arch, kernel: string): string[] {
  const console =
    arch === 'arm64' ? 'earlycon=pl011,0x9000000 console=ttyAMA0' : 'earlycon=uart8250,io,0x3f8 console=ttyS0';
  return [
    '-accel',
    'kvm',
    ...(arch === 'arm64' ? ['-machine', 'virt', '-cpu', 'host'] : ['-machine', 'q35', '-cpu', 'host']),
    '-m',
    '256',
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    '-serial',
    'stdio',
    '-kernel',
    kernel,
    '-append',
    `${console} panic=-1`,
  ];
}

/** What the probe found: whether KVM runs a Linux guest here and, either way, why (one line). */
export interface KvmProbeResult {
  readonly usable: boolean;
  readonly reason: string;
}

export interface KvmProbeOptions {
  readonly timeoutMs?: number;
  /** The KVM device (a test points it at a missing path). */
  readonly device?: string;
}

const LINUX_BANNER = /Linux version/;

/** Boots `kernel` under KVM; usable when the kernel prints its banner within `timeoutMs`. QEMU is killed either way. */
export async function probeKvmStatus(
  spawn: SpawnLike,
  arch: Arch,
  kernel: string,
  options: KvmProbeOptions = {},
): Promise<KvmProbeResult> {
  const device = options.device ?? '/dev/kvm';
  const timeoutMs = options.timeoutMs ?? 2000;
  if (
    !(await access(device, constants.R_OK | constants.W_OK).then(
      () => true,
      () => false,
    ))
  )
    return { usable: false, reason: `${device} is missing or not readable and writable by this user` };
  let settle: (r: KvmProbeResult) => void = () => undefined;
  const result = new Promise<KvmProbeResult>((r) => {
    settle = r;
  });
  let out = '';
  const seconds = `${timeoutMs / 1000} s`;
  let qemu;
  try {
    qemu = spawn(QEMU_BINARY[arch], kvmProbeArgs(arch, kernel), {
      timeout: timeoutMs + 1000,
      onOutput: (t) => {
        out += t;
        if (LINUX_BANNER.test(out))
          settle({ usable: true, reason: `the boot tests' ${arch} kernel printed its first line under KVM` });
      },
    });
  } catch (error) {
    return { usable: false, reason: `cannot start ${QEMU_BINARY[arch]}: ${(error as Error).message.split('\n')[0]}` };
  }
  const timer = setTimeout(
    () =>
      settle({
        usable: false,
        reason: `a Linux guest hangs under KVM: the boot tests' ${arch} kernel (-cpu host) printed nothing in ${seconds}`,
      }),
    timeoutMs,
  );
  void qemu.exited.then(
    ({ exitCode }) => {
      if (LINUX_BANNER.test(out)) return;
      const last = out.trim().split('\n').filter(Boolean).at(-1);
      settle({
        usable: false,
        reason: `QEMU exited (${exitCode ?? 'signal'}) before the kernel printed anything under KVM${last ? `: ${last.trim()}` : ''}`,
      });
    },
    (error: unknown) =>
      settle({ usable: false, reason: `QEMU failed under KVM: ${(error as Error).message.split('\n')[0]}` }),
  );
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    await qemu.kill();
  }
}

/** True when a KVM guest prints its first kernel line within `timeoutMs`. */
export async function probeKvm(spawn: SpawnLike, arch: Arch, kernel: string, timeoutMs = 2000): Promise<boolean> {
  return (await probeKvmStatus(spawn, arch, kernel, { timeoutMs })).usable;
}
