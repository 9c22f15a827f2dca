import { expect, test } from 'vitest';
import { filesByPart, formatSizeReport, largestFiles, unpackedBytes } from './size-report.js';

const e = (size: number) => ({ size, sha256: String(size) });
const tree = new Map([
  ['meta/snap.yaml', e(300)],
  ['bin/node', e(100_000)],
  ['runtime/node_modules/sharp/lib/index.js', e(2_000)],
  ['runtime/node_modules/sharp/package.json', e(1_000)],
  ['model/m.tflite', e(3_000)],
]);

test('files are grouped by part in the parts order, with their bytes; the largest files come biggest first', () => {
  expect(filesByPart(tree)).toEqual([
    { part: 'node', files: ['bin/node'], bytes: 100_000 },
    {
      part: 'dependencies',
      files: ['runtime/node_modules/sharp/lib/index.js', 'runtime/node_modules/sharp/package.json'],
      bytes: 3_000,
    },
    { part: 'model', files: ['model/m.tflite'], bytes: 3_000 },
    { part: 'meta', files: ['meta/snap.yaml'], bytes: 300 },
  ]);
  expect(largestFiles(tree, 3)).toEqual([
    { path: 'bin/node', bytes: 100_000 },
    { path: 'model/m.tflite', bytes: 3_000 },
    { path: 'runtime/node_modules/sharp/lib/index.js', bytes: 2_000 },
  ]);
  expect(unpackedBytes(tree)).toBe(106_300);
});

test('the size report text: one row per part with its share of the compressed parts', () => {
  const text = formatSizeReport({
    snap: 'x.snap',
    compression: 'xz',
    sizeBytes: 40_000_000,
    unpackedBytes: 120_000_000,
    parts: [
      { part: 'node', files: 1, bytes: 100_000_000, compressedBytes: 30_000_000 },
      { part: 'model', files: 1, bytes: 4_000, compressedBytes: 10_000_000 },
    ],
    largest: [{ path: 'bin/node', bytes: 100_000_000 }],
  });
  expect(text).toBe(`x.snap: 40.00 MB (xz), 120.00 MB unpacked

part          files  unpacked     compressed   share
node              1  100.00 MB    30.00 MB      75.0%
model             1  4.0 kB       10.00 MB      25.0%

largest files:
   100.00 MB  bin/node`);
});
