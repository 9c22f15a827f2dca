// The four rendering cases of the inference snap (issue 5): amd64/arm64, with and without a Coral.
import type { SnapSpec } from '@coreforge/snaps';

/** Stands in for Coral's armoured apt key in pure rendering tests (the renderer copies it; it does not read it). */
export const TEST_APT_KEY =
  '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBGCRt7MBCADkYJHHQQoL6tKrW/LbmfR9ljz7ib2aWno4JO3VKQvLwjyUMPpq\n-----END PGP PUBLIC KEY BLOCK-----\n';

const base: SnapSpec = {
  name: 'classifier',
  version: '0.1.0',
  summary: 'TFLite image classification for Acme Classifier',
  description: 'Classifies images with mobilenet_v2_1.0_224_quant.tflite.',
  grade: 'stable',
  compression: 'xz',
  architectures: ['amd64'],
  runtimeTarball: '/tmp/pack/coreforge-runtime-0.1.0.tgz',
  model: { name: 'mobilenet_v2_1.0_224_quant.tflite', source: '/p/models/mobilenet_v2_1.0_224_quant.tflite' },
  labels: { name: 'imagenet_labels.txt', source: '/p/models/imagenet_labels.txt' },
  service: { port: 8080, bind: '0.0.0.0', threads: 4, topK: 5 },
  tflite: { kind: 'litert' },
};

export const SNAP_SPEC_CASES: Readonly<Record<string, SnapSpec>> = {
  'amd64-cpu': base,
  'arm64-cpu': { ...base, architectures: ['arm64'], compression: 'lzo' },
  'amd64-coral-usb': {
    ...base,
    edgetpuModel: {
      name: 'mobilenet_v2_1.0_224_quant_edgetpu.tflite',
      source: '/p/models/mobilenet_v2_1.0_224_quant_edgetpu.tflite',
    },
    coral: { runtime: 'std', access: 'raw-usb', customDevice: 'coral-tpu', aptKey: TEST_APT_KEY },
    tflite: { kind: 'tfjs' },
  },
  'arm64-coral-custom-device': {
    ...base,
    architectures: ['arm64'],
    coral: { runtime: 'max', access: 'custom-device', customDevice: 'coral-tpu', aptKey: TEST_APT_KEY },
    tflite: { kind: 'tfjs' },
  },
};
