// The runtime's production dependency closure for a TARGET architecture (sharp + its prebuilt @img packages).
// Installed packages come from node_modules; packages for another architecture are fetched with `npm pack`.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SnapArch } from '@coreforge/snaps';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { unpackedNpmPackage } from './npm-cache.js';

/** Dependencies needed only to build the addon, never at run time. */
export const BUILD_ONLY_DEPENDENCIES: readonly string[] = ['node-addon-api', 'node-gyp'];

/** Dependencies the packer stages on its own (TFLite's library as the tflite part, the addon as the runtime's build). */
export const STAGED_SEPARATELY: readonly string[] = [
  'tfjs-tflite-node',
  '@coreforge/runtime-linux-x64',
  '@coreforge/runtime-linux-arm64',
];

const NPM_CPU: Readonly<Record<SnapArch, string>> = { amd64: 'x64', arm64: 'arm64' };

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
  readonly libc?: readonly string[];
}

export interface ResolvedPackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
}

async function readPackageJson(dir: string): Promise<PackageJson> {
  return JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

function matches(list: readonly string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  return list.some((v) => v === value) || list.every((v) => v.startsWith('!'));
}

/** Whether a package declares itself usable on linux/glibc/<arch>. */
export function fitsTarget(pkg: Pick<PackageJson, 'os' | 'cpu' | 'libc'>, arch: SnapArch): boolean {
  return matches(pkg.os, 'linux') && matches(pkg.cpu, NPM_CPU[arch]) && matches(pkg.libc, 'glibc');
}

/** By name only, before fetching: prebuilt packages that name a platform must name ours. */
function mayFitByName(name: string, arch: SnapArch): boolean {
  const platform = /(darwin|win32|linuxmusl|linux|freebsd|wasm32)-?([a-z0-9]*)/.exec(name.split('/').pop() ?? name);
  if (!platform) return true;
  return platform[1] === 'linux' && platform[2] === NPM_CPU[arch];
}

export interface ResolveOptions {
  readonly run: Run;
  readonly cacheDir: string;
  readonly arch: SnapArch;
  /** Folders searched for installed packages, in order (e.g. runtime/node_modules, <repo>/node_modules). */
  readonly searchDirs: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (msg: string) => void;
}

/** Resolves `dependencies` (and fitting `optionalDependencies`) recursively; result sorted by name. */
export async function resolveProductionDeps(root: PackageJson, options: ResolveOptions): Promise<ResolvedPackage[]> {
  const found = new Map<string, ResolvedPackage>();
  const queue: { name: string; range: string; optional: boolean }[] = [];
  const enqueue = (pkg: PackageJson) => {
    const skip = (name: string) => BUILD_ONLY_DEPENDENCIES.includes(name) || STAGED_SEPARATELY.includes(name);
    for (const [name, range] of Object.entries(pkg.dependencies ?? {}))
      if (!skip(name)) queue.push({ name, range, optional: false });
    for (const [name, range] of Object.entries(pkg.optionalDependencies ?? {}))
      if (!skip(name)) queue.push({ name, range, optional: true });
  };
  enqueue(root);
  while (queue.length > 0) {
    const { name, range, optional } = queue.shift()!;
    if (found.has(name)) continue;
    if (optional && !mayFitByName(name, options.arch)) continue;
    let dir = options.searchDirs.map((d) => path.join(d, name)).find((d) => existsSync(path.join(d, 'package.json')));
    let pkg = dir ? await readPackageJson(dir) : undefined;
    if (pkg && !fitsTarget(pkg, options.arch)) {
      if (!optional)
        throw new BuilderError('INPUT_INVALID', `cannot stage "${name}": it does not run on linux ${options.arch}`);
      continue;
    }
    if (!dir) {
      if (!optional) {
        throw new BuilderError(
          'FILE_NOT_FOUND',
          `cannot stage the runtime: dependency "${name}" is not installed`,
          'npm install',
        );
      }
      const version = /^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(range) ? range : undefined;
      if (!version) continue;
      dir = await unpackedNpmPackage(options.run, options.cacheDir, name, version, options);
      pkg = await readPackageJson(dir);
      if (!fitsTarget(pkg, options.arch)) continue;
    }
    found.set(name, { name, version: pkg!.version, dir });
    enqueue(pkg!);
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
