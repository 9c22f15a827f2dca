import { describe, expect, it } from 'vitest';
import { aptOptions } from './boot-assets.js';
import { writeCpio } from './cpio.js';
import { initScript, MARK } from './initramfs.js';
import { modinfoDepends } from './modules.js';
import { testDiskGrubCfg, testDiskPartitionArgs } from './image.js';
import { kvmProbeArgs } from './kvm-probe.js';
import { imageVmArgs, smokeVmArgs } from './qemu-args.js';
import { junitXml, type BootReport } from './report.js';
import { matchesExpected } from './classify-vm.js';

describe('QEMU command lines', () => {
  it('boots the smoke VM on amd64 with TCG, the snap read-only and the service port forwarded', () => {
    expect(
      smokeVmArgs({
        arch: 'amd64',
        kernel: '/k',
        initrd: '/i',
        snapFile: '/s.snap',
        serialLog: '/log',
        hostPort: 40000,
        guestPort: 8080,
      }),
    ).toEqual([
      '-accel',
      'tcg',
      '-machine',
      'q35',
      '-cpu',
      'max',
      '-m',
      '1024',
      '-smp',
      '2',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-no-reboot',
      '-serial',
      'file:/log',
      '-kernel',
      '/k',
      '-initrd',
      '/i',
      '-append',
      'console=ttyS0 quiet panic=-1',
      '-drive',
      'file=/s.snap,if=virtio,format=raw,readonly=on',
      '-netdev',
      'user,id=net0,hostfwd=tcp:127.0.0.1:40000-:8080',
      '-device',
      'virtio-net-pci,netdev=net0',
    ]);
  });

  it('uses the virt machine, a Cortex-A72 and the PL011 console on arm64', () => {
    const args = smokeVmArgs({
      arch: 'arm64',
      kernel: '/k',
      initrd: '/i',
      snapFile: '/s',
      serialLog: '/l',
      hostPort: 1,
      guestPort: 2,
      memoryMb: 1536,
      cpus: 1,
    });
    expect(args.slice(0, 10)).toEqual([
      '-accel',
      'tcg',
      '-machine',
      'virt',
      '-cpu',
      'cortex-a72',
      '-m',
      '1536',
      '-smp',
      '1',
    ]);
    expect(args).toContain('console=ttyAMA0 quiet panic=-1');
  });

  it('boots a disk image under UEFI on a throwaway overlay', () => {
    expect(
      imageVmArgs({
        arch: 'amd64',
        image: '/x.img',
        firmwareCode: '/OVMF_CODE.fd',
        firmwareVars: '/t/VARS.fd',
        serialLog: '/l',
        hostPort: 5,
        guestPort: 8080,
      }),
    ).toEqual([
      '-accel',
      'tcg',
      '-machine',
      'q35',
      '-cpu',
      'max',
      '-m',
      '2048',
      '-smp',
      '2',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-no-reboot',
      '-serial',
      'file:/l',
      '-drive',
      'if=pflash,format=raw,unit=0,readonly=on,file=/OVMF_CODE.fd',
      '-drive',
      'if=pflash,format=raw,unit=1,file=/t/VARS.fd',
      '-fw_cfg',
      'name=opt/org.tianocore/IPv4PXESupport,string=n',
      '-fw_cfg',
      'name=opt/org.tianocore/IPv6PXESupport,string=n',
      '-snapshot',
      '-drive',
      'file=/x.img,if=none,id=disk0,format=raw',
      '-device',
      'virtio-blk-pci,drive=disk0,bootindex=0',
      '-netdev',
      'user,id=net0,hostfwd=tcp:127.0.0.1:5-:8080',
      '-device',
      'virtio-net-pci,netdev=net0,romfile=',
    ]);
  });

  it('probes KVM with an early console and no disks', () => {
    expect(kvmProbeArgs('amd64', '/k')).toEqual([
      '-accel',
      'kvm',
      '-machine',
      'q35',
      '-cpu',
      'host',
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
      '/k',
      '-append',
      'earlycon=uart8250,io,0x3f8 console=ttyS0 panic=-1',
    ]);
    expect(kvmProbeArgs('arm64', '/k')).toContain('earlycon=pl011,0x9000000 console=ttyAMA0 panic=-1');
  });

  it('boots the test disk through GRUB and partitions it with the snap in partition 2', () => {
    expect(testDiskGrubCfg('amd64')).toContain(
      'linux /vmlinuz console=ttyS0 quiet panic=-1 coreforge.snap=/dev/vda2\ninitrd /initrd.gz\nboot\n',
    );
    expect(testDiskGrubCfg('arm64')).toContain('console=ttyAMA0');
    expect(testDiskPartitionArgs('/d.img', 20, 30)).toEqual([
      '--clear',
      '-n',
      '1:2048:+20M',
      '-t',
      '1:ef00',
      '-c',
      '1:ESP',
      '-n',
      '2:0:+30M',
      '-t',
      '2:8300',
      '-c',
      '2:snap',
      '/d.img',
    ]);
  });
});

