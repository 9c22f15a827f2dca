// Writes the self-contained snapcraft project (coreforge snap render, build --snapcraft): snapcraft.yaml, hooks,
// launchers, Coral's key, and a copy of every part's source, so the folder builds on any snapcraft host.
import { copyFile, mkdir, mkdtemp, rename, rm, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { renderSnapcraftProject, type ProjectFile, type SnapArch } from '@coreforge/snaps';
import type { ProjectConfig } from '../config/types.js';
import { BuilderError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { Run } from '../tools/run.js';
import { readCoralAptKey } from './coral-apt-key.js';
import { locateRuntime } from './runtime-location.js';
import { packRuntime, runtimeTarballName } from './runtime-tarball.js';
import { checkSnapcraftYaml } from './snapcraft-schema.js';
import { snapSpecFromConfig } from './spec-from-config.js';
import { resolveSnapVersion } from './version.js';

export interface SnapcraftProjectOptions {
  readonly run: Run;
  readonly architectures?: readonly SnapArch[];
  /** The coreforge checkout holding runtime/ (default: found from this file). */
  readonly repoRoot?: string;
  readonly signal?: AbortSignal;
}

export interface SnapcraftProject {
  readonly version: string;
  readonly files: readonly ProjectFile[];
}

/** The project's files (sources named by host path, not copied yet); `runtimeTarball` is the npm pack output. */
export async function planSnapcraftProject(
  config: ProjectConfig,
  runtimeTarball: string,
  options: SnapcraftProjectOptions,
): Promise<SnapcraftProject> {
  const version = await resolveSnapVersion(config, options.run);
  const coralAptKey = config.inference.accelerator !== 'none' ? await readCoralAptKey(config, options.run) : undefined;
  const spec = snapSpecFromConfig(config, {
    version,
    runtimeTarball,
    ...(options.architectures && { architectures: options.architectures }),
    ...(coralAptKey !== undefined && { coralAptKey }),
  });
  const files = renderSnapcraftProject(spec);
  const problems = checkSnapcraftYaml(files[0]!.content!);
  if (problems.length > 0)
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot render snapcraft.yaml: it fails the schema: ${problems.join('; ')}`,
    );
  return { version, files };
}

async function copyFileAtomic(from: string, to: string, mode: number): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  const temp = path.join(path.dirname(to), `.${path.basename(to)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await copyFile(from, temp);
    await chmod(temp, mode);
    await rename(temp, to);
  } catch (error) {
    await rm(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new BuilderError('FILE_NOT_FOUND', `cannot copy "${from}" into the snapcraft project: it does not exist`);
    throw error;
  }
}

/** The snapcraft.yaml text alone (for --stdout): no files are packed or copied. */
export async function renderSnapcraftYamlFor(config: ProjectConfig, options: SnapcraftProjectOptions): Promise<string> {
  const runtimeDir = options.repoRoot ? path.join(options.repoRoot, 'runtime') : locateRuntime().runtimeDir;
  const project = await planSnapcraftProject(
    config,
    path.join(runtimeDir, await runtimeTarballName(runtimeDir)),
    options,
  );
  return project.files[0]!.content!;
}

/** Packs the runtime, then writes every file of the project under `outDir` (each atomically). Returns the paths. */
export async function writeSnapcraftProject(
  config: ProjectConfig,
  outDir: string,
  options: SnapcraftProjectOptions,
): Promise<{ version: string; paths: string[] }> {
  const runtimeDir = options.repoRoot ? path.join(options.repoRoot, 'runtime') : locateRuntime().runtimeDir;
  const temp = await mkdtemp(path.join(os.tmpdir(), 'coreforge-runtime-pack-'));
  try {
    const tarball = await packRuntime(options.run, runtimeDir, temp, options.signal);
    const project = await planSnapcraftProject(config, tarball, options);
    const paths: string[] = [];
    for (const f of project.files) {
      const dest = path.join(outDir, f.path);
      if (f.copyFrom !== undefined) await copyFileAtomic(f.copyFrom, dest, f.mode);
      else await writeFileAtomic(dest, f.content, { mode: f.mode });
      paths.push(dest);
    }
    return { version: project.version, paths };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
