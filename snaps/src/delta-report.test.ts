import { expect, test } from 'vitest';
import { formatBytes } from './bytes.js';
import { deltaFigures, formatDeltaReport, otherCompression } from './delta-report.js';

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

test('delta figures: the ratio is delta over the new full snap; the other compression of each', () => {
  expect(deltaFigures('xz', 100, 200, 50)).toEqual({
    compression: 'xz',
    oldBytes: 100,
    newBytes: 200,
    deltaBytes: 50,
    ratio: 0.25,
  });
  expect([otherCompression('xz'), otherCompression('lzo')]).toEqual(['lzo', 'xz']);
});
