// Whether KVM actually runs a guest, not just whether /dev/kvm exists: on some hosts the device is there
// but a KVM guest hangs. The probe boots a 512-byte boot sector that writes to QEMU's isa-debug-exit port.
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Run } from '../tools/run.js';

export type KvmStatus = { readonly usable: true; readonly detail: string } | { readonly usable: false; readonly detail: string };

/** mov al,1; out 0xf4,al; hlt — QEMU exits with status (1 << 1) | 1 = 3. */
export function bootSector(): Uint8Array {
  const sector = new Uint8Array(512);
  sector.set([0xb0, 0x01, 0xe6, 0xf4, 0xf4]);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

export function kvmProbeArgs(image: string): string[] {
  return [
    '-accel', 'kvm', '-machine', 'pc', '-m', '32', '-nodefaults', '-nographic', '-no-reboot', '-display', 'none',
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-drive', `file=${image},format=raw,if=ide`,
  ];
}

export async function probeKvm(run: Run, options: { timeoutMs?: number; device?: string } = {}): Promise<KvmStatus> {
  const device = options.device ?? '/dev/kvm';
  try {
    await access(device, constants.R_OK | constants.W_OK);
  } catch {
    return { usable: false, detail: `${device} is missing or not accessible: boot tests use TCG (slower)` };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'coreforge-kvm-'));
  try {
    const image = path.join(dir, 'boot.img');
    await writeFile(image, bootSector());
    const timeout = options.timeoutMs ?? 8000;
    try {
      const result = await run('qemu-system-x86_64', kvmProbeArgs(image), { timeout, reject: false });
      if (result.exitCode === 3) return { usable: true, detail: 'a minimal KVM guest booted and exited (the boot tests still confirm KVM with their own kernel before using it)' };
      return { usable: false, detail: `a KVM guest failed (exit ${result.exitCode}): boot tests use TCG` };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'TOOL_TIMEOUT') return { usable: false, detail: `${device} exists but a KVM guest hung for ${timeout / 1000} s: boot tests use TCG` };
      if (code === 'TOOL_NOT_FOUND') return { usable: false, detail: 'qemu-system-x86_64 is missing, KVM not probed' };
      throw error;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
