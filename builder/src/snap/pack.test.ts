import { expect, test } from 'vitest';
import { projectConfig } from '../../../test/helpers/project-config.js';
import type { Run } from '../tools/run.js';
import { packInferenceSnap } from './pack.js';
import { fitsTarget } from './prod-deps.js';
import { isShipped } from './stage.js';

const neverRun: Run = () => {
  throw new Error('no tool should run');
};

test('a Coral project cannot be packed offline, and the hint says what to do', async () => {
  const config = projectConfig({ inference: { accelerator: 'coral-usb', edgetpuRuntime: 'max' } });
  await expect(
    packInferenceSnap(config, { arch: 'amd64', outDir: '/nonexistent', run: neverRun }),
  ).rejects.toMatchObject({
    code: 'INPUT_INVALID',
    message:
      'cannot pack "classifier" offline: the Edge TPU runtime (libedgetpu1-max) comes from Coral\'s apt repository',
    hint: 'build it with snapcraft ("coreforge snap render", then "snapcraft pack"), or set inference.accelerator to none',
  });
});

test('a missing model is named before anything runs', async () => {
  const config = projectConfig({}, '/nonexistent/project');
  await expect(
    packInferenceSnap(config, { arch: 'arm64', outDir: '/nonexistent', run: neverRun }),
  ).rejects.toMatchObject({
    code: 'FILE_NOT_FOUND',
    message:
      'cannot pack "classifier": model "/nonexistent/project/models/mobilenet_v2_1.0_224_quant.tflite" does not exist',
  });
});

test('prebuilt packages are picked by os, cpu and libc', () => {
  expect(fitsTarget({ os: ['linux'], cpu: ['arm64'], libc: ['glibc'] }, 'arm64')).toBe(true);
  expect(fitsTarget({ os: ['linux'], cpu: ['x64'], libc: ['glibc'] }, 'arm64')).toBe(false);
  expect(fitsTarget({ os: ['linux'], cpu: ['arm64'], libc: ['musl'] }, 'arm64')).toBe(false);
  expect(fitsTarget({ os: ['darwin'] }, 'amd64')).toBe(false);
  expect(fitsTarget({ cpu: ['!arm'] }, 'amd64')).toBe(true);
  expect(fitsTarget({}, 'amd64')).toBe(true);
});

test('the snap stays lean: no maps, declarations, docs, headers or sources', () => {
  const shipped = [
    'lib/index.js',
    'LICENSE',
    'package.json',
    'lib/sharp-linux-x64.node',
    'lib/libvips-cpp.so.8.17.3',
    'dist/cli/main.js',
  ];
  const dropped = [
    'lib/index.js.map',
    'lib/index.d.ts',
    'README.md',
    'CHANGELOG.md',
    'src/pipeline.cc',
    'lib/glib-2.0/include/glibconfig.h',
    'binding.gyp',
    'docs/api.html',
    '.npmignore',
    'test/unit.js',
  ];
  expect(shipped.filter((f) => !isShipped(f))).toEqual([]);
  expect(dropped.filter((f) => isShipped(f))).toEqual([]);
});
