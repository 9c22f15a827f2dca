// The rollout walked end to end through the CLI with the stand-in snapcraft on PATH (test/fake-bin/snapcraft,
// a store kept in a folder): upload to edge -> beta 20% -> beta 50% -> beta 100% -> candidate -> stable, each
// snapcraft call and the store after each step checked; next refuses before the soak time and when the health
// gate fails; rollback returns a channel to its previous revision; --dry-run runs nothing.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { withFakeTools } from '../helpers/fake-tools.js';
import { fixture } from '../helpers/fixtures.js';
import { projectYaml } from '../helpers/project-yaml.js';
import { tinySnap } from '../helpers/tiny-snap.js';

const fixtureModel = {
  model: fixture('models/mobilenet_v1_0.25_128_quant.tflite'),
  labels: fixture('models/imagenet_labels.txt'),
};

const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-release-'));
const storeDir = path.join(tmp, 'store');
const log = path.join(tmp, 'snapcraft.log');
const gateFile = path.join(tmp, 'healthy');
let server: ChildProcess | undefined;
let gateUrl = '';
afterAll(() => {
  server?.kill();
  rmSync(tmp, { recursive: true, force: true });
});

// A canary device's /healthz in its own process (the CLI runs synchronously here): 200 while the gate file
// says "ok", 503 otherwise.
const CANARY = `
const http = require('node:http'); const fs = require('node:fs');
const s = http.createServer((q, r) => { const ok = fs.readFileSync(process.argv[1], 'utf8').trim() === 'ok'; r.writeHead(ok ? 200 : 503).end(ok ? 'ok' : 'unhealthy'); });
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

beforeAll(async () => {
  server = spawn(process.execPath, ['-e', CANARY, gateFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    server!.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  gateUrl = `http://127.0.0.1:${port}/healthz`;
  writeFileSync(gateFile, 'ok\n');
  writeFileSync(
    path.join(tmp, 'coreforge.yaml'),
    projectYaml({
      inference: { ...fixtureModel, version: '1.1.0' },
      release: {
        plan: [
          { channel: 'edge' },
          { channel: 'beta', percent: 20, soak: '24h' },
          { channel: 'beta', percent: 50, soak: '24h' },
          { channel: 'beta', soak: '2d' },
          { channel: 'candidate', soak: '1h' },
          { channel: 'stable' },
        ],
        health: { url: gateUrl },
      },
    }),
  );
});

let clock = '2026-12-01T10:00:00Z';
const calls = (): string[][] =>
  readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv);
/** Runs the CLI without blocking the test worker (vitest's RPC needs its event loop while the CLI works). */
function cli(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 240_000 },
      (error, stdout, stderr) =>
        resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function cf(...args: string[]) {
  writeFileSync(log, '');
  const r = await cli(
    ['release', '-c', path.join(tmp, 'coreforge.yaml'), ...args],
    withFakeTools(process.env, {
      SNAPCRAFT_STANDIN_STORE: storeDir,
      SNAPCRAFT_STANDIN_NOW: clock,
      COREFORGE_RELEASE_NOW: clock,
      FAKE_LOG: log,
    }),
  );
  return { ...r, calls: calls() };
}
type Entry = { revision?: number; progressive?: { revision: number; percentage: number } };
const store = () =>
  (
    JSON.parse(readFileSync(path.join(storeDir, 'store.json'), 'utf8')) as {
      map: { classifier: Record<string, { amd64: Entry }> };
    }
  ).map.classifier;
const channelMap = () => Object.fromEntries(Object.entries(store()).map(([c, a]) => [c, a.amd64]));

