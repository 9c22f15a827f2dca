import { renderSnapcraftYaml } from '@coreforge/snaps';
import { describe, expect, test } from 'vitest';
import { SNAP_SPEC_CASES } from '../../../test/helpers/snap-specs.js';
import { checkSnapcraftYaml } from './snapcraft-schema.js';

describe('checkSnapcraftYaml', () => {
  test.each(Object.keys(SNAP_SPEC_CASES))('the rendered %s snapcraft.yaml passes the schema', (name) => {
    expect(checkSnapcraftYaml(renderSnapcraftYaml(SNAP_SPEC_CASES[name]!))).toEqual([]);
  });

  const good = renderSnapcraftYaml(SNAP_SPEC_CASES['amd64-coral-usb']!);
  const rows: [string, string, string, string[]][] = [
    ['base', 'base: core24', 'base: core22', ['/base: must be equal to constant']],
    [
      'architectures key',
      'platforms:',
      'architectures: [amd64]\nplatforms:',
      ['/: must NOT have additional properties'],
    ],
    [
      'compression',
      'compression: xz',
      'compression: zstd',
      ['/compression: must be equal to one of the allowed values (xz, lzo)'],
    ],
    [
      'key id',
      'key-id: 35BAA0B33E9EB396F59CA838C0BA5CE6DC6315A3',
      'key-id: 6DC6315A3',
      ['/package-repositories/0/key-id: must match pattern "^[0-9A-F]{40}$"'],
    ],
    [
      'daemon',
      'daemon: simple',
      'daemon: sometimes',
      ['/apps/serve/daemon: must be equal to one of the allowed values (simple, forking, oneshot, notify, dbus)'],
    ],
    [
      'checksum',
      'source-checksum: sha512/',
      'source-checksum: crc/',
      [
        '/parts/tflite/source-checksum: must match pattern "^(md5|sha1|sha224|sha256|sha384|sha512|sha3_256|sha3_384|sha3_512)/[0-9a-f]+$"',
      ],
    ],
  ];
  test.each(rows)('rejects a bad %s', (_name, from, to, problems) => {
    expect(good.includes(from)).toBe(true);
    expect(checkSnapcraftYaml(good.replace(from, to))).toEqual(problems);
  });
});
