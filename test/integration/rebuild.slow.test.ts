// Incremental rebuilds with the real packer, signer, snap pack and xz, and the STAND-IN ubuntu-image
// (test/fake-bin), which runs snapd's own seed writer on what the build gives it. The project derives a brand
// gadget (prepare-gadget) from the stand-in pc gadget. Each kind of change reruns exactly the stages that depend
// on it, and the new artifacts contain the change: read out of the snap and the gadget, and out of the image,
// where snapd's seed reader opens the seed and the seeded snaps and model are byte for byte the published ones.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSeededArtifacts, sha256 } from '../helpers/artifacts.js';
import { runCli, runCliAsync } from '../helpers/cli.js';
import { withFakeTools } from '../helpers/fake-tools.js';
import { fixture } from '../helpers/fixtures.js';
import { projectYaml } from '../helpers/project-yaml.js';
import { buildSeedOracle, seedSkipReason, standInStore, type StandInStore } from '../helpers/seed-store.js';

const oracle = buildSeedOracle();
const skip = seedSkipReason(oracle);
const seedWriter = (oracle as { binary: string }).binary;
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-rebuild-'));
const keys = path.join(dir, 'keys');
const project = path.join(dir, 'coreforge.yaml');
const out = path.join(dir, 'out');
const snapFile = path.join(out, 'classifier_0.1.0_amd64.snap');
let standIn: StandInStore;
let env: Record<string, string>;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const yaml = (o: { port?: number; cmdline?: string; snaps?: boolean } = {}) =>
  projectYaml({
    inference: { compression: 'lzo', ...(o.port ? { port: o.port } : {}) },
    gadget: { base: standIn.pcGadget, 'kernel-cmdline': { append: [o.cmdline ?? 'cf.rebuild=1'] } },
    signing: { key: 'acme-dev' },
    output: 'out',
    ...(o.snaps ? { snaps: [{ name: 'network-manager', channel: '24/stable' }] } : {}),
  });

/** The brand gadget the last build recorded (prepare-gadget's output in the state file). */
const gadgetFile = () =>
  (
    JSON.parse(readFileSync(path.join(out, '.coreforge-build', 'coreforge-build.json'), 'utf8')) as {
      stages: Record<string, { outputs: Record<string, { file: string }> }>;
    }
  ).stages['prepare-gadget']!.outputs.gadget!.file;

async function build(): Promise<{ ran: string[]; skipped: string[] }> {
  const r = await runCliAsync(['build', '-c', project, '--json'], { env, timeout: 900_000 });
  expect(r.stderr.replace(/^warning:.*\n/gm, '')).toBe('');
  expect(r.exitCode).toBe(0);
  const result = JSON.parse(r.stdout) as { ran: string[]; skipped: string[] };
  checkSeededArtifacts(out, seedWriter, path.join(dir, 'seed'), [snapFile, gadgetFile()]);
  return result;
}

const inSnap = (member: string) => execFileSync('unsquashfs', ['-cat', snapFile, member]);
const publicKey = () => {
  const pub = path.join(dir, 'acme-dev.pub');
  expect(
    runCli(['keys', 'export-public', 'acme-dev', '-o', pub], { env: { ...process.env, COREFORGE_KEYS_DIR: keys } })
      .exitCode,
  ).toBe(0);
  return readFileSync(pub, 'utf8').trim();
};

beforeAll(async () => {
  if (skip) return;
  copyFileSync(fixture('models/mobilenet_v2_1.0_224_quant.tflite'), path.join(dir, 'model.tflite'));
  copyFileSync(fixture('models/imagenet_labels.txt'), path.join(dir, 'labels.txt'));
  expect(runCli(['keys', 'create', 'acme-dev'], { env: { ...process.env, COREFORGE_KEYS_DIR: keys } }).exitCode).toBe(
    0,
  );
  standIn = standInStore(path.join(dir, 'store'), seedWriter, 'acme', publicKey());
  env = withFakeTools(process.env, {
    COREFORGE_KEYS_DIR: keys,
    FAKE_LOG: path.join(dir, 'ubuntu-image.log'),
    ...standIn.env,
  });
  writeFileSync(project, yaml());
  expect((await build()).ran).toHaveLength(6);
}, 900_000);

