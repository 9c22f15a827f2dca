import { expect, test } from 'vitest';
import { SNAP_SPEC_CASES } from '../../test/helpers/snap-specs.js';
import { renderSnapYaml } from './render-snap-yaml.js';

test('meta/snap.yaml declares both apps, the daemon and the architecture', () => {
  expect(renderSnapYaml(SNAP_SPEC_CASES['amd64-cpu']!, 'arm64')).toBe(`name: classifier
version: 0.1.0
summary: TFLite image classification for Acme Classifier
description: Classifies images with mobilenet_v2_1.0_224_quant.tflite.
base: core24
architectures:
  - arm64
confinement: strict
grade: stable
apps:
  classify:
    command: bin/classify
    plugs:
      - home
  serve:
    command: bin/serve
    daemon: simple
    install-mode: enable
    restart-condition: always
    plugs:
      - network-bind
`);
});

test('a custom-device Coral declares the plug with the gadget slot value', () => {
  expect(renderSnapYaml(SNAP_SPEC_CASES['arm64-coral-custom-device']!, 'arm64')).toContain(
    'plugs:\n  coral-tpu:\n    interface: custom-device\n    custom-device: coral-tpu\n',
  );
});
