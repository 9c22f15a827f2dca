// Which npm packages run in the snap (linux, glibc, the snap's CPU), and which optional dependencies npm should
// have staged for it but did not. npm skips an optional dependency it cannot fetch (offline, not in its cache)
// without failing; the packer must not ship a snap without sharp's prebuilt binaries because of that.
import { NODE_ARCH, type SnapArch } from './spec.js';

/** The fields of a package-lock.json `packages` entry the checks read. */
export interface LockPackage {
  readonly version?: string;
  readonly optional?: boolean;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
  readonly libc?: readonly string[];
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

function matches(list: readonly string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  return list.some((v) => v === value) || list.every((v) => v.startsWith('!'));
}

/** Whether a package declares itself usable on linux/glibc/<arch> (package.json `os`, `cpu`, `libc`). */
export function fitsTarget(pkg: Pick<LockPackage, 'os' | 'cpu' | 'libc'>, arch: SnapArch): boolean {
  return matches(pkg.os, 'linux') && matches(pkg.cpu, NODE_ARCH[arch]) && matches(pkg.libc, 'glibc');
}

/** The lock key of `name` as Node would find it from the package at lock key `from` ('' = the root). */
function locate(packages: Readonly<Record<string, LockPackage>>, from: string, name: string): string | undefined {
  for (let base = from; ;) {
    const key = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[key]) return key;
    if (base === '') return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

export interface DroppedDependency {
  readonly name: string;
  /** The package that declares it ('' for the staging root). */
  readonly from: string;
}

/**
 * The optional dependencies of installed packages (and of the root) that fit linux/<arch> but are not installed:
 * either npm could not resolve them (no lock entry), or it could not fetch them (a fitting entry, no folder).
 * `installed` tells whether a lock key's folder exists. Sorted by name.
 */
export function droppedOptionalDependencies(
  packages: Readonly<Record<string, LockPackage>>,
  installed: (key: string) => boolean,
  arch: SnapArch,
): DroppedDependency[] {
  const dropped: DroppedDependency[] = [];
  for (const [from, pkg] of Object.entries(packages)) {
    if (from !== '' && !from.startsWith('node_modules/') && !from.includes('/node_modules/')) continue;
    if (from !== '' && !installed(from)) continue;
    for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
      const key = locate(packages, from, name);
      if (key !== undefined && installed(key)) continue;
      if (key !== undefined && !fitsTarget(packages[key]!, arch)) continue;
      dropped.push({
        name,
        from: from === '' ? '' : from.slice(from.lastIndexOf('node_modules/') + 'node_modules/'.length),
      });
    }
  }
  return dropped.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
