// What `npm pack` of each workspace would publish (`npm pack --dry-run --json`): the files each package needs at
// run time and nothing of the tests or sources; one version across packages; engines for Node 20.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

interface Packed {
  readonly name: string;
  readonly version: string;
  readonly files: readonly { path: string }[];
}

const WORKSPACES = ['model-assertions', 'gadget', 'snaps', 'runtime', 'test/vm', 'builder'] as const;
let packed: Record<string, readonly string[]> = {};
const manifest = (ws: string) =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, ws, 'package.json'), 'utf8')) as Record<string, unknown>;

beforeAll(() => {
  const r = spawnSync(
    'npm',
    ['pack', '--dry-run', '--json', '--ignore-scripts', ...WORKSPACES.flatMap((w) => ['-w', w])],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  packed = Object.fromEntries((JSON.parse(r.stdout) as Packed[]).map((p) => [p.name, p.files.map((f) => f.path)]));
}, 120_000);

describe('npm pack of the workspaces', () => {
  it('publishes every workspace, none private, one version, Node 20 engines, @coreforge dependencies pinned to it', () => {
    const version = manifest('builder').version;
    for (const ws of WORKSPACES) {
      const m = manifest(ws);
      expect(m.private, ws).toBeUndefined();
      expect(m.version, ws).toBe(version);
      expect(m.engines, ws).toEqual({ node: '>=20.17' });
      expect(m.license, ws).toBe('Apache-2.0');
      expect(typeof m.description, ws).toBe('string');
      for (const [dep, range] of Object.entries((m.dependencies ?? {}) as Record<string, string>))
        if (dep.startsWith('@coreforge/')) expect(range, `${ws} -> ${dep}`).toBe(version);
    }
    expect(Object.keys(packed).sort()).toEqual(WORKSPACES.map((w) => `@coreforge/${path.basename(w)}`).sort());
  });

  it('ships what each package loads at run time', () => {
    expect(packed['@coreforge/builder']).toEqual(
      expect.arrayContaining(['dist/cli/main.js', 'dist/index.js', 'schemas/coreforge.schema.json', 'package.json']),
    );
    expect(packed['@coreforge/snaps']).toEqual(
      expect.arrayContaining(['dist/index.js', 'schemas/snapcraft.schema.json']),
    );
    expect(packed['@coreforge/vm']).toEqual(expect.arrayContaining(['dist/index.js']));
    // the loader, the install script (build from source where allowed) and the sources it builds
    expect(packed['@coreforge/runtime']).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'bin/coreforge-runtime.js',
        'scripts/addon-location.cjs',
        'scripts/install.cjs',
        'scripts/paths.cjs',
        'binding.gyp',
        'native/addon.cc',
      ]),
    );
  });

  it('ships no tests, no TypeScript sources and no host-built addon', () => {
    for (const [name, files] of Object.entries(packed)) {
      expect(
        files.filter((f) => /\.test\.(ts|js)$|(^|\/)src\/.*\.ts$/.test(f)),
        name,
      ).toEqual([]);
      expect(
        files.filter((f) => f.endsWith('.node')),
        name,
      ).toEqual([]);
    }
  });

  it('the runtime gets TFLite from a dependency, and builds its addon from source only where no prebuilt fits', () => {
    const runtime = manifest('runtime') as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
      optionalDependencies?: unknown;
    };
    expect(runtime.dependencies).toHaveProperty('tfjs-tflite-node');
    expect(runtime.scripts).toEqual({ install: 'node scripts/install.cjs' });
    // Not in the repository's manifest: npm ci refuses optional dependencies missing from the lock file.
    expect(runtime.optionalDependencies).toBeUndefined();
  });
});

describe('npm run pack:tarballs', () => {
  it("packs every workspace and this host's prebuilt addon; the packed runtime lists the prebuilt packages as optional dependencies", () => {
    const out = mkdtempSync(path.join(tmpdir(), 'coreforge-tarballs-test-'));
    try {
      const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'builder/scripts/pack-tarballs.mjs'), '--out', out], {
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      const version = manifest('builder').version as string;
      expect(readdirSync(out).sort()).toEqual(
        [
          ...WORKSPACES.map((w) => `coreforge-${path.basename(w)}-${version}.tgz`),
          `coreforge-runtime-linux-${process.arch}-${version}.tgz`,
        ].sort(),
      );
      const pkg = JSON.parse(
        execFileSync('tar', ['-xzOf', path.join(out, `coreforge-runtime-${version}.tgz`), 'package/package.json'], {
          encoding: 'utf8',
        }),
      ) as Record<string, unknown>;
      expect(pkg.optionalDependencies).toEqual({
        '@coreforge/runtime-linux-x64': version,
        '@coreforge/runtime-linux-arm64': version,
      });
      const files = execFileSync('tar', ['-tzf', path.join(out, `coreforge-runtime-${version}.tgz`)], {
        encoding: 'utf8',
      }).split('\n');
      expect(files).toEqual(
        expect.arrayContaining(['package/dist/index.js', 'package/scripts/addon-location.cjs', 'package/binding.gyp']),
      );
      expect(files.filter((f) => f.endsWith('.node') || f.includes('/src/'))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the prebuilt addon package and the install script', () => {
  it('pack-prebuilt makes @coreforge/runtime-linux-<arch> with os, cpu, libc and only the addon', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'coreforge-prebuilt-test-'));
    try {
      const r = spawnSync(
        process.execPath,
        [
          path.join(REPO_ROOT, 'runtime/scripts/pack-prebuilt.mjs'),
          '--arch',
          'arm64',
          '--addon',
          path.join(REPO_ROOT, 'runtime/binding.gyp'),
          '--out',
          out,
        ],
        { encoding: 'utf8' },
      );
      expect(r.stderr).toBe('');
      const tgz = r.stdout.trim();
      expect(path.basename(tgz)).toBe(`coreforge-runtime-linux-arm64-${manifest('runtime').version}.tgz`);
      expect(execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual([
        'package/coreforge_tflite.node',
        'package/package.json',
      ]);
      const pkg = JSON.parse(
        execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }),
      ) as Record<string, unknown>;
      expect(pkg).toMatchObject({
        name: '@coreforge/runtime-linux-arm64',
        os: ['linux'],
        cpu: ['arm64'],
        libc: ['glibc'],
        engines: { node: '>=20.17' },
      });
      const bad = spawnSync(
        process.execPath,
        [path.join(REPO_ROOT, 'runtime/scripts/pack-prebuilt.mjs'), '--arch', 'riscv64'],
        { encoding: 'utf8' },
      );
      expect(bad.status).toBe(1);
      expect(bad.stderr).toBe('pack-prebuilt: --arch must be one of x64, arm64, not "riscv64"\n');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('says what to do, and leaves the install alone, when there is neither a prebuilt nor a compiler', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-install-test-'));
    try {
      for (const f of ['package.json', 'binding.gyp', 'scripts', 'native'])
        cpSync(path.join(REPO_ROOT, 'runtime', f), path.join(dir, f), { recursive: true });
      const r = spawnSync(process.execPath, [path.join(dir, 'scripts/install.cjs')], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: path.join(dir, 'no-tools') },
      });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe(
        `@coreforge/runtime: no prebuilt addon for linux-${process.arch} (@coreforge/runtime-linux-${process.arch} is not installed) and no C++ toolchain (python3, make, g++) to build it.\n` +
          '@coreforge/runtime: Possible solutions: install on linux x64 or arm64 with glibc (npm installs the prebuilt for you); or install python3, make and g++ and run "npm rebuild @coreforge/runtime" where install scripts are allowed.\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
