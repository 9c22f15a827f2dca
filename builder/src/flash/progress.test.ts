import { describe, expect, it } from 'vitest';
import { bmaptoolCopyArgs, parseBmaptoolProgress } from '../tools/bmaptool.js';
import { formatDuration, formatProgress, progressFigures } from './progress.js';

const MIB = 1024 * 1024;

describe('flash progress', () => {
  it('shows bytes, percent, speed, time left and bytes written', () => {
    const f = progressFigures({ phase: 'write', done: 400 * MIB, total: 1200 * MIB, bytesWritten: 96 * MIB }, 10);
    expect(f).toMatchObject({ percent: 100 / 3, speed: 40 * MIB, eta: 20 });
    expect(formatProgress(f)).toBe('write 400.0 MiB / 1.2 GiB (33%), 40.0 MiB/s, 0:20 left, 96.0 MiB written');
  });

  it('has no time left before there is a speed, and no "written" while verifying', () => {
    expect(formatProgress(progressFigures({ phase: 'verify', done: 0, total: 8 * MIB, bytesWritten: 0 }, 0))).toBe(
      'verify 0 bytes / 8.0 MiB (0%), 0 bytes/s, time left unknown',
    );
  });

  it('formats durations as m:ss', () => {
    expect([0, 59.4, 61, 3600].map(formatDuration)).toEqual(['0:00', '0:59', '1:01', '60:00']);
  });
});

describe('bmaptool adapter', () => {
  it('copies with the .bmap, logging progress (-d)', () => {
    expect(bmaptoolCopyArgs({ bmap: 'out/x.img.bmap', image: 'out/x.img.xz', target: '/dev/sdb' })).toEqual([
      '-d',
      'copy',
      '--bmap',
      'out/x.img.bmap',
      'out/x.img.xz',
      '/dev/sdb',
    ]);
  });

  it('reads its progress lines (recorded from bmap-tools 3.6)', () => {
    expect(parseBmaptoolProgress('bmaptool: debug: wrote 256 blocks out of 5120 (5%)')).toEqual({
      blocks: 256,
      of: 5120,
    });
    expect(parseBmaptoolProgress('bmaptool: debug: queueing 256 blocks, queue length is 0')).toBeUndefined();
  });
});
