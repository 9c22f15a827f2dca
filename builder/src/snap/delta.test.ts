import { expect, test } from 'vitest';
import { xdelta3DecodeArgs, xdelta3EncodeArgs } from './delta.js';

test('xdelta3 argv: encode at -9 against the old snap as source, decode as snapd does', () => {
  expect(xdelta3EncodeArgs('/a.snap', '/b.snap', '/d')).toEqual(['-e', '-9', '-f', '-s', '/a.snap', '/b.snap', '/d']);
  expect(xdelta3DecodeArgs('/a.snap', '/d', '/c.snap')).toEqual(['-d', '-f', '-s', '/a.snap', '/d', '/c.snap']);
});
