import { describe, expect, test } from 'vitest';
import { SNAP_SPEC_CASES, TEST_APT_KEY } from '../../test/helpers/snap-specs.js';
import { SnapSpecError } from './errors.js';
import { validateSnapSpec, type SnapSpec } from './spec.js';

const good = SNAP_SPEC_CASES['amd64-cpu']!;

describe('validateSnapSpec', () => {
  test('accepts every rendering case', () => {
    for (const spec of Object.values(SNAP_SPEC_CASES)) expect(validateSnapSpec(spec)).toBe(spec);
  });

  const rows: [string, Partial<SnapSpec>, string][] = [
    [
      'name',
      { name: 'Classifier' },
      'cannot use snap spec: name must be 2-40 lowercase letters, digits and single dashes, not "Classifier"',
    ],
    [
      'name dashes',
      { name: 'a--b' },
      'cannot use snap spec: name must be 2-40 lowercase letters, digits and single dashes, not "a--b"',
    ],
    [
      'version',
      { version: '1.0 beta' },
      'cannot use snap spec: version must be a snap version (at most 32 characters), not "1.0 beta"',
    ],
    ['summary', { summary: '' }, 'cannot use snap spec: summary must be 1-78 characters'],
    ['no arch', { architectures: [] }, 'cannot use snap spec: architectures must list at least one architecture'],
    [
      'arch',
      { architectures: ['armhf' as 'arm64'] },
      'cannot use snap spec: architectures must be amd64 or arm64, not "armhf"',
    ],
    ['compression', { compression: 'zstd' as 'xz' }, 'cannot use snap spec: compression must be xz or lzo, not "zstd"'],
    [
      'model name',
      { model: { name: '../m.tflite', source: 'm.tflite' } },
      'cannot use snap spec: model.name must be a plain file name, not "../m.tflite"',
    ],
    [
      'labels clash',
      { labels: { name: good.model.name, source: 'x' } },
      'cannot use snap spec: labels.name must differ from the model file name "mobilenet_v2_1.0_224_quant.tflite"',
    ],
    [
      'port',
      { service: { ...good.service, port: 0 } },
      'cannot use snap spec: service.port must be an integer from 1 to 65535, not 0',
    ],
    [
      'threads',
      { service: { ...good.service, threads: 1.5 } },
      'cannot use snap spec: service.threads must be an integer from 1 to 64, not 1.5',
    ],
    [
      'bind',
      { service: { ...good.service, bind: 'localhost' } },
      'cannot use snap spec: service.bind must be an IPv4 or IPv6 address, not "localhost"',
    ],
    [
      'edgetpu model without coral',
      { edgetpuModel: { name: 'm_edgetpu.tflite', source: 'm_edgetpu.tflite' } },
      'cannot use snap spec: edgetpuModel needs a Coral accelerator',
    ],
    [
      'custom device',
      { coral: { runtime: 'std', access: 'custom-device', customDevice: 'Coral', aptKey: TEST_APT_KEY } },
      'cannot use snap spec: coral.customDevice must be lowercase letters, digits and dashes, not "Coral"',
    ],
  ];
  test.each(rows)('rejects %s', (_name, change, message) => {
    let error: unknown;
    try {
      validateSnapSpec({ ...good, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SnapSpecError);
    expect(error).toMatchObject({ code: 'SPEC_INVALID', message, name: 'SnapSpecError' });
  });
});
