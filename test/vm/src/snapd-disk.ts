// The snapd VM's disk, built once and cached under a key made of the recipe's content: a Debian 12 root
// filesystem from mmdebstrap (Debian's snapd 2.57, AppArmor, the cloud kernel), the stand-in core24 and snapd
// snaps, and a preparation boot that installs them and lets snapd seed and make its device key. Tests then
// boot the cached disk on a throwaway overlay.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HarnessError } from './errors.js';
import type { RunLike, SpawnLike } from './process.js';
import {
  AGENT_SCRIPT,
  baseMmdebstrapArgs,
  rootfsMmdebstrapArgs,
  rootfsOverlay,
  ROOT_LABEL,
  SNAPD_SNAP_EXCLUDES,
  snapdKernelCmdline,
  STANDIN_BASE_YAML,
  standinSnapdYaml,
} from './snapd-guest.js';
import { startSnapdVm } from './snapd-vm.js';

export interface SnapdDisk {
  readonly dir: string;
  readonly key: string;
  readonly disk: string;
  readonly kernel: string;
  readonly initrd: string;
  readonly cmdline: string;
  /** Debian's snapd version inside. */
  readonly snapdVersion: string;
  /** How long the build took when it was made (ms), by phase. */
  readonly built: Readonly<Record<string, number>>;
}

export interface SnapdDiskOptions {
  readonly run: RunLike;
  readonly spawn: SpawnLike;
  /** The disk goes to `<cacheDir>/snapd-vm-<key>`. */
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (msg: string) => void;
  readonly accel?: 'tcg' | 'kvm';
}

/** Bump when the build steps below change in a way the recipe text does not show. */
const RECIPE_VERSION = 'snapd-disk-1';
const DISK_SIZE = '3G';

/** The cache key: the content of everything the disk is made from (pure). */
export function snapdDiskKey(): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify({
      RECIPE_VERSION,
      DISK_SIZE,
      rootfs: rootfsMmdebstrapArgs('T', 'O'),
      base: baseMmdebstrapArgs('T'),
      overlay: rootfsOverlay(),
      STANDIN_BASE_YAML,
      snapd: standinSnapdYaml('V'),
      SNAPD_SNAP_EXCLUDES,
      AGENT_SCRIPT,
    }),
  );
  return h.digest('hex').slice(0, 16);
}

export function snapdDiskDir(cacheDir: string): string {
  return path.join(cacheDir, `snapd-vm-${snapdDiskKey()}`);
}

/** The cached disk when it is there and complete, else undefined. */
export async function cachedSnapdDisk(cacheDir: string): Promise<SnapdDisk | undefined> {
  const marker = path.join(snapdDiskDir(cacheDir), 'disk.json');
  if (!existsSync(marker)) return undefined;
  const d = JSON.parse(await readFile(marker, 'utf8')) as SnapdDisk;
  return [d.disk, d.kernel, d.initrd].every((f) => existsSync(f)) ? d : undefined;
}

async function copyTree(from: string, to: string, files: readonly string[]): Promise<void> {
  for (const rel of files) {
    const src = path.join(from, rel);
    const dst = path.join(to, rel);
    const st = await lstat(src).catch(() => undefined);
    if (!st || st.isDirectory()) continue;
    // usrmerge: /lib, /bin and /sbin are symlinks to folders; the files under them are listed on their own.
    if (
      st.isSymbolicLink() &&
      (await stat(src).then(
        (t) => t.isDirectory(),
        () => false,
      ))
    )
      continue;
    await mkdir(path.dirname(dst), { recursive: true });
    if (st.isSymbolicLink()) await symlink(await readlink(src), dst);
    else {
      await copyFile(src, dst);
      await chmod(dst, st.mode & 0o7777);
    }
  }
}

function dpkgVersion(status: string, pkg: string): string {
  const block = status.split('\n\n').find((b) => b.startsWith(`Package: ${pkg}\n`));
  return /^Version: (.+)$/m.exec(block ?? '')?.[1] ?? 'unknown';
}

