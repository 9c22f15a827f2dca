// Delta and size reports over real snaps: a labels-only update must touch one file, one part, and cost a
// delta that is a tiny fraction of the full snap for both compressions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixture } from '../../../test/helpers/fixtures.js';
import { fixtureProjectConfig } from '../../../test/helpers/project-config.js';
import { run } from '../tools/run.js';
import { snapDeltaReport } from './delta.js';
import { packInferenceSnap } from './pack.js';
import { snapSizeReport } from './size.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const cacheDir = process.env.COREFORGE_CACHE ?? path.join(repo, 'test', '.cache', 'coreforge');
const missing = ['snap', 'unsquashfs', 'mksquashfs', 'xdelta3', 'npm', 'tar'].filter(
  (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0,
);
if (missing.length > 0) console.warn(`skipping snap delta tests: missing ${missing.join(', ')}`);

const work = mkdtempSync(path.join(os.tmpdir(), 'coreforge-delta-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(missing.length > 0)('delta and size reports', () => {
  let oldSnap: string;
  let newSnap: string;

  beforeAll(async () => {
    const labels = path.join(work, 'imagenet_labels.txt');
    writeFileSync(
      labels,
      readFileSync(fixture('models/imagenet_labels.txt'), 'utf8').replace('military uniform', 'military dress uniform'),
    );
    const base = fixtureProjectConfig('mobilenet_v2_1.0_224_quant.tflite', { inference: { compression: 'lzo' } });
    oldSnap = (await packInferenceSnap(base, { arch: 'amd64', outDir: path.join(work, 'old'), run, cacheDir }))
      .snapFile;
    const changed = { ...base, inference: { ...base.inference, labels } };
    newSnap = (await packInferenceSnap(changed, { arch: 'amd64', outDir: path.join(work, 'new'), run, cacheDir }))
      .snapFile;
  });

  test('a labels-only update changes one file in one part, and its delta is under 0.1% of the snap', async () => {
    const r = await snapDeltaReport(oldSnap, newSnap, { run });
    expect(r.files).toMatchObject({ changed: ['model/imagenet_labels.txt'], added: [], removed: [] });
    expect(r.changedParts).toEqual(['labels']);
    expect(r.figures.map((f) => f.compression)).toEqual(['lzo', 'xz']);
    for (const f of r.figures) {
      expect(f.deltaBytes).toBeGreaterThan(0);
      expect(f.ratio).toBeLessThan(0.001);
    }
  });

  test('the size report splits the snap by part and the parts add up to about the snap', async () => {
    const r = await snapSizeReport(oldSnap, { run });
    expect(r.compression).toBe('lzo');
    expect(r.parts.map((p) => p.part)).toEqual([
      'node',
      'runtime',
      'dependencies',
      'tflite',
      'model',
      'labels',
      'launchers',
      'meta',
    ]);
    const sum = r.parts.reduce((n, p) => n + p.compressedBytes, 0);
    expect(Math.abs(sum - r.sizeBytes) / r.sizeBytes).toBeLessThan(0.05);
    expect(r.largest[0]).toMatchObject({ path: 'bin/node' });
  });

  test('a file that is not a snap is refused with a clear error', async () => {
    const bogus = path.join(work, 'bogus.snap');
    writeFileSync(
      bogus,
      'not a squashfs file at all, just text padding it out to more than 96 bytes .................',
    );
    await expect(snapDeltaReport(bogus, newSnap, { run })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: `cannot read "${bogus}": it is not a squashfs snap`,
    });
  });
});
