import { describe, expect, it } from 'vitest';
import { snapcraftPackArgs } from './snapcraft.js';

describe('snapcraftPackArgs', () => {
  it('builds the exact argv', () => {
    expect(
      snapcraftPackArgs({ projectDir: '/p', mode: 'destructive', buildFor: 'arm64', outputFile: '/o/x.snap' }),
    ).toEqual(['pack', '--destructive-mode', '--build-for', 'arm64', '--output', '/o/x.snap']);
    expect(snapcraftPackArgs({ projectDir: '/p', mode: 'lxd' })).toEqual(['pack', '--use-lxd']);
  });
});
