// The snapcraft project `coreforge snap render` writes, built part by part the way craft-parts' plugins build it
// (test/helpers/craft-parts.ts), offline: the npm part is `npm install -g --prefix ... --install-links` of the
// runtime tarball, which compiles the native addon, and the primed tree then classifies a real photo.
// Removing any entry from runtime/package.json `files` must make this fail.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TFLITE_PACKAGE } from '@coreforge/snaps';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from '../../builder/src/tools/run.js';
import { writeSnapcraftProject } from '../../builder/src/snap/snapcraft-project.js';
import { PartFailed, runParts } from '../helpers/craft-parts.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { fixture } from '../helpers/fixtures.js';
import { projectConfig } from '../helpers/project-config.js';
import { tflite219 } from '../helpers/tflite.js';
import type { ProjectConfig } from '../../builder/src/config/types.js';

const CACHE = path.join(REPO_ROOT, 'test', '.cache');
const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-parts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The runtime's production closure, as installed for this machine, from the lock file. */
function runtimeClosure(): string[] {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<
      string,
      {
        version: string;
        dependencies?: Record<string, string>;
        optionalDependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
        peerDependenciesMeta?: Record<string, { optional?: boolean }>;
      }
    >;
  };
  const seen = new Set<string>();
  const specs = new Set<string>();
  /** Where npm put `name` for the package at `from`: its own node_modules, else its parents', as Node resolves. */
  const locate = (from: string, name: string): string | undefined => {
    for (let at = from; ; at = at.includes('/node_modules/') ? at.slice(0, at.lastIndexOf('/node_modules/')) : '') {
      const location = at === '' ? `node_modules/${name}` : `${at}/node_modules/${name}`;
      if (lock.packages[location]) return location;
      if (at === '') return undefined;
    }
  };
  const visit = (from: string, name: string) => {
    const location = locate(from, name);
    if (!location || seen.has(location) || !existsSync(path.join(REPO_ROOT, location))) return;
    seen.add(location);
    const entry = lock.packages[location]!;
    specs.add(`${name}@${entry.version}`);
    // npm install (7+) installs peer dependencies too (tfjs-tflite-node -> @tensorflow/tfjs-tflite -> tfjs-core).
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((d) => !entry.peerDependenciesMeta?.[d]?.optional);
    for (const d of [...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }), ...peers])
      visit(location, d);
  };
  for (const d of Object.keys(lock.packages.runtime?.dependencies ?? {})) visit('', d);
  return [...specs].sort();
}

/** An npm cache with the closure's metadata and tarballs (filled once from the registry, like snapcraft's pull). */
function offlineNpmCache(): string {
  const specs = runtimeClosure();
  const dir = path.join(
    CACHE,
    `npm-offline-${createHash('sha256').update(specs.join('\n')).digest('hex').slice(0, 16)}`,
  );
  if (existsSync(path.join(dir, '.complete'))) return dir;
  const r = spawnSync('npm', ['cache', 'add', ...specs, '--cache', dir], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`npm cache add failed: ${r.stderr}`);
  writeFileSync(path.join(dir, '.complete'), `${specs.join('\n')}\n`);
  return dir;
}

