// coreforge build end to end: the real offline packer and signer, and the FAKE ubuntu-image (test/fake-bin),
// which cannot run here (root + Snap Store); its contract is checked by the fake itself.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, runCliAsync } from '../helpers/cli.js';
import { withFakeTools } from '../helpers/fake-tools.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-build-'));
const fakeLog = path.join(dir, 'fake.log');
const env = withFakeTools(process.env, { COREFORGE_KEYS_DIR: path.join(dir, 'keys'), COREFORGE_FIXTURES: FIXTURES_DIR, FAKE_LOG: fakeLog });
const project = path.join(dir, 'coreforge.yaml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  writeFileSync(project, readFileSync(path.join(REPO_ROOT, 'examples/classifier/coreforge.yaml'), 'utf8'));
  expect(runCli(['keys', 'create', 'acme-dev'], { env }).exitCode).toBe(0);
}, 120_000);

describe('coreforge build', () => {
  it('plans the stages', () => {
    const r = runCli(['build', '-c', project, '--dry-run'], { env });
    expect(r.stdout.split('\n').map((l) => l.split(/\s+/)[1])).toEqual(['pack-snap', 'sign-model', 'build-image', 'compress-image', 'write-manifest', undefined]);
  });

  it('packs, signs, builds (fake ubuntu-image), compresses and writes the manifest', async () => {
    // Packing the snap alone took over 2 minutes on a loaded 2-core machine: run it without blocking the worker.
    const r = await runCliAsync(['build', '-c', project], { env, timeout: 540_000 });
    expect(r.stderr.replace(/^(?!warning:).*\n/gm, '')).toBe('');
    expect(r.exitCode).toBe(0);
    const out = path.join(dir, 'out');
    for (const f of ['classifier_0.1.0_amd64.snap', 'acme-classifier-pc.model', 'acme-classifier-pc.img', 'acme-classifier-pc.img.xz', 'acme-classifier-pc.img.xz.sha256', 'manifest.json'])
      expect(existsSync(path.join(out, f)), f).toBe(true);
    const call = JSON.parse(readFileSync(fakeLog, 'utf8').trim().split('\n').at(-1)!) as { argv: string[] };
    expect(call.argv[0]).toBe('snap');
    expect(call.argv).toContain(path.join(out, 'classifier_0.1.0_amd64.snap'));
    expect(call.argv.at(-1)).toBe(path.join(out, 'acme-classifier-pc.model'));
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ model: 'acme-classifier-pc', grade: 'dangerous', image: { file: 'acme-classifier-pc.img.xz' } });
    expect(readFileSync(path.join(out, 'acme-classifier-pc.model'), 'utf8')).toMatch(/^type: model\n/);
  });

  it('flashes the example image from the last build\'s manifest: bytes identical, ratio printed', () => {
    const out = path.join(dir, 'out');
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.bmap.file).toBe('acme-classifier-pc.img.bmap');
    expect(manifest.rawImage.file).toBe('acme-classifier-pc.img');
    const card = path.join(dir, 'card.img');
    const r = runCli(['flash', '-c', project, '--device', card, '--target-file', '--yes', '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const result = JSON.parse(r.stdout) as { bytesWritten: number; imageSize: number; writtenRatio: number; verified: boolean };
    expect(readFileSync(card).equals(readFileSync(path.join(out, 'acme-classifier-pc.img')))).toBe(true);
    expect(result.verified).toBe(true);
    expect(result.bytesWritten).toBeLessThanOrEqual(result.imageSize);
    console.log(`flash of the example image (fake ubuntu-image, no holes): bytes written / image size = ${result.bytesWritten}/${result.imageSize} = ${result.writtenRatio.toFixed(3)}`);
  });

  it('resumes without redoing finished stages', () => {
    const plan = runCli(['build', '-c', project, '--dry-run', '--resume'], { env }).stdout;
    expect(plan.match(/skip \(done\)/g)).toHaveLength(5);
  });

  it('checks tools before the first stage and says how to install them', () => {
    const r = runCli(['build', '-c', project], { env: { ...env, PATH: '/usr/bin:/bin' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error: cannot build: missing tool "ubuntu-image"');
    expect(r.stderr).toContain('hint: ubuntu-image: sudo snap install ubuntu-image --classic');
  });
});