describe('coreforge release with the stand-in store', { timeout: 300_000 }, () => {
  const old = () => tinySnap(path.join(tmp, 'out'), 'classifier', '1.0.0', 'amd64', 'model v1\n');
  const fresh = () => tinySnap(path.join(tmp, 'out'), 'classifier', '1.1.0', 'amd64', 'model v1\nlabels v2\n');

  test('register, then a first revision walked straight to stable (the "old" fleet)', async () => {
    expect(await cf('register')).toMatchObject({ exitCode: 0, calls: [['register', 'classifier', '--yes']] });
    const up = await cf('upload', '--snap', old());
    expect(up.stderr).toBe('');
    expect(up.calls).toEqual([
      ['status', 'classifier'],
      ['upload', path.join(tmp, 'out', 'classifier_1.0.0_amd64.snap'), '--release', 'latest/edge'],
    ]);
    expect(up.stdout).toContain('revision 1 is on latest/edge (plan step 1 of 6 done)');
    expect((await cf('promote', '--from', 'edge', '--to', 'stable')).calls).toEqual([
      ['promote', 'classifier', '--from-channel', 'latest/edge', '--to-channel', 'latest/stable', '--yes'],
    ]);
    expect(channelMap()).toEqual({ 'latest/edge': { revision: 1 }, 'latest/stable': { revision: 1 } });
  });

  test('upload prints the delta the edge devices will download, then walks the plan one step per next', async () => {
    clock = '2026-12-01T11:00:00Z';
    const up = await cf('upload', '--snap', fresh());
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toMatch(/delta from revision 1 on latest\/edge: [\d.]+ [kM]?B of [\d.]+ [kM]?B full \([\d.]+%\)/);
    expect(up.calls.at(-1)).toEqual([
      'upload',
      path.join(tmp, 'out', 'classifier_1.1.0_amd64.snap'),
      '--release',
      'latest/edge',
    ]);
    expect(channelMap()['latest/edge']).toEqual({ revision: 2 });

    const steps: [string, string[], Record<string, Entry>][] = [
      [
        '2026-12-01T11:00:00Z',
        ['release', 'classifier', '2', 'latest/beta', '--progressive', '20'],
        { 'latest/beta': { progressive: { revision: 2, percentage: 20 } } },
      ],
      [
        '2026-12-02T11:00:00Z',
        ['release', 'classifier', '2', 'latest/beta', '--progressive', '50'],
        { 'latest/beta': { progressive: { revision: 2, percentage: 50 } } },
      ],
      ['2026-12-03T11:00:00Z', ['release', 'classifier', '2', 'latest/beta'], { 'latest/beta': { revision: 2 } }],
      [
        '2026-12-05T11:00:00Z',
        ['release', 'classifier', '2', 'latest/candidate'],
        { 'latest/candidate': { revision: 2 } },
      ],
      ['2026-12-05T12:00:00Z', ['release', 'classifier', '2', 'latest/stable'], { 'latest/stable': { revision: 2 } }],
    ];
    for (const [when, release, expected] of steps) {
      clock = when;
      const r = await cf('next');
      expect(r.stderr, when).toBe('');
      expect(r.exitCode, when).toBe(0);
      // Where the last step left the revision (store status), the release, then the check that the store holds it.
      expect(r.calls, when).toEqual([['status', 'classifier'], release, ['status', 'classifier']]);
      expect(channelMap(), when).toMatchObject({ 'latest/edge': { revision: 2 }, ...expected });
    }
    expect(channelMap()).toEqual({
      'latest/edge': { revision: 2 },
      'latest/beta': { revision: 2 },
      'latest/candidate': { revision: 2 },
      'latest/stable': { revision: 2 },
    });
    const done = await cf('next');
    expect(done).toMatchObject({ exitCode: 0, calls: [] });
    expect(done.stdout).toContain(
      'revision 2 (1.1.0) has completed the plan: edge -> beta 20% -> beta 50% -> beta -> candidate -> stable',
    );
  });

  test('status shows each channel as snapcraft reports it, as a table and as JSON', async () => {
    const r = await cf('status', '--json');
    expect(r.calls).toEqual([['status', 'classifier']]);
    expect(JSON.parse(r.stdout)).toEqual(
      ['stable', 'candidate', 'beta', 'edge'].map((risk) => ({
        track: 'latest',
        arch: 'amd64',
        risk,
        following: false,
        revision: 2,
        version: '1.1.0',
      })),
    );
    expect((await cf('status')).stdout).toContain('latest  amd64  stable     2         1.1.0');
  });

  test('rollback returns stable to the revision it held before', async () => {
    const r = await cf('rollback', '--channel', 'stable');
    expect(r.stderr).toBe('');
    expect(r.calls).toEqual([
      ['status', 'classifier'],
      ['revisions', 'classifier', '--arch', 'amd64'],
      ['release', 'classifier', '1', 'latest/stable'],
    ]);
    expect(r.stdout).toContain('latest/stable holds revision 2; its previous revision is 1');
    expect(channelMap()['latest/stable']).toEqual({ revision: 1 });
    expect(await cf('rollback', '--channel', 'stable')).toMatchObject({
      exitCode: 1,
      stderr:
        'error: cannot roll back latest/stable: revision 1 is the first one it ever held for amd64\nhint: close the channel instead: snapcraft close classifier latest/stable\n',
    });
  });

  test('next refuses before the soak time and when the health gate fails, and runs nothing that changes the store', async () => {
    clock = '2026-12-06T10:00:00Z';
    const up = await cf(
      'upload',
      '--snap',
      tinySnap(path.join(tmp, 'out'), 'classifier', '1.2.0', 'amd64', 'model v3\n'),
    );
    expect(up.stdout).toContain('revision 3 is on latest/edge');
    expect((await cf('next')).exitCode).toBe(0); // beta 20%
    clock = '2026-12-06T20:00:00Z';
    const early = await cf('next');
    expect(early).toMatchObject({ exitCode: 1, calls: [['status', 'classifier']] });
    expect(early.stderr).toBe(
      'error: cannot advance to step 3 (beta 50%): step 2 (beta 20%) must soak 1d 0h, 14h 0m to go\nhint: run "coreforge release next" again after 2026-12-07T10:00:00.000Z\n',
    );
    clock = '2026-12-07T10:00:00Z';
    writeFileSync(gateFile, 'broken\n');
    const sick = await cf('next');
    expect(sick).toMatchObject({ exitCode: 1, calls: [['status', 'classifier']] });
    expect(sick.stderr).toBe(
      `error: cannot advance to step 3 (beta 50%): the health gate failed: GET ${gateUrl} answered 503\nhint: fix the devices (or roll back: coreforge release rollback --channel CHANNEL), then run coreforge release next again\n`,
    );
    expect(channelMap()['latest/beta']).toEqual({ revision: 2, progressive: { revision: 3, percentage: 20 } });
    writeFileSync(gateFile, 'ok\n');
    // Rolling back a channel under a progressive release stops it: every device stays on the released revision.
    const stop = await cf('rollback', '--channel', 'beta');
    expect(stop.calls).toEqual([
      ['status', 'classifier'],
      ['release', 'classifier', '2', 'latest/beta'],
    ]);
    expect(channelMap()['latest/beta']).toEqual({ revision: 2 });
    const after = await cf('next');
    expect(after.exitCode).toBe(1);
    expect(after.stderr).toContain('the store no longer shows revision 3 on latest/beta at 20% for amd64');
  });

  test('--dry-run prints the exact snapcraft commands and runs none of them', async () => {
    const before = readFileSync(path.join(storeDir, 'store.json'), 'utf8');
    const p = await cf('--dry-run', 'progressive', '--channel', 'beta', '--percent', '30');
    expect(p).toMatchObject({
      exitCode: 0,
      calls: [],
      stdout: 'would run: snapcraft release classifier 3 latest/beta --progressive 30\n',
    });
    expect((await cf('--dry-run', 'promote', '--from', 'beta', '--to', 'candidate')).stdout).toBe(
      'would run: snapcraft promote classifier --from-channel latest/beta --to-channel latest/candidate --yes\n',
    );
    expect((await cf('--dry-run', 'register')).stdout).toBe('would run: snapcraft register classifier --yes\n');
    const up = await cf(
      '--dry-run',
      'upload',
      '--snap',
      path.join(tmp, 'out', 'classifier_1.2.0_amd64.snap'),
      '--channel',
      'beta',
    );
    expect(up.calls).toEqual([]);
    expect(up.stdout).toContain(
      `would run: snapcraft upload ${path.join(tmp, 'out', 'classifier_1.2.0_amd64.snap')} --release latest/beta`,
    );
    const gadget = tinySnap(path.join(tmp, 'gadget'), 'acme-pc', '24-1', 'amd64');
    const both = await cf(
      '--dry-run',
      'upload',
      '--snap',
      path.join(tmp, 'out', 'classifier_1.2.0_amd64.snap'),
      '--gadget',
      gadget,
    );
    expect(both.stdout.split('\n').filter((l) => l.startsWith('would run'))).toEqual([
      `would run: snapcraft upload ${path.join(tmp, 'out', 'classifier_1.2.0_amd64.snap')} --release latest/edge`,
      `would run: snapcraft upload ${gadget} --release latest/edge`,
    ]);
    expect(readFileSync(path.join(storeDir, 'store.json'), 'utf8')).toBe(before);
    expect(await cf('progressive', '--channel', 'beta', '--percent', '0')).toMatchObject({
      exitCode: 1,
      calls: [],
      stderr:
        'error: cannot release to 0% of devices: the percentage must be an integer from 1 to 100\nhint: for example --percent 20\n',
    });
  });
});

