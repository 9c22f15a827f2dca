// The smoke VM's initramfs: busybox, the kernel modules, the base's C/C++ libraries, and an /init that
// mounts the snap like snapd would and starts its serve app with snapd's environment.
import { ARCH_TRIPLET } from '@coreforge/snaps';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Arch, BootAssets } from './boot-assets.js';
import { writeCpio, type CpioEntry } from './cpio.js';
import { resolveModules, SMOKE_MODULES } from './modules.js';

export const GUEST_IP = '10.0.2.15';

export interface SnapApp {
  readonly snapName: string;
  readonly version: string;
  /** The serve app's command from meta/snap.yaml, relative to $SNAP. */
  readonly command: string;
}

/** Lines the harness looks for in the serial log. */
export const MARK = {
  init: 'coreforge-smoke: init',
  serve: 'coreforge-smoke: starting serve',
  exited: 'coreforge-smoke: serve exited',
} as const;

/**
 * The /init script. With `coreforge.seed=DEV` on the kernel command line (the seed image boot) the snap is not a
 * whole disk but the file snapd's seed writer put in the seed: DEV is mounted (vfat, read-only) and the inference
 * snap's file in snaps/ or systems/<label>/snaps/ is mounted from it through a loop device.
 */
export function initScript(app: SnapApp, arch: Arch, modules: readonly string[]): string {
  const snapDir = `/snap/${app.snapName}/x1`;
  const libs = `/lib/${ARCH_TRIPLET[arch]}:/usr/lib/${ARCH_TRIPLET[arch]}`;
  return `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /run
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "${MARK.init} $(cut -d' ' -f1 /proc/uptime)s"
for m in ${modules.join(' ')}; do insmod "/lib/modules/$m" 2>/dev/null || echo "coreforge-smoke: insmod $m failed"; done
# The snap is the whole virtio disk (smoke VM), a partition named on the kernel command line (image boot), or a
# file in the seed on the partition named by coreforge.seed= (seed image boot).
dev=$(sed -n 's/.*coreforge\\.snap=\\([^ ]*\\).*/\\1/p' /proc/cmdline); [ -n "$dev" ] || dev=/dev/vda
seed=$(sed -n 's/.*coreforge\\.seed=\\([^ ]*\\).*/\\1/p' /proc/cmdline)
opts=ro
if [ -n "$seed" ]; then
  i=0; while [ ! -b "$seed" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  mkdir -p /seed
  if ! mount -t vfat -o ro "$seed" /seed; then echo "coreforge-smoke: cannot mount the seed $seed"; poweroff -f; fi
  dev=$(ls /seed/snaps/${app.snapName}_*.snap /seed/systems/*/snaps/${app.snapName}_*.snap 2>/dev/null | head -n 1)
  echo "coreforge-smoke: seed snap $dev"
  opts=ro,loop
fi
i=0; while [ ! -e "$dev" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
mkdir -p ${snapDir} /var/snap/${app.snapName}/x1 /var/snap/${app.snapName}/common /root
if ! mount -t squashfs -o $opts "$dev" ${snapDir}; then echo "coreforge-smoke: cannot mount the snap"; poweroff -f; fi
ip link set lo up
ip link set eth0 up
ip addr add ${GUEST_IP}/24 dev eth0
ip route add default via 10.0.2.2
export SNAP=${snapDir} SNAP_NAME=${app.snapName} SNAP_INSTANCE_NAME=${app.snapName} SNAP_REVISION=x1 SNAP_VERSION='${app.version}'
export SNAP_ARCH=${arch} SNAP_DATA=/var/snap/${app.snapName}/x1 SNAP_COMMON=/var/snap/${app.snapName}/common
export HOME=/root PATH=/bin:/sbin LD_LIBRARY_PATH=${libs}
cd "$SNAP"
echo "${MARK.serve} $(cut -d' ' -f1 /proc/uptime)s"
"$SNAP/${app.command}" &
wait $!
echo "${MARK.exited} with status $?"
poweroff -f
`;
}

