// The image boot path: boot a whole disk image under UEFI firmware (OVMF/AAVMF) on a throwaway overlay,
// wait for the inference service through a forwarded port, classify. For an Ubuntu Core image that includes
// first-boot install and seeding. buildTestDiskImage() makes a small GPT image in the shape of the pc gadget's
// (an ESP with GRUB as \EFI\BOOT\BOOTX64.EFI, the kernel and its initramfs, plus the snap in partition 2) so this
// path runs for real where no Ubuntu Core image can be built.
import { copyFile, mkdir, mkdtemp, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Arch, BootAssets } from './boot-assets.js';
import { classifyThroughVm } from './classify-vm.js';
import { HarnessError } from './errors.js';
import { freePort } from './http.js';
import { buildInitramfs } from './initramfs.js';
import type { RunLike, SpawnLike } from './process.js';
import { imageVmArgs, QEMU_BINARY } from './qemu-args.js';
import type { BootReport } from './report.js';
import { readSnapMeta } from './snap-meta.js';

/** UEFI firmware per architecture: the Debian package that ships it, and its code and variables files (first found wins). */
export const FIRMWARE: Record<Arch, { package: string; code: readonly string[]; vars: readonly string[] }> = {
  amd64: {
    package: 'ovmf',
    code: ['/usr/share/OVMF/OVMF_CODE_4M.fd', '/usr/share/OVMF/OVMF_CODE.fd'],
    vars: ['/usr/share/OVMF/OVMF_VARS_4M.fd', '/usr/share/OVMF/OVMF_VARS.fd'],
  },
  arm64: {
    package: 'qemu-efi-aarch64',
    code: ['/usr/share/AAVMF/AAVMF_CODE.fd'],
    vars: ['/usr/share/AAVMF/AAVMF_VARS.fd'],
  },
};

async function firstExisting(files: readonly string[]): Promise<string | undefined> {
  for (const f of files)
    if (
      await stat(f).then(
        () => true,
        () => false,
      )
    )
      return f;
  return undefined;
}

export interface ImageBootOptions {
  readonly image: string;
  readonly arch: Arch;
  readonly photo: Uint8Array;
  readonly expect: string;
  readonly timeoutMs: number;
  readonly reportDir: string;
  readonly guestPort: number;
  readonly spawn: SpawnLike;
  readonly signal?: AbortSignal;
  readonly accel?: 'tcg' | 'kvm';
}

