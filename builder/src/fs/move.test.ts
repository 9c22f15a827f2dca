// moveFile: rename on one filesystem; copy + fsync + rename across filesystems (/dev/shm is a tmpfs here).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { moveFile } from './move.js';

let a: string;
let b: string;
const shm = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(tmpdir()).dev;
if (!shm)
  console.log('skipping the cross-filesystem move: /dev/shm is missing or on the same filesystem as the temp folder');
beforeEach(() => {
  a = mkdtempSync(path.join(tmpdir(), 'coreforge-move-'));
  b = shm ? mkdtempSync('/dev/shm/coreforge-move-') : mkdtempSync(path.join(tmpdir(), 'coreforge-move-b-'));
});
afterEach(() => {
  rmSync(a, { recursive: true, force: true });
  rmSync(b, { recursive: true, force: true });
});

it('moves a file within one filesystem', async () => {
  writeFileSync(path.join(a, 'x'), 'data');
  await moveFile(path.join(a, 'x'), path.join(a, 'y'));
  expect(readdirSync(a)).toEqual(['y']);
});

it.skipIf(!shm)('moves a file across filesystems (EXDEV): the whole file, no temp left, the source gone', async () => {
  const data = Buffer.alloc(3 << 20, 7);
  writeFileSync(path.join(a, 'x.img'), data);
  await moveFile(path.join(a, 'x.img'), path.join(b, 'x.img'));
  expect(readFileSync(path.join(b, 'x.img')).equals(data)).toBe(true);
  expect(readdirSync(b)).toEqual(['x.img']);
  expect(readdirSync(a)).toEqual([]);
});
