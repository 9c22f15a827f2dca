import { access } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { run } from '../tools/run.js';
import { bootSector, kvmProbeArgs, probeKvm } from './kvm.js';

describe('KVM probe', () => {
  it('builds a boot sector that exits through isa-debug-exit', () => {
    const s = bootSector();
    expect(s.length).toBe(512);
    expect([...s.subarray(0, 5)]).toEqual([0xb0, 0x01, 0xe6, 0xf4, 0xf4]);
    expect([s[510], s[511]]).toEqual([0x55, 0xaa]);
    expect(kvmProbeArgs('/t/boot.img')).toEqual([
      '-accel', 'kvm', '-machine', 'pc', '-m', '32', '-nodefaults', '-nographic', '-no-reboot', '-display', 'none',
      '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-drive', 'file=/t/boot.img,format=raw,if=ide',
    ]);
  });

  it('says no, with a reason, for a missing device', async () => {
    const status = await probeKvm(run, { device: '/dev/no-such-kvm' });
    expect(status).toEqual({ usable: false, detail: '/dev/no-such-kvm is missing or not accessible: boot tests use TCG (slower)' });
  });

  it('answers within its timeout on this host, whatever KVM does', async (ctx) => {
    if (!(await access('/dev/kvm').then(() => true, () => false))) ctx.skip();
    const started = Date.now();
    const status = await probeKvm(run, { timeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(9000);
    expect(status.detail).toMatch(/KVM guest (booted and exited|hung for 5 s|failed)/);
  });
});
