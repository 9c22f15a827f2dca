// npm tarballs fetched with `npm pack` into the coreforge cache and unpacked once (idempotent).
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Run } from '../tools/run.js';

export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.COREFORGE_CACHE ?? path.join(os.homedir(), '.cache', 'coreforge');
}

function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * Returns the folder holding the unpacked package `name@version` (its `package/` contents), fetching the
 * tarball with `npm pack` when it is not in the cache. `members` limits extraction (e.g. only `bin/node`).
 */
export async function unpackedNpmPackage(
  run: Run,
  cacheDir: string,
  name: string,
  version: string,
  options: { members?: readonly string[]; signal?: AbortSignal; onProgress?: (msg: string) => void } = {},
): Promise<string> {
  const dir = path.join(cacheDir, 'npm', `${name.replace('/', '+')}@${version}`);
  if (existsSync(path.join(dir, 'package.json')) || (options.members && options.members.every((m) => existsSync(path.join(dir, m)))))
    return dir;
  await mkdir(cacheDir, { recursive: true });
  const tgz = path.join(cacheDir, tarballName(name, version));
  if (!existsSync(tgz)) {
    options.onProgress?.(`fetching ${name}@${version} with npm pack`);
    await run('npm', ['pack', `${name}@${version}`, '--pack-destination', cacheDir, '--silent'], { signal: options.signal, timeout: 600_000 });
  }
  const temp = `${dir}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  const members = (options.members ?? []).map((m) => `package/${m}`);
  await run('tar', ['-xzf', tgz, '-C', temp, '--no-same-owner', ...members], { signal: options.signal });
  await rm(dir, { recursive: true, force: true });
  await rename(path.join(temp, 'package'), dir);
  await rm(temp, { recursive: true, force: true });
  return dir;
}

/** Lists a folder recursively (files only), relative paths with `/`, sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(root, rel), { withFileTypes: true });
    for (const entry of entries) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile() || entry.isSymbolicLink()) out.push(child);
    }
  }
  await walk('');
  return out.sort();
}
