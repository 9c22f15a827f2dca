// Incremental rebuilds with the real packer, signer and xz (and the FAKE ubuntu-image, whose image embeds the
// sha256 of the model assertion and snaps it was given, as a real seed would): each kind of change reruns
// exactly the stages that depend on it, and the new artifacts contain the change.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkArtifacts, sha256 } from '../helpers/artifacts.js';
import { runCli, runCliAsync } from '../helpers/cli.js';
import { withFakeTools } from '../helpers/fake-tools.js';
import { fixture } from '../helpers/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-rebuild-'));
const keys = path.join(dir, 'keys');
const env = withFakeTools(process.env, { COREFORGE_KEYS_DIR: keys, FAKE_LOG: path.join(dir, 'fake.log') });
const project = path.join(dir, 'coreforge.yaml');
const out = path.join(dir, 'out');
const snapFile = path.join(out, 'classifier_0.1.0_amd64.snap');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const YAML = `name: classifier
target: pc-amd64
brand: acme
model: acme-classifier-pc
grade: dangerous
inference:
  model: model.tflite
  labels: labels.txt
  compression: lzo
signing:
  key: acme-dev
output: out
`;

async function build(): Promise<{ ran: string[]; skipped: string[] }> {
  const r = await runCliAsync(['build', '-c', project, '--json'], { env });
  expect(r.stderr.replace(/^warning:.*\n/gm, '')).toBe('');
  expect(r.exitCode).toBe(0);
  const result = JSON.parse(r.stdout) as { ran: string[]; skipped: string[] };
  checkArtifacts(out);
  return result;
}

const inSnap = (member: string) => execFileSync('unsquashfs', ['-cat', snapFile, member]);

beforeAll(async () => {
  writeFileSync(project, YAML);
  copyFileSync(fixture('models/mobilenet_v2_1.0_224_quant.tflite'), path.join(dir, 'model.tflite'));
  copyFileSync(fixture('models/imagenet_labels.txt'), path.join(dir, 'labels.txt'));
  expect(runCli(['keys', 'create', 'acme-dev'], { env }).exitCode).toBe(0);
  expect((await build()).ran).toHaveLength(5);
}, 600_000);

const AFTER_SNAP = ['pack-snap', 'build-image', 'compress-image', 'write-manifest'];
const AFTER_MODEL = ['sign-model', 'build-image', 'compress-image', 'write-manifest'];

describe('an incremental rebuild', () => {
  it('skips everything when nothing changed', async () => {
    expect((await build())).toMatchObject({ ran: [], skipped: ['pack-snap', 'sign-model', 'build-image', 'compress-image', 'write-manifest'] });
  });

  it('labels: line 654 changed (the issue\'s repro) repacks the snap and rebuilds the image', async () => {
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
    expect(sha256(inSnap('model/model.tflite'))).toBe(sha256(readFileSync(fixture('models/mobilenet_v1_0.25_128_quant.tflite'))));
  });

  it('a config field of the snap (inference.port)', async () => {
    writeFileSync(project, YAML.replace('  compression: lzo\n', '  compression: lzo\n  port: 8181\n'));
    expect((await build()).ran).toEqual(AFTER_SNAP);
    expect(inSnap('bin/coreforge-env').toString()).toContain('CF_PORT=8181');
  });

  it('a config field of the model assertion (snaps)', async () => {
    writeFileSync(project, `${YAML.replace('  compression: lzo\n', '  compression: lzo\n  port: 8181\n')}snaps:\n  - name: network-manager\n    channel: 24/stable\n`);
    expect((await build()).ran).toEqual(AFTER_MODEL);
    expect(readFileSync(path.join(out, 'acme-classifier-pc.model'), 'utf8')).toContain('name: network-manager');
  });

  it('the signing key: a new key under the same name re-signs', async () => {
    const before = readFileSync(path.join(out, 'acme-classifier-pc.model'), 'utf8').match(/^sign-key-sha3-384: (.*)$/m)![1];
    rmSync(path.join(keys, 'acme-dev.key'));
    const created = runCli(['keys', 'create', 'acme-dev'], { env });
    expect(created.exitCode).toBe(0);
    expect((await build()).ran).toEqual(AFTER_MODEL);
    const after = readFileSync(path.join(out, 'acme-classifier-pc.model'), 'utf8').match(/^sign-key-sha3-384: (.*)$/m)![1];
    expect(after).not.toBe(before);
    expect(created.stdout).toContain(after);
  });

  it('an output altered by hand is rebuilt', async () => {
    writeFileSync(path.join(out, 'acme-classifier-pc.img.xz'), 'not xz');
    // xz output is deterministic: the manifest (which names the same bytes) stays.
    expect((await build()).ran).toEqual(['compress-image']);
  });
});
