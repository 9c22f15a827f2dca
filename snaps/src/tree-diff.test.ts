import { expect, test } from 'vitest';
import { changedParts, diffTrees } from './tree-diff.js';

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

test('the changed parts of a diff: each part once, sorted', () => {
  expect(
    changedParts({
      added: ['model/labels.txt'],
      removed: ['bin/node'],
      changed: ['model/m.tflite', 'model/n.tflite'],
      changedBytes: 3,
    }),
  ).toEqual(['labels', 'model', 'node']);
  expect(changedParts({ added: [], removed: [], changed: [], changedBytes: 0 })).toEqual([]);
});
