// The one KVM probe's decisions, with an injected spawn standing in for QEMU (the real boot is in
// test/boot/smoke.test.ts and builder/src/doctor/kvm-status.slow.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeKvm } from './kvm-probe.js';
import type { SpawnLike } from './process.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-kvm-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** A readable and writable file stands in for /dev/kvm. */
const device = path.join(dir, 'kvm');
writeFileSync(device, '');

const noSpawn: SpawnLike = () => {
  throw new Error('QEMU must not start');
};
const noKernel = () => Promise.reject(new Error('the kernel must not be fetched'));

/** A QEMU that prints `output` and then exits with `exitCode`, or never exits (undefined). */
function fakeQemu(
  output: string,
  exitCode?: number,
): { spawn: SpawnLike; killed: () => number; argv: () => readonly string[] } {
  let kills = 0;
  let argv: readonly string[] = [];
  const spawn: SpawnLike = (tool, args, options) => {
    argv = [tool, ...args];
    let exit: (r: { exitCode: number | undefined; signal: string | undefined }) => void = () => undefined;
    const exited = new Promise<{ exitCode: number | undefined; signal: string | undefined }>((r) => (exit = r));
    setTimeout(() => {
      if (output) options?.onOutput?.(output);
      if (exitCode !== undefined) exit({ exitCode, signal: undefined });
    }, 5);
    return {
      pid: 1,
      exited,
      kill: async () => {
        kills++;
        exit({ exitCode: undefined, signal: 'SIGKILL' });
      },
    };
  };
  return { spawn, killed: () => kills, argv: () => argv };
}

describe('probeKvm', () => {
  it('answers without QEMU or a kernel when the host cannot run the guest under KVM', async () => {
    expect(await probeKvm({ spawn: noSpawn, kernel: noKernel, hostArch: 's390x' })).toEqual({
      usable: false,
      reason: "no boot-test kernel for this host's architecture (s390x)",
    });
    expect(await probeKvm({ spawn: noSpawn, kernel: noKernel, hostArch: 'x64', arch: 'arm64', device })).toEqual({
      usable: false,
      arch: 'arm64',
      reason: 'KVM runs only amd64 guests on this x64 host',
    });
    expect(
      await probeKvm({ spawn: noSpawn, kernel: noKernel, hostArch: 'x64', device: path.join(dir, 'missing') }),
    ).toEqual({ usable: false, arch: 'amd64', reason: `${path.join(dir, 'missing')} is missing` });
  });

  it('is usable when the kernel prints its banner under KVM, and QEMU is killed either way', async () => {
    const qemu = fakeQemu('[    0.000000] Linux version 6.1.0-cloud-amd64\n');
    const kernels: string[] = [];
    const result = await probeKvm({
      spawn: qemu.spawn,
      kernel: async (arch) => (kernels.push(arch), '/boot/vmlinuz'),
      hostArch: 'x64',
      device,
    });
    expect(result).toEqual({
      usable: true,
      arch: 'amd64',
      reason: "the boot tests' amd64 kernel printed its first line under KVM",
    });
    expect(kernels).toEqual(['amd64']);
    expect(qemu.argv().slice(0, 3)).toEqual(['qemu-system-x86_64', '-accel', 'kvm']);
    expect(qemu.argv()).toContain('/boot/vmlinuz');
    expect(qemu.killed()).toBe(1);
  });

  it('says why not: QEMU exited first (with its last line), or the guest hung', async () => {
    const exited = fakeQemu('qemu-system-x86_64: failed to initialize kvm: Permission denied\n', 1);
    expect(await probeKvm({ spawn: exited.spawn, kernel: async () => '/k', hostArch: 'x64', device })).toEqual({
      usable: false,
      arch: 'amd64',
      reason:
        'QEMU exited (1) before the kernel printed anything under KVM: qemu-system-x86_64: failed to initialize kvm: Permission denied',
    });
    const hung = fakeQemu('');
    expect(
      await probeKvm({ spawn: hung.spawn, kernel: async () => '/k', hostArch: 'x64', device, timeoutMs: 100 }),
    ).toEqual({
      usable: false,
      arch: 'amd64',
      reason: "a Linux guest hangs under KVM: the boot tests' amd64 kernel (-cpu host) printed nothing in 0.1 s",
    });
    expect(hung.killed()).toBe(1);
  });

  it('throws what fetching the kernel throws (doctor reports it, coreforge test fails as before)', async () => {
    await expect(
      probeKvm({
        spawn: noSpawn,
        kernel: () => Promise.reject(new Error('apt-get: no network')),
        hostArch: 'x64',
        device,
      }),
    ).rejects.toThrow('apt-get: no network');
  });
});
