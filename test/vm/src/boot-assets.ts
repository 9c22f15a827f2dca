// What the smoke VM boots, fetched once per architecture from Debian and cached: the cloud kernel (and its
// modules), busybox-static, and the C/C++ runtime libraries the snap's programs need from the base.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { SNAP_ARCHES, type SnapArch } from '@coreforge/snaps';
import { homedir } from 'node:os';
import path from 'node:path';
import { HarnessError } from './errors.js';
import type { RunLike } from './process.js';

/** The architectures the boot tests run: the snap architectures. */
export const ARCHES = SNAP_ARCHES;
export type Arch = SnapArch;

export interface BootAssets {
  readonly arch: Arch;
  readonly kernel: string;
  readonly modulesDir: string;
  /** Root of the extracted libc6, libstdc++6, libgcc-s1 and busybox-static packages. */
  readonly rootfs: string;
  readonly busybox: string;
}

export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return path.join(
    env.COREFORGE_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(env.HOME ?? homedir(), '.cache'), 'coreforge'),
    'boot',
  );
}

const USER_PACKAGES = ['busybox-static', 'libc6', 'libstdc++6', 'libgcc-s1'];

/** apt options that point apt at another architecture with a private package list (nothing changes system-wide). */
export function aptOptions(arch: Arch, hostArch: string, stateDir: string): string[] {
  if (arch === hostArch) return [];
  return [
    `-oAPT::Architecture=${arch}`,
    `-oAPT::Architectures=${arch}`,
    `-oDir::State::Lists=${path.join(stateDir, 'lists')}`,
    `-oDir::Cache=${path.join(stateDir, 'cache')}`,
  ];
}

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file).catch(() => Buffer.alloc(0)))
    .digest('hex');
}

export async function fetchBootAssets(
  run: RunLike,
  arch: Arch,
  cacheDir: string,
  o: { hostArch: string; signal?: AbortSignal },
): Promise<BootAssets> {
  const dir = path.join(cacheDir, arch);
  const marker = path.join(dir, 'assets.json');
  if (existsSync(marker)) {
    // apt checked the packages against Debian's signed index when it downloaded them; the files unpacked from
    // them are checked against the sha256 recorded then, so a damaged cache is fetched again, never booted.
    const assets = JSON.parse(await readFile(marker, 'utf8')) as BootAssets & { sha256?: Record<string, string> };
    if (
      assets.sha256 &&
      (await sha256Of(assets.kernel)) === assets.sha256.kernel &&
      (await sha256Of(assets.busybox)) === assets.sha256.busybox
    )
      return assets;
  }
  await rm(dir, { recursive: true, force: true });
  const debs = path.join(dir, 'debs');
  const rootfs = path.join(dir, 'root');
  const state = path.join(dir, 'apt');
  await mkdir(debs, { recursive: true });
  const opts = aptOptions(arch, o.hostArch, state);
  const apt = async (tool: string, args: string[]) => {
    try {
      return await run(tool, [...opts, ...args], {
        cwd: debs,
        timeout: 600_000,
        ...(o.signal && { signal: o.signal }),
      });
    } catch (cause) {
      throw new HarnessError(
        'BOOT_ASSETS_FAILED',
        `cannot fetch the ${arch} boot packages from Debian: ${(cause as Error).message.split('\n')[0]}`,
        'the smoke VM needs apt-get and Debian package lists (sudo apt-get update)',
        { cause },
      );
    }
  };
  if (opts.length > 0) {
    await mkdir(path.join(state, 'lists', 'partial'), { recursive: true });
    await mkdir(path.join(state, 'cache', 'archives', 'partial'), { recursive: true });
    await apt('apt-get', ['update', '-qq']);
  }
  const depends = (await apt('apt-cache', ['depends', `linux-image-cloud-${arch}`])).stdout;
  const kernelPackage = /Depends: (linux-image-[0-9][^\s]*-cloud-[a-z0-9]+)/.exec(depends)?.[1];
  if (!kernelPackage)
    throw new HarnessError(
      'BOOT_ASSETS_FAILED',
      `cannot find the kernel package behind linux-image-cloud-${arch}`,
      'sudo apt-get update',
    );
  await apt('apt-get', ['download', kernelPackage, ...USER_PACKAGES]);
  for (const deb of (await readdir(debs)).filter((f) => f.endsWith('.deb'))) {
    await run('dpkg-deb', ['-x', path.join(debs, deb), rootfs], { timeout: 120_000 });
  }
  const boot = await readdir(path.join(rootfs, 'boot'));
  const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
  const version = kernel?.slice('vmlinuz-'.length);
  if (!kernel || !version) throw new HarnessError('BOOT_ASSETS_FAILED', `no vmlinuz in ${kernelPackage}`);
  const assets: BootAssets = {
    arch,
    kernel: path.join(rootfs, 'boot', kernel),
    modulesDir: path.join(rootfs, 'lib', 'modules', version),
    rootfs,
    busybox: path.join(rootfs, 'bin', 'busybox'),
  };
  await rm(debs, { recursive: true, force: true });
  const sha256 = { kernel: await sha256Of(assets.kernel), busybox: await sha256Of(assets.busybox) };
  await writeFile(marker, JSON.stringify({ ...assets, sha256 }, null, 2));
  return assets;
}
