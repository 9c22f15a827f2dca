// The runtime's production dependencies for a TARGET architecture (sharp and its prebuilt @img packages), installed
// by npm itself into a staging folder, the cross-install sharp documents:
//   npm install --omit=dev --os=linux --cpu=<x64|arm64> --libc=glibc
// The staging folder gets the project's package-lock.json, so npm installs the versions `npm ci` installed and needs
// no registry metadata: for the host architecture everything comes from npm's cache (offline); a foreign
// architecture's prebuilt packages are fetched once (--prefer-offline) and then cached by npm too. npm skips an
// optional dependency it cannot fetch without failing: the staged lock is checked so that never goes unnoticed.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  droppedOptionalDependencies,
  NODE_ARCH,
  stagedDependencies,
  type LockPackage,
  type SnapArch,
} from '@coreforge/snaps';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { listFiles, verifyFolder, writeFolderManifest } from './npm-cache.js';
import type { RuntimeLocation } from './runtime-location.js';

/** The runtime package.json fields staging reads. */
export interface RuntimePackageJson {
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

/** npm's arguments for the staging install (pure, unit-tested). */
export function npmStageArgs(arch: SnapArch): string[] {
  return [
    'install',
    '--omit=dev',
    '--os=linux',
    `--cpu=${NODE_ARCH[arch]}`,
    '--libc=glibc',
    // Nothing runs: sharp's install script only checks for its prebuilt binary, which --cpu picked.
    '--ignore-scripts',
    '--no-bin-links',
    '--prefer-offline',
    '--no-workspaces',
    '--no-audit',
    '--no-fund',
    '--loglevel=warn',
  ];
}

/**
 * The package-lock.json of the project that installed the runtime: where npm installed it (`P/node_modules/...`), the
 * lock of P, if any (none for `npm install -g`); in a checkout (runtime/ is a workspace), the nearest one above.
 */
export function projectLockFile(runtimeDir: string): string | undefined {
  const parts = path.resolve(runtimeDir).split(path.sep);
  const installedAt = parts.indexOf('node_modules');
  if (installedAt >= 0) {
    const lock = path.join(parts.slice(0, installedAt).join(path.sep) || path.sep, 'package-lock.json');
    return existsSync(lock) ? lock : undefined;
  }
  for (let d = path.dirname(path.resolve(runtimeDir)); ; d = path.dirname(d)) {
    const lock = path.join(d, 'package-lock.json');
    if (existsSync(lock)) return lock;
    if (path.dirname(d) === d) return undefined;
  }
}

export interface StageDepsOptions {
  readonly run: Run;
  readonly cacheDir: string;
  readonly arch: SnapArch;
  readonly location: RuntimeLocation;
  readonly signal?: AbortSignal;
  readonly onProgress?: (msg: string) => void;
}

export interface StagedDependencies {
  /** The staged node_modules folder. */
  readonly dir: string;
  /** Its files (relative, sorted). */
  readonly files: readonly string[];
  /** How many packages npm installed. */
  readonly packages: number;
}

interface StagedLock {
  readonly packages?: Readonly<Record<string, LockPackage>>;
}

/**
 * Installs the runtime's production dependencies for linux/`arch` with npm into a cache folder keyed by what
 * goes in (the staging package.json, the project's lock, the architecture), verified on reuse.
 */
export async function stageProductionDeps(
  runtime: RuntimePackageJson,
  o: StageDepsOptions,
): Promise<StagedDependencies> {
  const dependencies: Record<string, string> = {};
  // The versions installed here (the lock's), exactly: the snap ships what the tests ran against.
  for (const name of Object.keys(stagedDependencies(runtime.dependencies))) {
    const dir = o.location.nodeModules
      .map((d) => path.join(d, name))
      .find((d) => existsSync(path.join(d, 'package.json')));
    if (!dir)
      throw new BuilderError(
        'FILE_NOT_FOUND',
        `cannot stage the runtime: dependency "${name}" is not installed`,
        'npm install',
      );
    dependencies[name] = (
      JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string }
    ).version;
  }
  const optionalDependencies = stagedDependencies(runtime.optionalDependencies);
  const manifest = `${JSON.stringify({ name: 'coreforge-runtime-dependencies', version: '0.0.0', private: true, dependencies, optionalDependencies }, null, 2)}\n`;
  const lockFile = projectLockFile(o.location.runtimeDir);
  const lock = lockFile ? await readFile(lockFile) : undefined;
  const key = createHash('sha256')
    .update(`${o.arch}\0${manifest}\0`)
    .update(lock ?? '')
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(o.cacheDir, `npm-deps-${o.arch}`, key);
  const nodeModules = path.join(dir, 'node_modules');
  if (!(await verifyFolder(dir))) {
    o.onProgress?.(`npm install --cpu=${NODE_ARCH[o.arch]}: the runtime's dependencies for linux ${o.arch}`);
    const temp = `${dir}.tmp-${process.pid}`;
    await rm(temp, { recursive: true, force: true });
    await mkdir(temp, { recursive: true });
    try {
      await writeFile(path.join(temp, 'package.json'), manifest);
      if (lock) await writeFile(path.join(temp, 'package-lock.json'), lock);
      await o.run('npm', npmStageArgs(o.arch), { cwd: temp, signal: o.signal, timeout: 600_000 });
      const staged = JSON.parse(await readFile(path.join(temp, 'package-lock.json'), 'utf8')) as StagedLock;
      const dropped = droppedOptionalDependencies(
        staged.packages ?? {},
        (k) => existsSync(path.join(temp, k, 'package.json')),
        o.arch,
      );
      if (dropped.length > 0) {
        throw new BuilderError(
          'TOOL_FAILED',
          `cannot stage the runtime for linux ${o.arch}: npm did not install ${dropped.map((d) => `"${d.name}"${d.from ? ` (of ${d.from})` : ''}`).join(', ')}`,
          "npm skips an optional dependency it cannot fetch: make the npm registry reachable once (npm caches it), or add it to npm's cache (npm cache add NAME@VERSION)",
        );
      }
      await mkdir(path.join(temp, 'node_modules'), { recursive: true });
      await writeFolderManifest(temp);
      await rm(dir, { recursive: true, force: true });
      await mkdir(path.dirname(dir), { recursive: true });
      await rename(temp, dir);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
  const files = await listFiles(nodeModules);
  const packages = files.filter((f) =>
    /^(?:(?:@[^/]+\/)?[^/]+\/node_modules\/)*(?:@[^/]+\/)?[^/]+\/package\.json$/.test(f),
  ).length;
  return { dir: nodeModules, files, packages };
}