export async function runImageBootTest(o: ImageBootOptions): Promise<BootReport> {
  const startedAt = performance.now();
  const code = await firstExisting(FIRMWARE[o.arch].code);
  const vars = await firstExisting(
    FIRMWARE[o.arch].vars.filter(
      (v) => !code || path.basename(v).includes('_4M') === path.basename(code).includes('_4M'),
    ),
  );
  if (!code || !vars)
    throw new HarnessError(
      'BOOT_ASSETS_FAILED',
      `cannot boot an image on ${o.arch}: no UEFI firmware (looked for ${FIRMWARE[o.arch].code.join(', ')})`,
      `sudo apt-get install ${FIRMWARE[o.arch].package}`,
    );
  await mkdir(o.reportDir, { recursive: true });
  const serialLog = path.join(o.reportDir, `serial-image-${o.arch}.log`);
  const work = await mkdtemp(path.join(tmpdir(), 'coreforge-image-'));
  try {
    // A writable copy of the firmware variables, per run; the image itself is opened with -snapshot.
    const varsCopy = path.join(work, path.basename(vars));
    await copyFile(vars, varsCopy);
    const hostPort = await freePort();
    const accel = o.accel ?? 'tcg';
    return await classifyThroughVm({
      qemu: QEMU_BINARY[o.arch],
      args: imageVmArgs({
        arch: o.arch,
        image: o.image,
        firmwareCode: code,
        firmwareVars: varsCopy,
        serialLog,
        hostPort,
        guestPort: o.guestPort,
        accel,
      }),
      serialLog,
      hostPort,
      photo: o.photo,
      expect: o.expect,
      timeoutMs: o.timeoutMs,
      startedAt,
      base: { kind: 'image', target: path.basename(o.image), arch: o.arch, expected: o.expect, accel, serialLog },
      spawn: o.spawn,
      ...(o.signal && { signal: o.signal }),
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const MIB = 1024 * 1024;

/** `sgdisk` argv for the test disk: a 1 MiB-aligned ESP and a Linux partition holding the snap. */
export function testDiskPartitionArgs(disk: string, espMiB: number, snapMiB: number): string[] {
  return [
    '--clear',
    '-n',
    `1:2048:+${espMiB}M`,
    '-t',
    '1:ef00',
    '-c',
    '1:ESP',
    '-n',
    `2:0:+${snapMiB}M`,
    '-t',
    '2:8300',
    '-c',
    '2:snap',
    disk,
  ];
}

/** GRUB's configuration for the test disk: find the ESP, boot the kernel with its initramfs, say where the snap is. */
export function testDiskGrubCfg(arch: Arch): string {
  const console = arch === 'arm64' ? 'ttyAMA0' : 'ttyS0';
  return `set timeout=0
search --no-floppy --set=root --file /vmlinuz
linux /vmlinuz console=${console} quiet panic=-1 coreforge.snap=/dev/vda2
initrd /initrd.gz
boot
`;
}

export const GRUB_EFI: Record<Arch, { format: string; file: string }> = {
  amd64: { format: 'x86_64-efi', file: 'BOOTX64.EFI' },
  arm64: { format: 'arm64-efi', file: 'BOOTAA64.EFI' },
};

/** Builds a small bootable GPT disk image around a snap (see the file comment). Needs sgdisk, mkfs.vfat, mtools and grub-mkstandalone. */
export async function buildTestDiskImage(
  run: RunLike,
  assets: BootAssets,
  snapFile: string,
  out: string,
): Promise<void> {
  const meta = await readSnapMeta(run, snapFile);
  const work = await mkdtemp(path.join(tmpdir(), 'coreforge-disk-'));
  try {
    const initrd = path.join(work, 'initrd.gz');
    await writeFile(initrd, await buildInitramfs(assets, meta));
    const cfg = path.join(work, 'grub.cfg');
    await writeFile(cfg, testDiskGrubCfg(assets.arch));
    const grub = GRUB_EFI[assets.arch];
    const efi = path.join(work, grub.file);
    await run(
      'grub-mkstandalone',
      [
        '-O',
        grub.format,
        '-o',
        efi,
        '--modules=part_gpt fat linux search search_fs_file normal',
        `boot/grub/grub.cfg=${cfg}`,
      ],
      { timeout: 120_000 },
    );
    const espMiB =
      Math.ceil(((await stat(assets.kernel)).size + (await stat(initrd)).size + (await stat(efi)).size) / MIB) + 16;
    const esp = path.join(work, 'esp.img');
    await writeFile(esp, Buffer.alloc(0));
    await truncate(esp, espMiB * MIB);
    await run('mkfs.vfat', ['-F', '32', '-n', 'ESP', esp], { timeout: 60_000 });
    await run('mcopy', ['-i', esp, assets.kernel, '::/vmlinuz'], { timeout: 60_000 });
    await run('mcopy', ['-i', esp, initrd, '::/initrd.gz'], { timeout: 60_000 });
    await run('mmd', ['-i', esp, '::/EFI', '::/EFI/BOOT'], { timeout: 60_000 });
    await run('mcopy', ['-i', esp, efi, `::/EFI/BOOT/${grub.file}`], { timeout: 60_000 });
    const snapMiB = Math.ceil((await stat(snapFile)).size / MIB) + 1;
    await rm(out, { force: true });
    await writeFile(out, Buffer.alloc(0));
    await truncate(out, (1 + espMiB + snapMiB + 1) * MIB);
    await run('sgdisk', testDiskPartitionArgs(out, espMiB, snapMiB), { timeout: 60_000 });
    const fd = await open(out, 'r+');
    try {
      await fd.write(await readFile(esp), 0, undefined, MIB);
      await fd.write(await readFile(snapFile), 0, undefined, (1 + espMiB) * MIB);
    } finally {
      await fd.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
