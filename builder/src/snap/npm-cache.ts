// npm tarballs fetched with `npm pack` into the coreforge cache and unpacked once (idempotent). Every cached
// tarball is stored with the registry's integrity and every unpacked folder with its files' sha256, both
// checked on use: a damaged cache entry is fetched or unpacked again, never packed into a snap.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BuilderError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { Run } from '../tools/run.js';

export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.COREFORGE_CACHE ?? path.join(os.homedir(), '.cache', 'coreforge');
}

function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** The manifest of a verified cache folder: every file's sha256, written when it was filled. */
export const VERIFIED_MANIFEST = '.coreforge-verified.json';

async function sha(file: string, algorithm: 'sha256' | 'sha512', encoding: 'hex' | 'base64' = 'hex'): Promise<string> {
  const hash = createHash(algorithm);
  await pipeline(createReadStream(file), hash);
  return hash.digest(encoding);
}

/** True when every file the folder's manifest lists is there with its recorded sha256. */
export async function verifyFolder(dir: string): Promise<boolean> {
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, VERIFIED_MANIFEST), 'utf8')) as Record<string, string>;
  } catch {
    return false;
  }
  for (const [rel, want] of Object.entries(manifest))
    if ((await sha(path.join(dir, rel), 'sha256').catch(() => '')) !== want) return false;
  return Object.keys(manifest).length > 0;
}

export async function writeFolderManifest(dir: string): Promise<void> {
  const manifest: Record<string, string> = {};
  for (const rel of await listFiles(dir))
    if (rel !== VERIFIED_MANIFEST && (await lstat(path.join(dir, rel))).isFile())
      manifest[rel] = await sha(path.join(dir, rel), 'sha256');
  await writeFileAtomic(path.join(dir, VERIFIED_MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
}

/**
 * The tarball of `name@version` in the cache, with the registry's sha512 integrity beside it (npm checked the
 * download against it). A tarball that does not match its integrity, or has none, is fetched again.
 */
async function verifiedTarball(
  run: Run,
  cacheDir: string,
  name: string,
  version: string,
  o: { signal?: AbortSignal; onProgress?: (msg: string) => void },
): Promise<string> {
  const tgz = path.join(cacheDir, tarballName(name, version));
  const integrityFile = `${tgz}.integrity`;
  const recorded = await readFile(integrityFile, 'utf8').then(
    (t) => t.trim(),
    () => undefined,
  );
  if (recorded && existsSync(tgz) && `sha512-${await sha(tgz, 'sha512', 'base64')}` === recorded) return tgz;
  if (recorded || existsSync(tgz))
    o.onProgress?.(`the cached ${path.basename(tgz)} does not match its checksum: fetching it again`);
  await rm(tgz, { force: true });
  await rm(integrityFile, { force: true });
  o.onProgress?.(`fetching ${name}@${version} with npm pack`);
  const staging = await mkdtemp(path.join(cacheDir, `.npm-pack-${process.pid}-`));
  try {
    const r = await run('npm', ['pack', `${name}@${version}`, '--pack-destination', staging, '--json', '--silent'], {
      signal: o.signal,
      timeout: 600_000,
    });
    const info = (JSON.parse(r.stdout) as { integrity?: string; filename?: string }[])[0];
    if (!info?.integrity?.startsWith('sha512-') || !info.filename)
      throw new BuilderError(
        'TOOL_FAILED',
        `cannot fetch ${name}@${version}: npm pack gave no sha512 integrity`,
        'check the npm registry configuration',
      );
    const fetched = path.join(staging, info.filename);
    if (`sha512-${await sha(fetched, 'sha512', 'base64')}` !== info.integrity)
      throw new BuilderError(
        'TOOL_FAILED',
        `cannot fetch ${name}@${version}: the tarball does not match the registry's integrity ${info.integrity}`,
        'retry; if it persists, the registry or a proxy is serving a bad file',
      );
    await rename(fetched, tgz);
    await writeFileAtomic(integrityFile, `${info.integrity}\n`);
    return tgz;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Returns the folder holding the unpacked package `name@version` (its `package/` contents), fetching the
 * tarball with `npm pack` when it is not in the cache. `members` limits extraction (e.g. only `bin/node`).
 * The folder's files are checked against the sha256 recorded when it was unpacked; a folder that does not
 * match (a truncated file, say) is unpacked again from the verified tarball.
 */
export async function unpackedNpmPackage(
  run: Run,
  cacheDir: string,
  name: string,
  version: string,
  options: { members?: readonly string[]; signal?: AbortSignal; onProgress?: (msg: string) => void } = {},
): Promise<string> {
  const dir = path.join(cacheDir, 'npm', `${name.replace('/', '+')}@${version}`);
  if (await verifyFolder(dir)) return dir;
  if (existsSync(dir))
    options.onProgress?.(`the cached ${name}@${version} does not match its checksums: unpacking it again`);
  await mkdir(path.join(cacheDir, 'npm'), { recursive: true });
  const tgz = await verifiedTarball(run, cacheDir, name, version, options);
  const temp = `${dir}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  try {
    const members = (options.members ?? []).map((m) => `package/${m}`);
    await run('tar', ['-xzf', tgz, '-C', temp, '--no-same-owner', ...members], { signal: options.signal });
    await writeFolderManifest(path.join(temp, 'package'));
    await rm(dir, { recursive: true, force: true });
    await rename(path.join(temp, 'package'), dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another build unpacked it at the same moment: theirs is as good as ours.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
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
