// QEMU command lines, as pure functions (unit-tested with exact arrays).
import type { Arch } from './boot-assets.js';

/** What every VM takes: the machine, its serial log and the forwarded service port. */
export interface VmOptions {
  readonly arch: Arch;
  readonly serialLog: string;
  readonly hostPort: number;
  readonly guestPort: number;
  readonly memoryMb?: number;
  readonly cpus?: number;
  readonly accel?: 'tcg' | 'kvm';
}

export interface SmokeVmOptions extends VmOptions {
  readonly kernel: string;
  readonly initrd: string;
  readonly snapFile: string;
}

export const QEMU_BINARY: Record<Arch, string> = { amd64: 'qemu-system-x86_64', arm64: 'qemu-system-aarch64' };

function machine(arch: Arch, accel: 'tcg' | 'kvm'): string[] {
  if (arch === 'arm64') return ['-machine', 'virt', '-cpu', accel === 'kvm' ? 'host' : 'cortex-a72'];
  return ['-machine', 'q35', '-cpu', accel === 'kvm' ? 'host' : 'max'];
}

/** What both VMs share: accelerator, machine, memory, CPUs, no default devices, the serial log. */
function vmBase(o: VmOptions, defaultMemoryMb: number): string[] {
  const accel = o.accel ?? 'tcg';
  return [
    '-accel', accel,
    ...machine(o.arch, accel),
    '-m', String(o.memoryMb ?? defaultMemoryMb),
    '-smp', String(o.cpus ?? 2),
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-serial', `file:${o.serialLog}`,
  ];
}

const hostForward = (o: VmOptions) => `user,id=net0,hostfwd=tcp:127.0.0.1:${o.hostPort}-:${o.guestPort}`;

export function smokeVmArgs(o: SmokeVmOptions): string[] {
  const console = o.arch === 'arm64' ? 'ttyAMA0' : 'ttyS0';
  return [
    ...vmBase(o, 1024),
    '-kernel', o.kernel,
    '-initrd', o.initrd,
    '-append', `console=${console} quiet panic=-1`,
    '-drive', `file=${o.snapFile},if=virtio,format=raw,readonly=on`,
    '-netdev', hostForward(o),
    '-device', 'virtio-net-pci,netdev=net0',
  ];
}

export interface ImageVmOptions extends VmOptions {
  readonly image: string;
  /** Read-only firmware code (OVMF_CODE / AAVMF_CODE). */
  readonly firmwareCode: string;
  /** A writable copy of the firmware variables, made per run. */
  readonly firmwareVars: string;
}

/** UEFI boot of a whole disk image; -snapshot keeps the image file unmodified. */
export function imageVmArgs(o: ImageVmOptions): string[] {
  return [
    ...vmBase(o, 2048),
    '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${o.firmwareCode}`,
    '-drive', `if=pflash,format=raw,unit=1,file=${o.firmwareVars}`,
    // No network boot: without these the firmware spends minutes on PXE and HTTP boot before the disk's shell script.
    '-fw_cfg', 'name=opt/org.tianocore/IPv4PXESupport,string=n',
    '-fw_cfg', 'name=opt/org.tianocore/IPv6PXESupport,string=n',
    '-snapshot',
    '-drive', `file=${o.image},if=none,id=disk0,format=raw`,
    '-device', 'virtio-blk-pci,drive=disk0,bootindex=0',
    '-netdev', hostForward(o),
    '-device', 'virtio-net-pci,netdev=net0,romfile=',
  ];
}
