import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run, spawn } from '../tools/run.js';
import { kvmStatus } from './kvm-status.js';

describe("doctor's KVM line is the boot tests' probe with their kernel", () => {
  it('says why KVM is unusable when the device is missing, without starting QEMU', async () => {
    expect(await kvmStatus({ run, spawn, env: process.env, device: '/dev/no-such-kvm' })).toEqual({
      usable: false,
      detail: '/dev/no-such-kvm is missing: boot tests use TCG (slower)',
    });
  });

  it('on this host: either the kernel printed its first line under KVM, or the reason it did not', async (ctx) => {
    if (!existsSync('/dev/kvm')) ctx.skip();
    const started = Date.now();
    const status = await kvmStatus({ run, spawn, env: process.env });
    const ms = Date.now() - started;
    console.log(`doctor KVM probe: usable=${status.usable} (${ms} ms): ${status.detail}`);
    if (status.usable) expect(status.detail).toBe("the boot tests' amd64 kernel printed its first line under KVM");
    else
      expect(status.detail).toMatch(
        /^(a Linux guest hangs under KVM: the boot tests' amd64 kernel \(-cpu host\) printed nothing in 2 s|QEMU exited \(.*\) before the kernel printed anything under KVM.*|\/dev\/kvm is missing or not readable and writable by this user): boot tests use TCG \(slower\)$/,
      );
  });
});