describe('coreforge keys register', { timeout: 120_000 }, () => {
  test('puts our key into the snap keyring and registers it through snapcraft register-key, printing no private material', async () => {
    const env = withFakeTools(process.env, {
      SNAPCRAFT_STANDIN_STORE: storeDir,
      FAKE_LOG: log,
      COREFORGE_KEYS_DIR: path.join(tmp, 'keys'),
      SNAP_GNUPG_HOME: path.join(tmp, 'snap-gnupg'),
    });
    expect((await cli(['keys', 'create', 'acme-dev'], env)).exitCode).toBe(0);
    const dry = await cli(['keys', 'register', 'acme-dev', '--dry-run'], env);
    expect(dry.stdout).toMatch(
      /^would import key "acme-dev" \([\w-]{64}\) into .*snap-gnupg\nwould run: snapcraft register-key acme-dev\n$/,
    );
    writeFileSync(log, '');
    const r = await cli(['keys', 'register', 'acme-dev'], env);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const id = /\(([\w-]{64})\)/.exec(r.stdout)![1]!;
    expect(r.stdout).toContain(`Done. The key 'acme-dev' ('${id}') may be used to sign your assertions.`);
    expect(calls()).toEqual([['register-key', 'acme-dev']]);
    const registered = (
      JSON.parse(readFileSync(path.join(storeDir, 'store.json'), 'utf8')) as {
        keys: { name: string; request: string }[];
      }
    ).keys;
    expect(registered.map((k) => k.name)).toEqual(['acme-dev']);
    expect(registered[0]!.request).toContain(`public-key-sha3-384: ${id}`);
    expect(`${r.stdout}${dry.stdout}`).not.toMatch(/PRIVATE KEY|BEGIN PGP/);
  });
});