async function addTree(entries: CpioEntry[], root: string, rel: string, skip: (rel: string) => boolean): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(path.join(root, rel))).sort();
  } catch {
    return;
  }
  entries.push({ name: rel, kind: 'dir' });
  for (const name of names) {
    const r = path.join(rel, name);
    if (skip(r)) continue;
    const st = await lstat(path.join(root, r));
    if (st.isSymbolicLink()) entries.push({ name: r, kind: 'symlink', data: await readlink(path.join(root, r)) });
    else if (st.isDirectory()) await addTree(entries, root, r, skip);
    else if (st.isFile())
      entries.push({ name: r, kind: 'file', mode: st.mode & 0o777, data: await readFile(path.join(root, r)) });
  }
}

async function moduleFiles(dir: string, out = new Map<string, string>()): Promise<Map<string, string>> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await moduleFiles(p, out);
    else if (e.name.endsWith('.ko')) out.set(e.name.slice(0, -3).replace(/-/g, '_'), p);
  }
  return out;
}

async function builtinModules(modulesDir: string): Promise<Set<string>> {
  const text = await readFile(path.join(modulesDir, 'modules.builtin'), 'utf8').catch(() => '');
  return new Set(
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => path.basename(l, '.ko').replace(/-/g, '_')),
  );
}

/** What the seed image boot needs too: the vfat seed partition and a loop device for the snap file in it. */
export const SEED_BOOT_MODULES = ['loop', 'vfat', 'nls_cp437', 'nls_ascii', 'nls_utf8', 'nls_iso8859_1'] as const;

export async function buildInitramfs(
  assets: BootAssets,
  app: SnapApp,
  o: { seedBoot?: boolean } = {},
): Promise<Buffer> {
  const wanted = o.seedBoot ? [...SMOKE_MODULES, ...SEED_BOOT_MODULES] : SMOKE_MODULES;
  const modules = await resolveModules(
    assets.modulesDir,
    wanted,
    await moduleFiles(assets.modulesDir),
    await builtinModules(assets.modulesDir),
  );
  const entries: CpioEntry[] = [];
  for (const d of [
    'bin',
    'sbin',
    'dev',
    'proc',
    'sys',
    'tmp',
    'run',
    'etc',
    'root',
    'snap',
    'var',
    'usr',
    'usr/lib',
    'lib',
    'lib/modules',
  ])
    entries.push({ name: d, kind: 'dir' });
  entries.push({ name: 'bin/busybox', kind: 'file', mode: 0o755, data: await readFile(assets.busybox) });
  entries.push({ name: 'init', kind: 'file', mode: 0o755, data: initScript(app, assets.arch, modules) });
  entries.push({ name: 'etc/passwd', kind: 'file', data: 'root:x:0:0:root:/root:/bin/sh\n' });
  for (const m of modules) {
    const parts = path.dirname(m).split(path.sep);
    for (let i = 1; i <= parts.length; i++)
      entries.push({ name: path.join('lib/modules', ...parts.slice(0, i)), kind: 'dir' });
    entries.push({
      name: path.join('lib/modules', m),
      kind: 'file',
      data: await readFile(path.join(assets.modulesDir, m)),
    });
  }
  // The base's libraries: glibc (with its loader), libstdc++, libgcc_s. No gconv, docs or locales.
  const skip = (r: string) => /(^|\/)(gconv|audit|modules|share|doc)(\/|$)/.test(r);
  const triplet = ARCH_TRIPLET[assets.arch];
  await addTree(entries, assets.rootfs, path.join('lib', triplet), skip);
  await addTree(entries, assets.rootfs, 'lib64', skip);
  await addTree(entries, assets.rootfs, path.join('usr', 'lib', triplet), skip);
  if (assets.arch === 'arm64')
    entries.push({ name: 'lib/ld-linux-aarch64.so.1', kind: 'symlink', data: `${triplet}/ld-linux-aarch64.so.1` });
  const unique = new Map<string, CpioEntry>();
  for (const e of entries) if (!unique.has(e.name) || e.kind !== 'dir') unique.set(e.name, e);
  return gzipSync(writeCpio([...unique.values()]), { level: 1 });
}
