import { expect, test } from 'vitest';
import { partOf } from './parts.js';

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
