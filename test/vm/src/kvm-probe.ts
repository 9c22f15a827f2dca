// KVM only when it is proven to work: on some hosts /dev/kvm exists but a KVM guest hangs. The probe boots the
// cloud kernel the boot tests use, under KVM with the same -cpu, with an early console, and waits a few
// seconds for its first line. The one probe: `coreforge test --accel auto`, the boot tests and `coreforge doctor`.
import { access, constants } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { NODE_ARCH, snapArchOfNode } from '@coreforge/snaps';
import type { Arch } from './boot-assets.js';
import type { SpawnLike } from './process.js';
import { machine, QEMU_BINARY } from './qemu-args.js';

export function kvmProbeArgs(arch: Arch, kernel: string): string[] {
  const console =
    arch === 'arm64' ? 'earlycon=pl011,0x9000000 console=ttyAMA0' : 'earlycon=uart8250,io,0x3f8 console=ttyS0';
  return [
    '-accel',
    'kvm',
    ...machine(arch, 'kvm'),
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
  /** The architecture probed (the guest's; undefined when this host's architecture has no boot-test kernel). */
  readonly arch?: Arch;
  readonly reason: string;
}

export interface KvmProbeOptions {
  readonly spawn: SpawnLike;
  /** The guest architecture (default: this host's). KVM runs only a guest of the host's own architecture. */
  readonly arch?: Arch;
  /**
   * The boot tests' kernel for `arch` (fetched, e.g. with fetchBootAssets), asked for only when the host and the
   * device allow KVM at all. What it throws, the probe throws.
   */
  readonly kernel: (arch: Arch) => Promise<string>;
  readonly timeoutMs?: number;
  /** The KVM device (a test points it at a missing path). */
  readonly device?: string;
  /** Node's name of this host's architecture (default process.arch). */
  readonly hostArch?: string;
}

const LINUX_BANNER = /Linux version/;

/**
 * Whether KVM runs the boot tests' `arch` kernel here: the host must be of that architecture, the device must exist
 * and be readable and writable, and the kernel must print its banner within `timeoutMs`. QEMU is killed either way.
 */
export async function probeKvm(o: KvmProbeOptions): Promise<KvmProbeResult> {
  const hostNode = o.hostArch ?? process.arch;
  const host = snapArchOfNode(hostNode);
  if (!host) return { usable: false, reason: `no boot-test kernel for this host's architecture (${hostNode})` };
  const arch = o.arch ?? host;
  if (arch !== host)
    return { usable: false, arch, reason: `KVM runs only ${host} guests on this ${NODE_ARCH[host]} host` };
  const device = o.device ?? '/dev/kvm';
  if (!existsSync(device)) return { usable: false, arch, reason: `${device} is missing` };
  if (
    !(await access(device, constants.R_OK | constants.W_OK).then(
      () => true,
      () => false,
    ))
  )
    return { usable: false, arch, reason: `${device} is missing or not readable and writable by this user` };
  const kernel = await o.kernel(arch);
  const timeoutMs = o.timeoutMs ?? 2000;
  let settle: (r: KvmProbeResult) => void = () => undefined;
  const result = new Promise<KvmProbeResult>((r) => {
    settle = r;
  });
  let out = '';
  const seconds = `${timeoutMs / 1000} s`;
  let qemu;
  try {
    qemu = o.spawn(QEMU_BINARY[arch], kvmProbeArgs(arch, kernel), {
      timeout: timeoutMs + 1000,
      onOutput: (t) => {
        out += t;
        if (LINUX_BANNER.test(out))
          settle({ usable: true, arch, reason: `the boot tests' ${arch} kernel printed its first line under KVM` });
      },
    });
  } catch (error) {
    return {
      usable: false,
      arch,
      reason: `cannot start ${QEMU_BINARY[arch]}: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  const timer = setTimeout(
    () =>
      settle({
        usable: false,
        arch,
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
        arch,
        reason: `QEMU exited (${exitCode ?? 'signal'}) before the kernel printed anything under KVM${last ? `: ${last.trim()}` : ''}`,
      });
    },
    (error: unknown) =>
      settle({ usable: false, arch, reason: `QEMU failed under KVM: ${(error as Error).message.split('\n')[0]}` }),
  );
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    await qemu.kill();
  }
}
