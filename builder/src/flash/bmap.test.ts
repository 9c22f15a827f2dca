// The .bmap codec: bmaptool's 2.0 format (bmap-tools BmapCreate.py), checked here by round trip and a mutation
// table of parse errors; the real bmaptool reads what we write in flash.slow.test.ts.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { humanSize, mappedBytes, parseBmap, rangeBytes, renderBmap, type Bmap } from './bmap.js';

const h = (s: string) => createHash('sha256').update(s).digest('hex');
const golden: Bmap = {
  imageSize: 40960 + 100,
  blockSize: 4096,
  blocksCount: 11,
  mappedBlocksCount: 4,
  ranges: [
    { first: 0, last: 1, sha256: h('a') },
    { first: 5, last: 5, sha256: h('b') },
    { first: 10, last: 10, sha256: h('c') },
  ],
};
const text = renderBmap(golden);

describe('bmap', () => {
  it('renders bmaptool\'s layout: ranges "a-b" or "a", chksum attributes, sha256 file checksum', () => {
    expect(text).toContain('<bmap version="2.0">');
    expect(text).toContain('<ImageSize> 41060 </ImageSize>');
    expect(text).toContain('<BlocksCount> 11 </BlocksCount>');
    expect(text).toContain('<!-- Count of mapped blocks: 16.0 KiB or 36.4% -->');
    expect(text).toContain('<ChecksumType> sha256 </ChecksumType>');
    expect(text).toContain(
      `        <Range chksum="${h('a')}"> 0-1 </Range>\n        <Range chksum="${h('b')}"> 5 </Range>\n`,
    );
    const sum = /<BmapFileChecksum> ([0-9a-f]{64}) </.exec(text)![1]!;
    expect(h(text.replace(sum, '0'.repeat(64)))).toBe(sum);
  });

  it('round-trips', () => {
    expect(parseBmap(text, 'x.bmap')).toEqual(golden);
  });

  it('counts mapped bytes, the last range stopping at the image size', () => {
    expect(rangeBytes(golden, golden.ranges[2]!)).toEqual({ start: 40960, end: 41060 });
    expect(mappedBytes(golden)).toBe(2 * 4096 + 4096 + 100);
  });

  it('formats sizes like bmap-tools human_size()', () => {
    expect([1, 100, 512, 1536, 3 * 1024 ** 3, 2 * 1024 ** 4].map(humanSize)).toEqual([
      '1 byte',
      '100 bytes',
      '0.5 KiB',
      '1.5 KiB',
      '3.0 GiB',
      '2.0 TiB',
    ]);
  });

  // (text to replace, replacement, exact message); the file checksum is recomputed unless the row is about it.
  const rows: [string, string, string, boolean?][] = [
    ['<bmap version="2.0">', '<bmap version="1.3">', 'bmap format version "1.3" is not supported (expected 2.x)'],
    ['<bmap version="2.0">', '<bmap>', 'it is not a bmap file (no <bmap version="...">)'],
    ['<ImageSize> 41060 </ImageSize>', '', '<ImageSize> is missing'],
    ['<BlockSize> 4096 </BlockSize>', '<BlockSize> 4k </BlockSize>', '<BlockSize> must be a whole number, not "4k"'],
    [
      '<BlocksCount> 11 </BlocksCount>',
      '<BlocksCount> 12 </BlocksCount>',
      'image size does not match blocks count (41060 bytes != 12 blocks * 4096 bytes)',
    ],
    [
      '<ChecksumType> sha256 </ChecksumType>',
      '<ChecksumType> md5 </ChecksumType>',
      'checksum type "md5" is not supported (expected sha256)',
    ],
    [
      '<MappedBlocksCount> 4 </MappedBlocksCount>',
      '<MappedBlocksCount> 5 </MappedBlocksCount>',
      '<MappedBlocksCount> says 5 but the ranges hold 4 blocks',
    ],
    ['> 5 </Range>', '> 1 </Range>', 'range 1-1 is out of order or outside the 11 blocks'],
    ['> 10 </Range>', '> 11 </Range>', 'range 11-11 is out of order or outside the 11 blocks'],
    [`<Range chksum="${h('b')}">`, '<Range>', 'range 5 has no sha256 chksum'],
  ];
  it.each(rows)('refuses %j -> %j: %s', (from, to, message) => {
    const mutated = text.replace(from, to);
    const sum = /<BmapFileChecksum> ([0-9a-f]{64}) </.exec(mutated)![1]!;
    const resigned = mutated.replace(sum, h(mutated.replace(sum, '0'.repeat(64))));
    expect(() => parseBmap(resigned, 'out/x.img.bmap')).toThrow(
      `cannot use the block map "out/x.img.bmap": ${message}`,
    );
  });

  it('refuses a file whose checksum does not match (an edited range)', () => {
    const edited = text.replace('> 5 </Range>', '> 6 </Range>');
    try {
      parseBmap(edited, 'x.bmap');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'BMAP_INVALID',
        hint: 'rebuild the image (coreforge build), or flash without it: --no-bmap',
      });
      expect((error as Error).message).toMatch(
        /^cannot use the block map "x\.bmap": its checksum does not match \(calculated [0-9a-f]{64}, the file says [0-9a-f]{64}\)$/,
      );
    }
  });
});
