// build-image -> compress-image -> write-manifest with the real xz and unsquashfs, a real signed model and a real
// snap; ubuntu-image is answered by the injected run (STYLE P9): the stand-in on PATH is tested in test/integration.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { signingKeyFromPem, signModel } from '@coreforge/model-assertions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packSnapTree, standInApp } from '../../../../test/helpers/seed-store.js';
import { withFakeTools } from '../../../../test/helpers/fake-tools.js';
import type { ProjectConfig } from '../../config/types.js';
import { BuilderError } from '../../errors.js';
import { run, type Run } from '../../tools/run.js';
import { buildImage } from '../runner.js';
import { defineStage } from '../stage.js';
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

/** ubuntu-image answered from a table: its argv logged, pc.img written into --output-dir, or a failure. */
const withEnv =
  (extra: { FAKE_EXIT?: string } = {}): Run =>
  async (tool, args, o = {}) => {
    if (tool !== 'ubuntu-image') return run(tool, args, o);
    writeFileSync(fakeLog, JSON.stringify({ tool, argv: args }) + '\n', { flag: 'a' });
    if (extra.FAKE_EXIT) {
      // Like a real ubuntu-image that dies half way: a partial image is left in its output folder.
      const partialDir = args[args.indexOf('--output-dir') + 1]!;
      mkdirSync(partialDir, { recursive: true });
      writeFileSync(path.join(partialDir, 'pc.img'), Buffer.alloc(4096, 'partial'));
      throw new BuilderError(
        'TOOL_FAILED',
        `ubuntu-image ${args.join(' ')} failed (exit code ${extra.FAKE_EXIT}):\nError: fake failure requested by FAKE_EXIT`,
      );
    }
    const out = args[args.indexOf('--output-dir') + 1]!;
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'pc.img'), Buffer.alloc(1 << 20, 'pc'));
    return { command: tool, exitCode: 0, stdout: '', stderr: '' };
  };
const key = signingKeyFromPem(
  generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);

function project(): ProjectConfig {
  return {
    name: 'classifier',
    target: 'pc-amd64',
    arch: 'amd64',
    brand: 'acme',
    model: 'acme-pc',
    grade: 'dangerous',
    base: 'core24',
    output: path.join(dir, 'out'),
    image: { compression: 'xz' },
    inference: { model: '/f/m.tflite', labels: '/f/l.txt', accelerator: 'none' },
  } as unknown as ProjectConfig;
}

function priorArtifacts() {
  const model = path.join(dir, 'acme-pc.model');
  const snapd = (name: string, type: 'gadget' | 'kernel' | 'base' | 'snapd', id: string) => ({
    name,
    type,
    defaultChannel: 'latest/stable',
    id,
  });
  writeFileSync(
    model,
    signModel(
      {
        brandId: 'acme',
        model: 'acme-pc',
        architecture: 'amd64',
        base: 'core24',
        grade: 'dangerous',
        timestamp: new Date('2026-12-01T00:00:00Z'),
        snaps: [
          snapd('pc', 'gadget', 'UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH'),
          snapd('pc-kernel', 'kernel', 'pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza'),
          snapd('core24', 'base', 'dwTAh7MZZ01zyriOZErqd1JynQLiOGvM'),
          snapd('snapd', 'snapd', 'PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4'),
          { name: 'classifier', type: 'app', defaultChannel: 'latest/stable' },
        ],
      },
      key,
    ),
  );
  const snap = path.join(dir, 'classifier_0.1_amd64.snap');
  copyFileSync(packSnapTree(standInApp('classifier')), snap);
  return { model, snap };
}

const stages = [buildImageStage, compressImageStage, writeManifestStage];