function tfliteTarball(): string {
  const dir = path.join(CACHE, `tflite-${TFLITE_PACKAGE.version}`);
  const file = path.join(dir, `${TFLITE_PACKAGE.name}-${TFLITE_PACKAGE.version}.tgz`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    'npm',
    ['pack', `${TFLITE_PACKAGE.name}@${TFLITE_PACKAGE.version}`, '--pack-destination', dir, '--silent'],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (r.status !== 0) throw new Error(`npm pack ${TFLITE_PACKAGE.name} failed: ${r.stderr}`);
  return file;
}

const MODEL = 'models/mobilenet_v1_0.25_128_quant.tflite';
// TFLite 2.19 (the CPU default) is built by the tflite part from LiteRT's git sources with CMake, which needs
// GitHub and an hour of CPU: not here. Its CMakeLists is checked against the build of ../shared/tflite in
// render-snapcraft.test.ts; here the same 2.19 library comes in as `inference.tflite: <file>` (a dump part), and
// 2.9 (a Coral project's) from tfjs-tflite-node's checksummed tarball.
type Tflite = ProjectConfig['inference']['tflite'];
const TFLITE_219: Tflite = { kind: 'path', path: tflite219('x64'), defaulted: false };
const TFLITE_29: Tflite = { kind: 'version', version: '2.9', defaulted: false };
const config = (dir: string, tflite: Tflite) =>
  projectConfig(
    { inference: { model: fixture(MODEL), labels: fixture('models/imagenet_labels.txt'), version: '1.2.3', tflite } },
    dir,
  );

let npmCache: string;
let downloads: Record<string, string>;
beforeAll(() => {
  npmCache = offlineNpmCache();
  downloads = { [TFLITE_PACKAGE.tarball]: tfliteTarball() };
}, 600_000);

function classify(
  prime: string,
  extra: readonly string[] = [],
): { status: number | null; out: string; stdout: string } {
  const r = spawnSync('sh', [path.join(prime, 'bin', 'classify'), '-i', fixture('images/grace_hopper.bmp'), ...extra], {
    env: { PATH: process.env.PATH, SNAP: prime, SNAP_ARCH: 'amd64', SNAP_DATA: path.join(tmp, 'data') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** The TFLite version the primed snap's runtime loaded (classify --json reports it). */
function runtimeVersion(prime: string): string {
  const r = classify(prime, ['--json']);
  const info = (JSON.parse(r.stdout) as { model: { library: { version: string } } }).model;
  return `TFLite ${info.library.version}`;
}

describe('the rendered snapcraft project, built as craft-parts builds it', () => {
  test.each([
    ['2.19', TFLITE_219, 'TFLite 2.19.0'],
    ['2.9', TFLITE_29, 'TFLite 2.9'],
  ] as const)(
    'with TFLite %s, every part builds offline from sources inside the folder, and the primed snap classifies',
    async (name, tflite, banner) => {
      const projectDir = path.join(tmp, `project-${name}`);
      const { version } = await writeSnapcraftProject(config(projectDir, tflite), projectDir, {
        run,
        architectures: ['amd64'],
      });
      expect(version).toBe('1.2.3');
      const { prime, logs } = runParts({
        projectDir,
        workDir: path.join(tmp, `work-${name}`),
        downloads,
        npmCache,
        arch: 'amd64',
      });
      expect(logs.runtime).toMatch(/added \d+ packages?/);
      for (const file of [
        'runtime/bin/coreforge-runtime.js',
        'runtime/build/Release/coreforge_tflite.node',
        'lib/libtensorflowlite_c.so',
        `model/${path.basename(MODEL)}`,
        'model/imagenet_labels.txt',
        'bin/classify',
        'bin/serve',
        'bin/node',
      ])
        expect(existsSync(path.join(prime, file)), file).toBe(true);
      // Build-only inputs stay out of the snap: the staged TFLite headers and the addon's C++ sources' headers.
      expect(existsSync(path.join(prime, 'tflite'))).toBe(false);
      const result = classify(prime);
      expect(result.out).toMatch(/^\d\.\d+: \d+:.*\ntime: [\d.]+ms/m);
      expect(result.status).toBe(0);
      expect(runtimeVersion(prime)).toContain(banner);
    },
    600_000,
  );

  // Every entry of runtime/package.json "files" is needed: without it the npm part fails or the snap cannot classify.
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'runtime', 'package.json'), 'utf8')) as { files: string[] };
  test.each(pkg.files)(
    'without "%s" in the runtime\'s files, the npm part or the snap fails',
    async (entry) => {
      const root = path.join(tmp, `no-${entry.replace(/\W/g, '_')}`);
      const runtimeCopy = path.join(root, 'runtime');
      mkdirSync(runtimeCopy, { recursive: true });
      for (const f of [...pkg.files, 'package.json'])
        cpSync(path.join(REPO_ROOT, 'runtime', f), path.join(runtimeCopy, f), { recursive: true });
      writeFileSync(
        path.join(runtimeCopy, 'package.json'),
        JSON.stringify(
          {
            ...JSON.parse(readFileSync(path.join(REPO_ROOT, 'runtime', 'package.json'), 'utf8')),
            files: pkg.files.filter((f) => f !== entry),
          },
          null,
          2,
        ),
      );
      const projectDir = path.join(root, 'project');
      await writeSnapcraftProject(config(projectDir, TFLITE_219), projectDir, {
        run,
        architectures: ['amd64'],
        repoRoot: root,
      });
      let failed: string | undefined;
      try {
        const { prime } = runParts({
          projectDir,
          workDir: path.join(root, 'work'),
          downloads,
          npmCache,
          arch: 'amd64',
        });
        const result = classify(prime);
        if (result.status !== 0) failed = `classify: ${result.out}`;
      } catch (error) {
        if (!(error instanceof PartFailed)) throw error;
        failed = error.message;
      }
      expect(failed, `removing "${entry}" went unnoticed`).toBeDefined();
      // ...and it is the runtime that fails (the npm part or the snap's classify), not another part.
      expect(failed).toMatch(/^part "runtime" failed|^classify: /);
    },
    600_000,
  );
});
