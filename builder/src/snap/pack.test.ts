import { expect, test } from 'vitest';
import { projectConfig } from '../../../test/helpers/project-config.js';
import type { Run } from '../tools/run.js';
import { packInferenceSnap } from './pack.js';

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
