// A user's repository, end to end, from packed tarballs: `npm pack` of every workspace plus the prebuilt addon
// package for this host, installed into a clean temp prefix (npm install -g --prefix) and as a devDependency of
// a project folder outside this repository; then, from that folder only: init --yes, config validate, snap pack,
// build (the stand-in ubuntu-image of test/fake-bin with its seed oracle and test store) and test --snap. The commands run with the installed
// bin, a PATH without this repository and a cwd outside it; the snap's runtime must be the installed one.
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { FAKE_BIN } from '../helpers/fake-tools.js';
import { fixture } from '../helpers/fixtures.js';
import { buildSeedOracle, seedSkipReason, standInStore } from '../helpers/seed-store.js';
import { TFLITE_DIR } from '../helpers/tflite.js';

const WORKSPACES = ['model-assertions', 'gadget', 'snaps', 'runtime', 'test/vm', 'builder'];
const tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'coreforge-user-')));
const tarballs = path.join(tmp, 'tarballs');
const prefix = path.join(tmp, 'prefix');
const project = path.join(tmp, 'vision');
const standIns = path.join(tmp, 'stand-in-bin');
// The stand-in ubuntu-image runs snapd's seed writer (test/oracles/seed) against a test store made for the
// user's brand key once the key exists (the real ubuntu-image asks the Snap Store).
const oracle = buildSeedOracle();
const oracleSkip = seedSkipReason(oracle);
let standInEnv: Record<string, string> = {};
const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'builder/package.json'), 'utf8')) as { version: string })
  .version;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The user's environment: no repository paths, the installed bin and the stand-ins first on PATH. */
function userEnv(): Record<string, string> {
  const keep = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d && !d.startsWith(REPO_ROOT));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('COREFORGE_') && !k.startsWith('npm_') && !k.startsWith('VITEST')) env[k] = v;
  return {
    ...env,
    PATH: [path.join(prefix, 'bin'), standIns, ...keep].join(path.delimiter),
    COREFORGE_KEYS_DIR: path.join(tmp, 'keys'),
    // The user's own TFLite 2.19 builds (README "Which TFLite"), as a user of the default inference.tflite sets it.
    COREFORGE_TFLITE_DIR: TFLITE_DIR,
    FAKE_LOG: path.join(tmp, 'fake.log'),
    NO_COLOR: '1',
    ...standInEnv,
  };
}

interface Ran {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking the test worker (a synchronous spawn of minutes times out vitest's RPC). */
function runAsync(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  timeout = 900_000,
): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, env, encoding: 'utf8', timeout, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ exitCode: error ? (typeof code === 'number' ? code : -1) : 0, stdout, stderr });
      },
    );
  });
}

const coreforge = (args: string[]) => runAsync('coreforge', args, project, userEnv());

async function npm(args: string[], cwd: string): Promise<string> {
  const r = await runAsync('npm', args, cwd, { ...userEnv(), npm_config_update_notifier: 'false' });
  if (r.exitCode !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.exitCode}):\n${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  // The README's packing command: every workspace plus the prebuilt addon package for this host.
  rmSync(path.join(REPO_ROOT, 'dist-tarballs'), { recursive: true, force: true });
  await npm(['run', 'pack:tarballs'], REPO_ROOT);
  cpSync(path.join(REPO_ROOT, 'dist-tarballs'), tarballs, { recursive: true });
  const files = readdirSync(tarballs).map((f) => path.join(tarballs, f));
  expect(readdirSync(tarballs).sort()).toEqual(
    [
      ...WORKSPACES.map((w) => `coreforge-${path.basename(w)}-${version}.tgz`),
      `coreforge-runtime-linux-${process.arch}-${version}.tgz`,
    ].sort(),
  );
  await npm(['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', ...files], tmp);
  mkdirSync(standIns);
  // Linked, not copied: the stand-in is test machinery and resolves its own imports from this repository.
  symlinkSync(path.join(FAKE_BIN, 'ubuntu-image'), path.join(standIns, 'ubuntu-image'));
  mkdirSync(path.join(project, 'models'), { recursive: true });
  copyFileSync(fixture('models/mobilenet_v1_0.75_192_quant.tflite'), path.join(project, 'models', 'mobilenet.tflite'));
  copyFileSync(fixture('models/imagenet_labels.txt'), path.join(project, 'models', 'labels.txt'));
  copyFileSync(fixture('images/grace_hopper.bmp'), path.join(project, 'grace_hopper.bmp'));
}, 1_200_000);

