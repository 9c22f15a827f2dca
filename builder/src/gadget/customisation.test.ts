// When the build derives a brand gadget, and its default name.
import { describe, expect, it } from 'vitest';
import { fixtureProjectConfig } from '../../../test/helpers/project-config.js';
import { defaultGadgetSnapName } from '../config/normalize.js';
import { gadgetChanges } from './customisation.js';

describe('gadgetChanges', () => {
  it('is empty for the example: a dangerous, id-less inference snap and no gadget settings', () => {
    expect(gadgetChanges(fixtureProjectConfig('mobilenet_v2_1.0_224_quant.tflite'))).toEqual([]);
  });
  it('needs no brand gadget for service defaults alone (the snap starts with the same values)', () => {
    expect(
      gadgetChanges(
        fixtureProjectConfig('mobilenet_v2_1.0_224_quant.tflite', { inference: { snapId: 'a'.repeat(32) } }),
      ),
    ).toEqual([]);
  });
  it('names every change that makes the build derive a gadget', () => {
    const c = fixtureProjectConfig('mobilenet_v2_1.0_224_quant.tflite', {
      inference: { snapId: 'a'.repeat(32), accelerator: 'coral-usb', coralAccess: 'custom-device' },
    });
    const all = {
      ...c,
      gadget: {
        ...c.gadget,
        base: { kind: 'file' as const, file: '/pc.snap' },
        kernelCmdline: { append: ['quiet'], allow: [] },
        partitions: [{ name: 'models', size: '1G', filesystem: 'ext4' as const }],
        cloudConf: '/u',
      },
    };
    expect(gadgetChanges(all)).toEqual([
      'gadget.base is set',
      'the Coral connection (custom-device)',
      'the Coral custom-device slot',
      'the kernel command line',
      'extra partitions',
      'cloud.conf',
    ]);
  });
});

describe('defaultGadgetSnapName', () => {
  it('is BRAND-pc / BRAND-pi, or PROJECT-pc for a 32-character brand id', () => {
    expect(defaultGadgetSnapName('acme', 'classifier', 'pc-amd64')).toBe('acme-pc');
    expect(defaultGadgetSnapName('acme', 'classifier', 'pi-arm64')).toBe('acme-pi');
    expect(defaultGadgetSnapName('A'.repeat(32), 'classifier', 'pc-amd64')).toBe('classifier-pc');
  });
});
