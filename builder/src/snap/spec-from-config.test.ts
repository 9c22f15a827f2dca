import { expect, test } from 'vitest';
import { projectConfig } from '../../../test/helpers/project-config.js';
import { snapSpecFromConfig } from './spec-from-config.js';

test('maps the project file to a CPU snap spec with the host paths of its sources', () => {
  const spec = snapSpecFromConfig(projectConfig());
  expect(spec).toMatchObject({
    name: 'classifier',
    grade: 'devel',
    compression: 'xz',
    architectures: ['amd64'],
    model: {
      name: 'mobilenet_v2_1.0_224_quant.tflite',
      source: '/work/project/models/mobilenet_v2_1.0_224_quant.tflite',
    },
    labels: { name: 'imagenet_labels.txt', source: '/work/project/models/imagenet_labels.txt' },
    service: { port: 8080, bind: '0.0.0.0', threads: 1, topK: 5 },
  });
  expect(spec.coral).toBeUndefined();
});

test('the version is inference.version, else the offline default; an explicit version wins', () => {
  expect(snapSpecFromConfig(projectConfig()).version).toBe('0.1.0');
  expect(snapSpecFromConfig(projectConfig({ inference: { version: '1.4.2' } })).version).toBe('1.4.2');
  expect(snapSpecFromConfig(projectConfig({ inference: { version: '1.4.2' } }), { version: '2.0' }).version).toBe(
    '2.0',
  );
});

test('a Coral project gets the edgetpu runtime, access and model', () => {
  const spec = snapSpecFromConfig(
    projectConfig({
      grade: 'signed',
      target: 'pi-arm64',
      arch: 'arm64',
      inference: {
        accelerator: 'coral-usb',
        edgetpuRuntime: 'max',
        coralAccess: 'custom-device',
        edgetpuModel: '/work/project/m_edgetpu.tflite',
      },
    }),
  );
  expect(spec).toMatchObject({
    grade: 'stable',
    architectures: ['arm64'],
    coral: { runtime: 'max', access: 'custom-device', customDevice: 'coral-tpu' },
    edgetpuModel: { name: 'm_edgetpu.tflite', source: '/work/project/m_edgetpu.tflite' },
  });
});
