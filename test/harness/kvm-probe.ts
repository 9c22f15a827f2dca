// KVM only when it is proven to work: on some hosts /dev/kvm exists but a KVM guest hangs. The probe boots the
// cloud kernel under KVM with an early console and waits a few seconds for its first line.
import { access, constants } from 'node:fs/promises';
import type { Arch } from './boot-assets.js';
import type { SpawnLike } from './process.js';
import { QEMU_BINARY } from './qemu-args.js';

export function kvmProbeArgs(arch: Arch, kernel: string): string[] {
  const console = arch === 'arm64' ? 'earlycon=pl011,0x9000000 console=ttyAMA0' : 'earlycon=uart8250,io,0x3f8 console=ttyS0';
  return [
    '-accel', 'kvm',
    ...(arch === 'arm64' ? ['-machine', 'virt', '-cpu', 'host'] : ['-machine', 'q35', '-cpu', 'host']),
    '-m', '256', '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-serial', 'stdio',
    '-kernel', kernel,
    '-append', `${console} panic=-1`,
  ];
}

/** True when a KVM guest prints its first kernel line within `timeoutMs`; QEMU is killed either way. */
export async function probeKvm(spawn: SpawnLike, arch: Arch, kernel: string, timeoutMs = 2000): Promise<boolean> {
  if (!(await access('/dev/kvm', constants.R_OK | constants.W_OK).then(() => true, () => false))) return false;
  let resolveSeen: (v: boolean) => void = () => undefined;
  const seen = new Promise<boolean>((r) => {
    resolveSeen = r;
  });
  let out = '';
  const qemu = spawn(QEMU_BINARY[arch], kvmProbeArgs(arch, kernel), {
    timeout: timeoutMs + 1000,
    onOutput: (t) => {
      out += t;
      if (/Linux version/.test(out)) resolveSeen(true);
    },
  });
  const timer = setTimeout(() => resolveSeen(false), timeoutMs);
  void qemu.exited.then(() => resolveSeen(/Linux version/.test(out)));
  try {
    return await seen;
  } finally {
    clearTimeout(timer);
    await qemu.kill();
  }
}
