import { expect, test } from 'vitest';
import { formatBytes, formatDeltaReport, xdelta3DecodeArgs, xdelta3EncodeArgs } from './delta.js';
import { partOf } from './parts.js';
import { diffTrees } from './squashfs-tree.js';

test('xdelta3 argv: encode at -9 against the old snap as source, decode as snapd does', () => {
  expect(xdelta3EncodeArgs('/a.snap', '/b.snap', '/d')).toEqual(['-e', '-9', '-f', '-s', '/a.snap', '/b.snap', '/d']);
  expect(xdelta3DecodeArgs('/a.snap', '/d', '/c.snap')).toEqual(['-d', '-f', '-s', '/a.snap', '/d', '/c.snap']);
});

test('files map to the part that ships them', () => {
  expect(
    [
      'bin/node',
      'bin/serve',
      'runtime/dist/index.js',
      'runtime/build/Release/coreforge_tflite.node',
      'runtime/node_modules/sharp/lib/index.js',
      'lib/libtensorflowlite_c.so',
      'usr/lib/x86_64-linux-gnu/libedgetpu.so.1',
      'model/m.tflite',
      'model/labels.txt',
      'meta/snap.yaml',
    ].map(partOf),
  ).toEqual([
    'node',
    'launchers',
    'runtime',
    'runtime',
    'dependencies',
    'tflite',
    'edgetpu',
    'model',
    'labels',
    'meta',
  ]);
});

test('diffTrees finds changed, added and removed files and counts new bytes', () => {
  const e = (size: number, sha256: string) => ({ size, sha256 });
  const before = new Map([
    ['a', e(1, 'x')],
    ['b', e(2, 'y')],
    ['c', e(3, 'z')],
  ]);
  const after = new Map([
    ['a', e(1, 'x')],
    ['b', e(5, 'w')],
    ['d', e(7, 'v')],
  ]);
  expect(diffTrees(before, after)).toEqual({ added: ['d'], removed: ['c'], changed: ['b'], changedBytes: 12 });
});

test('the text report lists files and one row per compression', () => {
  const text = formatDeltaReport({
    old: 'old.snap',
    new: 'new.snap',
    files: { added: [], removed: [], changed: ['model/imagenet_labels.txt'], changedBytes: 10_484 },
    changedParts: ['labels'],
    figures: [
      { compression: 'xz', oldBytes: 47_000_000, newBytes: 47_000_100, deltaBytes: 9_400, ratio: 9_400 / 47_000_100 },
      { compression: 'lzo', oldBytes: 70_000_000, newBytes: 70_000_100, deltaBytes: 8_000, ratio: 8_000 / 70_000_100 },
    ],
  });
  expect(text).toBe(`old: old.snap
new: new.snap
changed files: 1 changed, 0 added, 0 removed (10.5 kB of new content)
changed parts: labels
  ~ model/imagenet_labels.txt

compression  full snap    delta        delta/full  delta/changed
xz           47.00 MB     9.4 kB            0.02%  0.90x
lzo          70.00 MB     8.0 kB            0.01%  0.76x`);
  expect(formatBytes(999)).toBe('999 B');
});
