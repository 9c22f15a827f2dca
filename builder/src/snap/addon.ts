// The runtime's native addon for a target architecture: the host build for amd64 (runtime/build/Release),
// a cross-compiled build for arm64 (aarch64-linux-gnu-g++ + node-gyp --arch=arm64) in a cache folder keyed
// by a hash of the addon sources, so repeated packs reuse the same bytes.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { ARCH_TRIPLET, RUNTIME_ADDON, type SnapArch } from '@coreforge/snaps';
import type { Run } from '../tools/run.js';
import { listFiles, verifyFolder, writeFolderManifest } from './npm-cache.js';
import { prebuiltAddonFor, type RuntimeLocation } from './runtime-location.js';

/** Files that make up the addon build: binding.gyp (+ .gypi), native/ and scripts/ (binding.gyp calls helpers there). */
async function addonSources(runtimeDir: string): Promise<string[]> {
  const top = (await listFiles(runtimeDir)).filter((f) => !f.includes('/') && /\.(gyp|gypi)$/.test(f));
  const sub: string[] = [];
  for (const folder of ['native', 'scripts'])
    if (existsSync(path.join(runtimeDir, folder)))
      sub.push(...(await listFiles(path.join(runtimeDir, folder))).map((f) => `${folder}/${f}`));
  return [...top, ...sub].sort();
}

export interface AddonOptions {
  readonly run: Run;
  readonly location: RuntimeLocation;
  readonly cacheDir: string;
  readonly arch: SnapArch;
  readonly hostArch: SnapArch;
  readonly signal?: AbortSignal;
  readonly onProgress?: (msg: string) => void;
}

function nodeGypScript(): string {
  // npm bundles node-gyp; find it beside the npm that runs this process.
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ];
  return candidates.find((c): c is string => c !== undefined && existsSync(c)) ?? 'node-gyp';
}

/** Path of the addon for `arch`, or undefined when the runtime has no addon yet (work in progress). */
export async function addonFor(options: AddonOptions): Promise<string | undefined> {
  const { arch } = options;
  const { runtimeDir } = options.location;
  if (arch === options.hostArch) {
    const built = path.join(runtimeDir, RUNTIME_ADDON);
    return existsSync(built) ? built : prebuiltAddonFor(options.location, arch);
  }
  const prebuilt = prebuiltAddonFor(options.location, arch);
  if (prebuilt) return prebuilt;
  if (!existsSync(path.join(runtimeDir, 'binding.gyp'))) return undefined;
  const sources = await addonSources(runtimeDir);
  const hash = createHash('sha256');
  for (const rel of sources)
    hash
      .update(rel)
      .update('\0')
      .update(await readFile(path.join(runtimeDir, rel)))
      .update('\0');
  const key = hash.digest('hex').slice(0, 16);
  const dir = path.join(options.cacheDir, `addon-${arch}`, key);
  const out = path.join(dir, RUNTIME_ADDON);
  if (existsSync(out) && (await verifyFolder(dir))) return out;
  options.onProgress?.(`cross-compiling the runtime addon for ${arch}`);
  const temp = `${dir}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  for (const rel of sources) await cp(path.join(runtimeDir, rel), path.join(temp, rel), { recursive: true });
  await cp(path.join(runtimeDir, 'package.json'), path.join(temp, 'package.json'));
  // binding.gyp resolves node-addon-api and tfjs-tflite-node (headers) from the build folder.
  const deps =
    options.location.nodeModules.find((d) => existsSync(path.join(d, 'node-addon-api'))) ??
    options.location.nodeModules[0];
  if (deps) await symlink(deps, path.join(temp, 'node_modules'));
  const triplet = ARCH_TRIPLET[arch];
  await options.run(process.execPath, [nodeGypScript(), 'rebuild', `--arch=${arch}`, '--nodedir=/usr'], {
    cwd: temp,
    signal: options.signal,
    timeout: 900_000,
    env: {
      CC: `${triplet}-gcc`,
      CXX: `${triplet}-g++`,
      LINK: `${triplet}-g++`,
      AR: `${triplet}-ar`,
      NODE_PATH: options.location.nodeModules.join(path.delimiter),
      COREFORGE_TARGET_ARCH: arch,
    },
    onOutput: (line) => options.onProgress?.(line),
  });
  await writeFolderManifest(temp);
  await rm(dir, { recursive: true, force: true });
  await rename(temp, dir);
  return out;
}