describe('boot assets', () => {
  it('points apt at another architecture through a private state folder only', () => {
    expect(aptOptions('amd64', 'amd64', '/c')).toEqual([]);
    expect(aptOptions('arm64', 'amd64', '/c')).toEqual([
      '-oAPT::Architecture=arm64',
      '-oAPT::Architectures=arm64',
      '-oDir::State::Lists=/c/lists',
      '-oDir::Cache=/c/cache',
    ]);
  });

  it('reads module dependencies from modinfo', () => {
    expect(modinfoDepends(Buffer.from('\0license=GPL\0depends=virtio_ring,virtio,net_failover\0intree=Y\0'))).toEqual([
      'virtio_ring',
      'virtio',
      'net_failover',
    ]);
    expect(modinfoDepends(Buffer.from('\0depends=\0'))).toEqual([]);
  });
});

describe('initramfs', () => {
  it('writes cpio newc entries the kernel can unpack', () => {
    const cpio = writeCpio([
      { name: 'bin', kind: 'dir' },
      { name: 'bin/sh', kind: 'symlink', data: 'busybox' },
      { name: 'init', kind: 'file', mode: 0o755, data: 'x' },
    ]);
    const text = cpio.toString('latin1');
    expect(text.startsWith('070701')).toBe(true);
    expect(text).toContain('bin/sh\0');
    expect(text).toContain('TRAILER!!!\0');
    expect(cpio.length % 4).toBe(0);
    // mode of "init": regular file 0755
    const at = text.indexOf('init\0') - 110;
    expect(text.slice(at + 14, at + 22)).toBe((0o100755).toString(16).padStart(8, '0'));
  });

  it("starts the snap command with snapd's environment and marks the serial log", () => {
    const init = initScript({ snapName: 'classifier', version: '0.1.0', command: 'bin/serve' }, 'amd64', [
      'kernel/fs/squashfs/squashfs.ko',
    ]);
    expect(init).toContain('mount -t squashfs -o $opts "$dev" /snap/classifier/x1');
    expect(init).toContain('opts=ro\n');
    // The seed image boot: the snap file in the seed partition, through a loop device.
    expect(init).toContain(
      'dev=$(ls /seed/snaps/classifier_*.snap /seed/systems/*/snaps/classifier_*.snap 2>/dev/null | head -n 1)',
    );
    expect(init).toContain('opts=ro,loop');
    expect(init).toContain(
      'export SNAP_ARCH=amd64 SNAP_DATA=/var/snap/classifier/x1 SNAP_COMMON=/var/snap/classifier/common',
    );
    expect(init).toContain('"$SNAP/bin/serve" &');
    expect(init).toContain(MARK.serve);
  });
});

describe('reports', () => {
  it('matches the expected label by index or text', () => {
    expect(matchesExpected('653', 653, 'military uniform')).toBe(true);
    expect(matchesExpected('Military Uniform', 653, 'military uniform')).toBe(true);
    expect(matchesExpected('macaw', 653, 'military uniform')).toBe(false);
  });

  it('writes JUnit XML with the failure and the escaped serial log', () => {
    const r: BootReport = {
      kind: 'snap',
      target: 'x.snap',
      arch: 'amd64',
      passed: false,
      expected: '653',
      accel: 'tcg',
      serialLog: '/l',
      failure: { code: 'WRONG_LABEL', message: 'expected 653, got <89>' },
    };
    const xml = junitXml(r, 'boot & <log>');
    expect(xml).toContain('<testsuites tests="1" failures="1">');
    expect(xml).toContain('<failure type="WRONG_LABEL" message="expected 653, got &lt;89&gt;"/>');
    expect(xml).toContain('<system-out>boot &amp; &lt;log&gt;</system-out>');
  });
});
