import { describe, expect, it } from 'vitest';
import { filefragArgs, parseFilefrag } from './filefrag.js';

// Recorded from `filefrag -s -e` (e2fsprogs 1.47.0) on a 64 MiB GPT disk image on ext4.
const recorded = `Filesystem type is: ef53
File size of out/acme-pc.img is 67108864 (16384 blocks of 4096 bytes)
 ext:     logical_offset:        physical_offset: length:   expected: flags:
   0:        0..       4:    9818112..   9818116:      5:            
   1:      256..     323:    9818368..   9818435:     68:            
   2:      324..     627:    9820000..   9820303:    304:    9818436: unwritten
   3:    16379..   16390:    9831535..   9831546:     12:    9834491: last,eof
out/acme-pc.img: 4 extents found
`;

describe('filefrag', () => {
  it('syncs first and prints extents', () => {
    expect(filefragArgs('out/x.img')).toEqual(['-s', '-e', 'out/x.img']);
  });

  it('parses extents, merges adjacent ones and clamps to the file size (as bmaptool create maps them)', () => {
    expect(parseFilefrag(recorded)).toEqual({
      blockSize: 4096,
      size: 67108864,
      ranges: [
        { first: 0, last: 4 },
        { first: 256, last: 627 },
        { first: 16379, last: 16383 },
      ],
    });
  });

  it('gives undefined for output without the size header, and no ranges for a file that is all hole', () => {
    expect(parseFilefrag('filefrag: Operation not supported\n')).toBeUndefined();
    expect(parseFilefrag('File size of x is 8192 (2 blocks of 4096 bytes)\nx: 0 extents found\n')).toEqual({
      blockSize: 4096,
      size: 8192,
      ranges: [],
    });
  });
});
