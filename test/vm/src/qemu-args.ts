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

/** The machine and CPU of a VM: KVM passes the host CPU through, TCG emulates one. */
export function machine(arch: Arch, accel: 'tcg' | 'kvm'): string[] {
  if (arch === 'arm64') return ['-machine', 'virt', '-cpu', accel === 'kvm' ? 'host' : 'cortex-a72'];
  return ['-machine', 'q35', '-cpu', accel === 'kvm' ? 'host' : 'max'];
}

/** What both VMs share: accelerator, machine, memory, CPUs, no default devices, the serial log. */
function vmBase(o: VmOptions, defaultMemoryMb: number): string[] {
  const accel = o.accel ?? 'tcg';
  return [
    '-accel',
    accel,
    ...machine(o.arch, accel),
    '-m',
    String(o.memoryMb ?? defaultMemoryMb),
    '-smp',
    String(o.cpus ?? 2),
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    '-serial',
    `file:${o.serialLog}`,
  ];
}

const hostForward = (o: VmOptions) => `user,id=net0,hostfwd=tcp:127.0.0.1:${o.hostPort}-:${o.guestPort}`;

export function smokeVmArgs(o: SmokeVmOptions): string[] {
  const console = o.arch === 'arm64' ? 'ttyAMA0' : 'ttyS0';
  return [
    ...vmBase(o, 1024),
    '-kernel',
    o.kernel,
    '-initrd',
    o.initrd,
    '-append',
    `console=${console} quiet panic=-1`,
    '-drive',
    `file=${o.snapFile},if=virtio,format=raw,readonly=on`,
    '-netdev',
    hostForward(o),
    '-device',
    'virtio-net-pci,netdev=net0',
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
    '-drive',
    `if=pflash,format=raw,unit=0,readonly=on,file=${o.firmwareCode}`,
    '-drive',
    `if=pflash,format=raw,unit=1,file=${o.firmwareVars}`,
    // No network boot: without these the firmware spends minutes on PXE and HTTP boot before the disk's shell script.
    '-fw_cfg',
    'name=opt/org.tianocore/IPv4PXESupport,string=n',
    '-fw_cfg',
    'name=opt/org.tianocore/IPv6PXESupport,string=n',
    '-snapshot',
    '-drive',
    `file=${o.image},if=none,id=disk0,format=raw`,
    '-device',
    'virtio-blk-pci,drive=disk0,bootindex=0',
    '-netdev',
    hostForward(o),
    '-device',
    'virtio-net-pci,netdev=net0,romfile=',
  ];
}

export interface SnapdVmOptions extends Omit<VmOptions, 'hostPort' | 'guestPort'> {
  readonly kernel: string;
  readonly initrd: string;
  readonly cmdline: string;
  readonly disk: string;
  /** Boot the disk on a throwaway overlay (tests); the preparation boot writes to it. */
  readonly snapshot: boolean;
  /** The second serial port (ttyS1): a Unix socket QEMU listens on, the host's command channel. */
  readonly agentSocket: string;
  /** Read-only input disk (a tar archive), /dev/disk/by-id/virtio-cf-input in the guest. */
  readonly input?: string;
  /** Writable output disk, /dev/disk/by-id/virtio-cf-output in the guest. */
  readonly output?: string;
  readonly forwards: readonly { readonly hostPort: number; readonly guestPort: number }[];
}

/** The snapd VM: Debian's kernel and initrd, the ext4 root disk, input/output disks, the agent's serial port, offline user networking. */
export function snapdVmArgs(o: SnapdVmOptions): string[] {
  const fwd = o.forwards.map((f) => `,hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`).join('');
  return [
    ...vmBase({ ...o, hostPort: 0, guestPort: 0 }, 2048),
    '-serial',
    `unix:${o.agentSocket},server=on,wait=off`,
    '-kernel',
    o.kernel,
    '-initrd',
    o.initrd,
    '-append',
    o.cmdline,
    // snapshot=on for the root disk only: -snapshot would also throw away what the guest writes to the output disk.
    '-drive',
    `file=${o.disk},if=none,id=root,format=raw${o.snapshot ? ',snapshot=on' : ',discard=unmap'}`,
    '-device',
    'virtio-blk-pci,drive=root',
    ...(o.input
      ? [
          '-drive',
          `file=${o.input},if=none,id=input,format=raw,readonly=on`,
          '-device',
          'virtio-blk-pci,drive=input,serial=cf-input',
        ]
      : []),
    ...(o.output
      ? [
          '-drive',
          `file=${o.output},if=none,id=output,format=raw`,
          '-device',
          'virtio-blk-pci,drive=output,serial=cf-output',
        ]
      : []),
    '-netdev',
    `user,id=net0,restrict=on${fwd}`,
    '-device',
    'virtio-net-pci,netdev=net0,romfile=',
    '-device',
    'virtio-rng-pci',
  ];
}