const AFTER_SNAP = ['pack-snap', 'build-image', 'compress-image', 'write-manifest'];
const AFTER_GADGET = ['prepare-gadget', 'build-image', 'compress-image', 'write-manifest'];
const AFTER_MODEL = ['sign-model', 'build-image', 'compress-image', 'write-manifest'];

describe.skipIf(skip !== undefined)(`an incremental rebuild${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('skips everything when nothing changed', async () => {
    expect(await build()).toMatchObject({
      ran: [],
      skipped: ['pack-snap', 'prepare-gadget', 'sign-model', 'build-image', 'compress-image', 'write-manifest'],
    });
  });

  it("labels: line 654 changed (the issue's repro) repacks the snap and rebuilds the image", async () => {
    const labels = path.join(dir, 'labels.txt');
    const lines = readFileSync(labels, 'utf8').split('\n');
    lines[653] = 'X';
    writeFileSync(labels, lines.join('\n'));
    expect((await build()).ran).toEqual(AFTER_SNAP);
    expect(inSnap('model/labels.txt').toString().split('\n')[653]).toBe('X');
  });

  it('model: another model under the same name', async () => {
    copyFileSync(fixture('models/mobilenet_v1_0.25_128_quant.tflite'), path.join(dir, 'model.tflite'));
    expect((await build()).ran).toEqual(AFTER_SNAP);
    expect(sha256(inSnap('model/model.tflite'))).toBe(
      sha256(readFileSync(fixture('models/mobilenet_v1_0.25_128_quant.tflite'))),
    );
  });

  it('a gadget field (gadget.kernel-cmdline): derives the gadget again and rebuilds the image, not the snap or the model', async () => {
    const before = gadgetFile();
    writeFileSync(project, yaml({ cmdline: 'cf.rebuild=2' }));
    expect((await build()).ran).toEqual(AFTER_GADGET);
    const gadget = gadgetFile();
    expect(gadget).not.toBe(before);
    expect(execFileSync('unsquashfs', ['-cat', gadget, 'meta/gadget.yaml'], { encoding: 'utf8' })).toMatch(
      /cf\.rebuild=2/,
    );
    // The image's seed holds this gadget (build() compared the seeded copy with it).
    expect(readdirSync(out).filter((f) => f.startsWith('acme-pc_'))).toContain(path.basename(gadget));
  });

  it('a config field of the snap (inference.port)', async () => {
    writeFileSync(project, yaml({ cmdline: 'cf.rebuild=2', port: 8181 }));
    // prepare-gadget reads the port too (service defaults), but for a snap without a store id the gadget is unchanged.
    expect((await build()).ran).toEqual([
      'pack-snap',
      'prepare-gadget',
      'build-image',
      'compress-image',
      'write-manifest',
    ]);
    expect(inSnap('bin/coreforge-env').toString()).toContain('CF_PORT=8181');
  });

  it('a config field of the model assertion (snaps)', async () => {
    writeFileSync(project, yaml({ cmdline: 'cf.rebuild=2', port: 8181, snaps: true }));
    expect((await build()).ran).toEqual(AFTER_MODEL);
    expect(readFileSync(path.join(out, 'acme-classifier-pc.model'), 'utf8')).toContain('name: network-manager');
  });

  it('the signing key: a new key under the same name re-signs', async () => {
    const before = readFileSync(path.join(out, 'acme-classifier-pc.model'), 'utf8').match(
      /^sign-key-sha3-384: (.*)$/m,
    )![1];
    rmSync(path.join(keys, 'acme-dev.key'));
    const created = runCli(['keys', 'create', 'acme-dev'], { env });
    expect(created.exitCode).toBe(0);
    // The test store learns the new account-key, as the real store would after `snap register-key`.
    standIn.store.addBrand('acme', publicKey());
    expect((await build()).ran).toEqual(AFTER_MODEL);
    const after = readFileSync(path.join(out, 'acme-classifier-pc.model'), 'utf8').match(
      /^sign-key-sha3-384: (.*)$/m,
    )![1];
    expect(after).not.toBe(before);
    expect(created.stdout).toContain(after);
  });

  it('an output altered by hand is rebuilt', async () => {
    writeFileSync(path.join(out, 'acme-classifier-pc.img.xz'), 'not xz');
    // xz output is deterministic: the manifest (which names the same bytes) stays.
    expect((await build()).ran).toEqual(['compress-image']);
  });
});