export async function buildSnapdDisk(o: SnapdDiskOptions): Promise<SnapdDisk> {
  const cached = await cachedSnapdDisk(o.cacheDir);
  if (cached) return cached;
  const progress = o.onProgress ?? (() => undefined);
  const dir = snapdDiskDir(o.cacheDir);
  const work = `${dir}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const built: Record<string, number> = {};
  const phase = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    progress(name);
    try {
      return await f();
    } finally {
      built[name] = Math.round(performance.now() - t);
    }
  };
  const tool = async (cmd: string, args: readonly string[], timeout: number) => {
    try {
      return await o.run(cmd, args, { timeout, ...(o.signal && { signal: o.signal }) });
    } catch (cause) {
      const e = cause as Error & { code?: string };
      if (e.code === 'TOOL_NOT_FOUND' || e.code === 'CANCELLED') throw cause;
      throw new HarnessError(
        'VM_DISK_FAILED',
        `cannot build the snapd VM disk: ${
          e.message
            .split('\n')
            .filter((l) => /error|cannot|failed|E:/i.test(l))
            .slice(-3)
            .join(' ')
            .slice(0, 600) || e.message.split('\n')[0]
        }`,
        "the disk needs mmdebstrap, network to Debian's apt and root (see coreforge doctor)",
        { cause },
      );
    }
  };
  try {
    const overlay = path.join(work, 'overlay');
    for (const [rel, [content, mode]] of Object.entries(rootfsOverlay())) {
      await mkdir(path.dirname(path.join(overlay, rel)), { recursive: true });
      await writeFile(path.join(overlay, rel), content, { mode });
    }
    const root = path.join(work, 'root');
    const baseTree = path.join(work, 'core24');
    // Both trees from Debian in parallel (mostly download and dpkg time).
    await phase('mmdebstrap', () =>
      Promise.all([
        tool('mmdebstrap', rootfsMmdebstrapArgs(root, overlay), 1_200_000),
        tool('mmdebstrap', baseMmdebstrapArgs(baseTree), 1_200_000),
      ]),
    );
    const snaps = path.join(work, 'snaps');
    await mkdir(snaps);
    const snapdVersion = dpkgVersion(await readFile(path.join(root, 'var/lib/dpkg/status'), 'utf8'), 'snapd');
    await phase('stand-in snaps', async () => {
      await mkdir(path.join(baseTree, 'meta'), { recursive: true });
      await writeFile(path.join(baseTree, 'meta/snap.yaml'), STANDIN_BASE_YAML);
      await tool('snap', ['pack', '--compression=lzo', baseTree, snaps, '--filename=core24.snap'], 600_000);
      const snapdTree = path.join(work, 'snapd');
      const list = (await readFile(path.join(root, 'var/lib/dpkg/info/snapd.list'), 'utf8'))
        .split('\n')
        .filter((f) => f.startsWith('/') && !(SNAPD_SNAP_EXCLUDES as readonly string[]).includes(f));
      await copyTree(root, snapdTree, list);
      await mkdir(path.join(snapdTree, 'meta'), { recursive: true });
      await writeFile(path.join(snapdTree, 'meta/snap.yaml'), standinSnapdYaml(snapdVersion));
      await tool('snap', ['pack', '--compression=lzo', snapdTree, snaps, '--filename=snapd.snap'], 600_000);
      await rm(snapdTree, { recursive: true, force: true });
      await rm(baseTree, { recursive: true, force: true });
    });
    const boot = await readdir(path.join(root, 'boot'));
    const vmlinuz = boot.find((f) => f.startsWith('vmlinuz-'));
    const initrdName = boot.find((f) => f.startsWith('initrd.img-'));
    if (!vmlinuz || !initrdName)
      throw new HarnessError(
        'VM_DISK_FAILED',
        `cannot build the snapd VM disk: no kernel or initrd in ${path.join(root, 'boot')}`,
      );
    const kernel = path.join(dir, 'vmlinuz');
    const initrd = path.join(dir, 'initrd.img');
    await copyFile(path.join(root, 'boot', vmlinuz), path.join(work, 'vmlinuz'));
    await copyFile(path.join(root, 'boot', initrdName), path.join(work, 'initrd.img'));
    const diskFile = path.join(work, 'disk.raw');
    await phase('mkfs.ext4', () =>
      tool('mkfs.ext4', ['-q', '-F', '-L', ROOT_LABEL, '-d', root, diskFile, DISK_SIZE], 600_000),
    );
    await rm(root, { recursive: true, force: true });
    const input = path.join(work, 'input.tar');
    await tool('tar', ['-cf', input, '-C', snaps, 'snapd.snap', 'core24.snap'], 120_000);
    await phase('preparation boot', () =>
      prepareDisk(o, {
        disk: diskFile,
        kernel: path.join(work, 'vmlinuz'),
        initrd: path.join(work, 'initrd.img'),
        input,
        serialLog: path.join(work, 'serial-prepare.log'),
      }),
    );
    await rm(input, { force: true });
    await rm(overlay, { recursive: true, force: true });
    const disk: SnapdDisk = {
      dir,
      key: snapdDiskKey(),
      disk: path.join(dir, 'disk.raw'),
      kernel,
      initrd,
      cmdline: snapdKernelCmdline(),
      snapdVersion,
      built,
    };
    await writeFile(path.join(work, 'disk.json'), `${JSON.stringify(disk, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
    return disk;
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

/** The script the preparation boot runs: wait for seeding, install the stand-ins, wait for the device key. */
export const PREPARE_SCRIPT = `set -e
snap wait system seed.loaded
mkdir -p /var/tmp/cf-in && tar -xf /dev/disk/by-id/virtio-cf-input -C /var/tmp/cf-in
snap install --dangerous /var/tmp/cf-in/snapd.snap
snap install --dangerous /var/tmp/cf-in/core24.snap
for i in $(seq 1 240); do ls /var/lib/snapd/device/private-keys-v1/* >/dev/null 2>&1 && break; sleep 1; done
ls /var/lib/snapd/device/private-keys-v1/* >/dev/null
rm -rf /var/tmp/cf-in
snap list
`;

async function prepareDisk(
  o: SnapdDiskOptions,
  d: { disk: string; kernel: string; initrd: string; input: string; serialLog: string },
): Promise<void> {
  const vm = await startSnapdVm({
    ...d,
    cmdline: snapdKernelCmdline(),
    snapshot: false,
    forwards: [],
    spawn: o.spawn,
    timeoutMs: 900_000,
    ...(o.accel && { accel: o.accel }),
    ...(o.signal && { signal: o.signal }),
  });
  try {
    const r = await vm.agent.run(PREPARE_SCRIPT, 600);
    if (r.exitCode !== 0)
      throw new HarnessError(
        'VM_DISK_FAILED',
        `cannot prepare the snapd VM disk (exit ${r.exitCode}): ${r.output.trim().split('\n').slice(-8).join('\n')}`,
      );
    await vm.agent.run(
      'systemctl stop snapd.service snapd.socket; sync; (sleep 1; systemctl poweroff) >/dev/null 2>&1 &',
      30,
    );
    if (!(await vm.waitExit(120_000)))
      throw new HarnessError('VM_DISK_FAILED', 'cannot prepare the snapd VM disk: the VM did not power off');
  } finally {
    await vm.stop();
  }
}
