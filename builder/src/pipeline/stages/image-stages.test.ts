// build-image -> compress-image -> write-manifest against the FAKE ubuntu-image (test/fake-bin) and the real xz.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFakeTools } from '../../../../test/helpers/fake-tools.js';
import type { ProjectConfig } from '../../config/types.js';
import { BuilderError } from '../../errors.js';
import { run, type Run } from '../../tools/run.js';
import { buildImage } from '../runner.js';
import { buildImageStage } from './build-image.js';
import { compressImageStage } from './compress-image.js';
import { writeManifestStage } from './write-manifest.js';

let dir: string;
let fakeLog: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'coreforge-image-'));
  fakeLog = path.join(dir, 'fake.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const withEnv = (extra: Record<string, string> = {}): Run => (tool, args, o = {}) => run(tool, args, { ...o, env: { ...withFakeTools(process.env, { FAKE_LOG: fakeLog, ...extra }), ...o.env } });

function project(): ProjectConfig {
  return {
    name: 'classifier', target: 'pc-amd64', arch: 'amd64', brand: 'acme', model: 'acme-pc', grade: 'dangerous', base: 'core24',
    output: path.join(dir, 'out'), image: { compression: 'xz' },
    inference: { model: '/f/m.tflite', labels: '/f/l.txt', accelerator: 'none' },
  } as unknown as ProjectConfig;
}

function priorArtifacts() {
  const model = path.join(dir, 'acme-pc.model');
  writeFileSync(model, 'type: model\nauthority-id: acme\n\nSIG\n');
  const snap = path.join(dir, 'classifier_0.1_amd64.snap');
  writeFileSync(snap, 'hsqs');
  return { model, snap };
}

const stages = [buildImageStage, compressImageStage, writeManifestStage];

describe('image stages', () => {
  it('builds, compresses and describes the image; ubuntu-image got the model and the local snap', async () => {
    const artifacts = priorArtifacts();
    const config = project();
    const ok = await buildImage({
      config, stages: [{ name: 'sign-model', title: 'earlier stages', requiredTools: () => [], run: async () => artifacts }, ...stages],
      run: withEnv(), env: withFakeTools(process.env), signal: new AbortController().signal, options: { snapcraft: false }, renderer: 'silent', workdir: path.join(dir, 'w'),
    });
    const calls = readFileSync(fakeLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[] });
    expect(calls.at(-1)!.argv).toEqual(['snap', '--output-dir', path.join(dir, 'w', 'ubuntu-image-out'), '--snap', artifacts.snap, artifacts.model]);
    const out = path.join(dir, 'out');
    expect(readdirSync(out).sort()).toEqual(['acme-pc.img', 'acme-pc.img.bmap', 'acme-pc.img.xz', 'acme-pc.img.xz.sha256', 'manifest.json']);
    const xz = readFileSync(path.join(out, 'acme-pc.img.xz'));
    expect(xz.subarray(0, 6)).toEqual(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
    const sum = createHash('sha256').update(xz).digest('hex');
    expect(readFileSync(path.join(out, 'acme-pc.img.xz.sha256'), 'utf8')).toBe(`${sum}  acme-pc.img.xz\n`);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.image).toEqual({ file: 'acme-pc.img.xz', bytes: xz.length, sha256: sum });
    expect(manifest.inferenceSnap.file).toBe('classifier_0.1_amd64.snap');
    const raw = readFileSync(path.join(out, 'acme-pc.img'));
    expect(manifest.rawImage).toEqual({ file: 'acme-pc.img', bytes: raw.length, sha256: createHash('sha256').update(raw).digest('hex') });
    const bmap = readFileSync(path.join(out, 'acme-pc.img.bmap'));
    expect(manifest.bmap).toEqual({ file: 'acme-pc.img.bmap', bytes: bmap.length, sha256: createHash('sha256').update(bmap).digest('hex') });
    expect(ok.artifacts.bmap).toBe(path.join(out, 'acme-pc.img.bmap'));
    expect(ok.artifacts.imageXz).toBe(path.join(out, 'acme-pc.img.xz'));
  });

  it('leaves no image under the final name when ubuntu-image fails', async () => {
    const artifacts = priorArtifacts();
    const config = project();
    const e = await buildImage({
      config, stages: [{ name: 'sign-model', title: 'seed', requiredTools: () => [], run: async () => artifacts }, ...stages],
      run: withEnv({ FAKE_EXIT: '3' }), env: withFakeTools(process.env), signal: new AbortController().signal, options: { snapcraft: false }, renderer: 'silent', workdir: path.join(dir, 'w'),
    }).catch((x: unknown) => x);
    expect((e as BuilderError).code).toBe('TOOL_FAILED');
    expect((e as BuilderError).message).toContain('(exit code 3):\n');
    expect((e as BuilderError).message).toContain('Error: fake failure requested by FAKE_EXIT');
    expect(existsSync(path.join(dir, 'out', 'acme-pc.img'))).toBe(false);
  });
});
