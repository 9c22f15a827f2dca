import { describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { ubuntuImageArgs } from './ubuntu-image.js';

describe('ubuntuImageArgs', () => {
  it('builds the exact argv, model assertion last', () => {
    expect(
      ubuntuImageArgs({
        modelAssertion: '/o/m.model',
        outputDir: '/o/img',
        workdir: '/tmp/w',
        snaps: ['/o/classifier_0.1_amd64.snap', '/o/pc_custom.snap'],
        imageSize: '8G',
        sectorSize: 512,
        validation: 'enforce',
        debug: true,
      }),
    ).toEqual([
      'snap',
      '--output-dir',
      '/o/img',
      '--workdir',
      '/tmp/w',
      '--snap',
      '/o/classifier_0.1_amd64.snap',
      '--snap',
      '/o/pc_custom.snap',
      '--image-size',
      '8G',
      '--sector-size',
      '512',
      '--validation',
      'enforce',
      '--debug',
      '/o/m.model',
    ]);
    expect(ubuntuImageArgs({ modelAssertion: 'm', outputDir: 'o', snaps: [] })).toEqual([
      'snap',
      '--output-dir',
      'o',
      'm',
    ]);
  });

  it('refuses a workdir ubuntu-image would reject', () => {
    const long = `/${'w'.repeat(80)}`;
    const e = (() => {
      try {
        ubuntuImageArgs({ modelAssertion: 'm', outputDir: 'o', snaps: [], workdir: long });
      } catch (x) {
        return x;
      }
    })() as BuilderError;
    expect(e.code).toBe('INPUT_INVALID');
    expect(e.message).toBe(
      `cannot use ubuntu-image workdir "${long}": it must be an absolute path of at most 80 characters`,
    );
  });
});