describe("the README's release workflow, command by command", { timeout: 300_000 }, () => {
  test('register, build --snapcraft (the stand-in packs), upload the snap of that build, next, status --json', async () => {
    const dir = path.join(tmp, 'readme');
    const readmeStore = path.join(dir, 'store');
    const project = path.join(dir, 'coreforge.yaml');
    mkdirSync(dir, { recursive: true });
    writeFileSync(project, projectYaml({ inference: { ...fixtureModel, version: '2.0.0' }, output: 'out' }));
    const env = withFakeTools(process.env, {
      SNAPCRAFT_STANDIN_STORE: readmeStore,
      SNAPCRAFT_STANDIN_NOW: '2026-12-10T10:00:00Z',
      COREFORGE_RELEASE_NOW: '2026-12-10T10:00:00Z',
      FAKE_LOG: log,
    });
    const readme = async (...args: string[]) => {
      writeFileSync(log, '');
      const r = await cli([...args, '-c', project], env);
      return { ...r, calls: calls() };
    };
    expect(await readme('release', 'register')).toMatchObject({
      exitCode: 0,
      calls: [['register', 'classifier', '--yes']],
    });
    // The whole build past pack-snap is build.slow.test.ts's; the snap is what release upload takes.
    const build = await readme('build', '--snapcraft', '--thru', 'pack-snap');
    expect(build.stderr).toBe('');
    expect(build.exitCode).toBe(0);
    const snap = path.join(dir, 'out', 'classifier_2.0.0_amd64.snap');
    expect(build.calls).toEqual([['pack', '--use-lxd', '--build-for', 'amd64', '--output', snap]]);
    const up = await readme('release', 'upload');
    expect(up.stderr).toBe('');
    expect(up.calls).toEqual([
      ['status', 'classifier'],
      ['upload', snap, '--release', 'latest/edge'],
    ]);
    expect(up.stdout).toContain('revision 1 is on latest/edge (plan step 1 of 6 done)');
    const next = await readme('release', 'next');
    expect(next.calls).toEqual([
      ['status', 'classifier'],
      ['release', 'classifier', '1', 'latest/beta', '--progressive', '20'],
      ['status', 'classifier'],
    ]);
    const status = await readme('release', 'status', '--json');
    expect(JSON.parse(status.stdout)).toEqual(
      expect.arrayContaining([
        { track: 'latest', arch: 'amd64', risk: 'edge', following: false, revision: 1, version: '2.0.0' },
        {
          track: 'latest',
          arch: 'amd64',
          risk: 'beta',
          following: false,
          progressive: { revision: 1, percent: 20, version: '2.0.0' },
        },
      ]),
    );
  });
});