describe('a user repository outside this checkout, from packed tarballs', () => {
  it('the installed coreforge is the packed one (no link into this repository)', async () => {
    const bin = realpathSync(path.join(prefix, 'bin', 'coreforge'));
    expect(bin.startsWith(prefix)).toBe(true);
    expect(bin.startsWith(REPO_ROOT)).toBe(false);
    const addon = path.join(
      prefix,
      'lib/node_modules/@coreforge/builder/node_modules/@coreforge/runtime-linux-x64/coreforge_tflite.node',
    );
    const hoisted = path.join(prefix, 'lib/node_modules/@coreforge/runtime-linux-x64/coreforge_tflite.node');
    expect(
      existsSync(addon) ||
        existsSync(hoisted) ||
        readdirSync(path.join(prefix, 'lib/node_modules/@coreforge')).includes('runtime-linux-x64'),
    ).toBe(true);
    expect((await coreforge(['--version'])).stdout).toBe(
      `${JSON.parse(readFileSync(path.join(REPO_ROOT, 'builder/package.json'), 'utf8')).version}\n`,
    );
  });

  it('init --yes, config validate, snap pack, build (stand-in ubuntu-image) and test --snap, all from the project folder', async () => {
    expect((await coreforge(['keys', 'create', 'acme-dev'])).exitCode).toBe(0);
    expect(oracleSkip, 'the seed oracle the stand-in ubuntu-image runs').toBeUndefined();
    const pub = path.join(tmp, 'acme-dev.pub');
    expect((await coreforge(['keys', 'export-public', 'acme-dev', '-o', pub])).exitCode).toBe(0);
    standInEnv = standInStore(
      path.join(tmp, 'store'),
      (oracle as { binary: string }).binary,
      'acme',
      readFileSync(pub, 'utf8').trim(),
    ).env;
    const init = await coreforge(['init', '--yes', '--brand', 'acme']);
    expect(init.stderr).toBe('');
    expect(init.stdout).toBe('wrote coreforge.yaml\n');
    const validate = await coreforge(['config', 'validate']);
    expect(validate.stdout).toBe(
      'coreforge.yaml: ok (pc-amd64, grade dangerous, model "vision-pc", inference snap "vision")\n',
    );
    const pack = await coreforge(['snap', 'pack']);
    expect(pack.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(pack.exitCode).toBe(0);
    const snap = path.join(project, 'out', 'vision_0.1.0_amd64.snap');
    expect(existsSync(snap)).toBe(true);
    // The snap's runtime is the installed package's, addon included.
    const listing = execFileSync('unsquashfs', ['-l', snap], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(listing).toContain('runtime/build/Release/coreforge_tflite.node');
    expect(listing).toContain('runtime/dist/index.js');
    const build = await coreforge(['build']);
    expect(build.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(build.exitCode).toBe(0);
    for (const f of ['vision-pc.model', 'vision-pc.img.xz', 'manifest.json'])
      expect(existsSync(path.join(project, 'out', f)), f).toBe(true);
    const test = await coreforge([
      'test',
      '--snap',
      'out/vision_0.1.0_amd64.snap',
      '--image-file',
      'grace_hopper.bmp',
      '--expect',
      'military uniform',
      '--accel',
      'tcg',
      '--json',
    ]);
    const report = JSON.parse(test.stdout) as { passed: boolean; failure?: { message: string } };
    expect(report.failure?.message ?? null, test.stderr).toBeNull();
    expect(report.passed).toBe(true);
    expect(test.exitCode).toBe(0);
  }, 1_800_000);

  it("installs as a devDependency of the project too, and the README's npx commands run the local bin", async () => {
    const dev = path.join(tmp, 'dev', 'vision');
    mkdirSync(dev, { recursive: true });
    cpSync(path.join(project, 'models'), path.join(dev, 'models'), { recursive: true });
    await npm(['init', '-y'], dev);
    await npm(
      ['install', '--save-dev', '--no-audit', '--no-fund', ...readdirSync(tarballs).map((f) => path.join(tarballs, f))],
      dev,
    );
    // Without the global prefix on PATH: npx must find the project's own bin.
    const npx = (args: string[]) =>
      runAsync('npx', ['coreforge', ...args], dev, {
        ...userEnv(),
        PATH: userEnv().PATH!.split(path.delimiter).slice(1).join(path.delimiter),
      });
    const init = await npx(['init', '--yes', '--brand', 'acme']);
    expect(init.stdout, init.stderr).toBe('wrote coreforge.yaml\n');
    expect((await npx(['config', 'validate'])).stdout).toBe(
      'coreforge.yaml: ok (pc-amd64, grade dangerous, model "vision-pc", inference snap "vision")\n',
    );
    const ci = await npx(['ci', 'init']);
    expect(ci.stderr).toBe('');
    expect(ci.stdout).toBe(
      'wrote .github/workflows/coreforge.yml (add the repository secret COREFORGE_SIGNING_KEY before the first run)\n',
    );
    expect(readFileSync(path.join(dev, '.github/workflows/coreforge.yml'), 'utf8')).toContain(
      'npx --no-install coreforge build -c coreforge.yaml',
    );
  }, 900_000);
});