describe('image stages', () => {
  it('builds, compresses and describes the image; ubuntu-image got the model and the local snap', async () => {
    const artifacts = priorArtifacts();
    const config = project();
    const ok = await buildImage({
      config,
      stages: [
        defineStage({
          name: 'sign-model',
          title: 'earlier stages',
          requiredTools: () => [],
          makes: ['model', 'snap'],
          inputs: () => ({}),
          run: async () => artifacts,
        }),
        ...stages,
      ],
      run: withEnv(),
      env: withFakeTools(process.env),
      signal: new AbortController().signal,
      options: { snapcraft: false },
      renderer: 'silent',
      workdir: path.join(dir, 'w'),
    });
    const calls = readFileSync(fakeLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[] });
    expect(calls.at(-1)!.argv).toEqual([
      'snap',
      '--output-dir',
      path.join(dir, 'w', 'tmp', 'ubuntu-image-out'),
      '--workdir',
      path.join(dir, 'w', 'tmp', 'ubuntu-image'),
      '--snap',
      artifacts.snap,
      artifacts.model,
    ]);
    const out = path.join(dir, 'out');
    expect(readdirSync(out).sort()).toEqual([
      '.coreforge-build.lock',
      'acme-pc.img',
      'acme-pc.img.bmap',
      'acme-pc.img.xz',
      'acme-pc.img.xz.sha256',
      'manifest.json',
    ]);
    const xz = readFileSync(path.join(out, 'acme-pc.img.xz'));
    expect(xz.subarray(0, 6)).toEqual(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
    const sum = createHash('sha256').update(xz).digest('hex');
    expect(readFileSync(path.join(out, 'acme-pc.img.xz.sha256'), 'utf8')).toBe(`${sum}  acme-pc.img.xz\n`);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.image).toEqual({ file: 'acme-pc.img.xz', bytes: xz.length, sha256: sum });
    expect(manifest.inferenceSnap.file).toBe('classifier_0.1_amd64.snap');
    const raw = readFileSync(path.join(out, 'acme-pc.img'));
    expect(manifest.rawImage).toEqual({
      file: 'acme-pc.img',
      bytes: raw.length,
      sha256: createHash('sha256').update(raw).digest('hex'),
    });
    const bmap = readFileSync(path.join(out, 'acme-pc.img.bmap'));
    expect(manifest.bmap).toEqual({
      file: 'acme-pc.img.bmap',
      bytes: bmap.length,
      sha256: createHash('sha256').update(bmap).digest('hex'),
    });
    expect(ok.artifacts.bmap).toBe(path.join(out, 'acme-pc.img.bmap'));
    expect(ok.artifacts.imageXz).toBe(path.join(out, 'acme-pc.img.xz'));
  });

  it('leaves no image under the final name when ubuntu-image fails', async () => {
    const artifacts = priorArtifacts();
    const config = project();
    const e = await buildImage({
      config,
      stages: [
        defineStage({
          name: 'sign-model',
          title: 'seed',
          requiredTools: () => [],
          makes: ['model', 'snap'],
          inputs: () => ({}),
          run: async () => artifacts,
        }),
        ...stages,
      ],
      run: withEnv({ FAKE_EXIT: '3' }),
      env: withFakeTools(process.env),
      signal: new AbortController().signal,
      options: { snapcraft: false },
      renderer: 'silent',
      workdir: path.join(dir, 'w'),
    }).catch((x: unknown) => x);
    expect((e as BuilderError).code).toBe('TOOL_FAILED');
    expect((e as BuilderError).message).toContain('(exit code 3):\n');
    expect((e as BuilderError).message).toContain('Error: fake failure requested by FAKE_EXIT');
    // The fake left a partial pc.img where ubuntu-image writes (the build's temp folder, removed when the build
    // ends); none of it reaches the output folder.
    const argv = (JSON.parse(readFileSync(fakeLog, 'utf8').trim().split('\n').at(-1)!) as { argv: string[] }).argv;
    expect(argv[argv.indexOf('--output-dir') + 1]).toBe(path.join(dir, 'w', 'tmp', 'ubuntu-image-out'));
    expect(existsSync(path.join(dir, 'w', 'tmp'))).toBe(false);
    expect(existsSync(path.join(dir, 'out', 'acme-pc.img'))).toBe(false);
    expect(
      existsSync(path.join(dir, 'out')) ? readdirSync(path.join(dir, 'out')).filter((f) => f.includes('.img')) : [],
    ).toEqual([]);
  });
});
