// The block map (.bmap) beside the image, in bmaptool's format 2.0 (bmap-tools BmapCreate.py / BmapCopy.py):
// an XML file listing the mapped block ranges of the raw image, each with the sha256 of its bytes (the last range
// stops at ImageSize), and BmapFileChecksum = sha256 of the whole file with that field's value written as zeros.
// Pure: text in, typed Bmap out (and back).
import { createHash } from 'node:crypto';
import { BuilderError } from '../errors.js';

export const BMAP_VERSION = '2.0';
export const BMAP_BLOCK_SIZE = 4096;
const SHA256_HEX = 64;

/** Inclusive block numbers, as bmaptool writes them (`<Range> 0-3 </Range>`). */
export interface BmapRange {
  readonly first: number;
  readonly last: number;
  readonly sha256: string;
}

export interface Bmap {
  readonly imageSize: number;
  readonly blockSize: number;
  readonly blocksCount: number;
  readonly mappedBlocksCount: number;
  readonly ranges: readonly BmapRange[];
}

/** bmap-tools' human_size(): "1 byte", "12 bytes", "4.0 KiB", "1.5 GiB". */
export function humanSize(size: number): string {
  if (size === 1) return '1 byte';
  if (size < 512) return `${size} bytes`;
  let value = size;
  for (const unit of ['KiB', 'MiB', 'GiB', 'TiB']) {
    value /= 1024;
    if (value < 1024) return `${value.toFixed(1)} ${unit}`;
  }
  return `${value.toFixed(1)} EiB`;
}

/** Byte span [start, end) of a range inside an image of `imageSize` bytes. */
export function rangeBytes(
  bmap: Pick<Bmap, 'blockSize' | 'imageSize'>,
  range: Pick<BmapRange, 'first' | 'last'>,
): { start: number; end: number } {
  return { start: range.first * bmap.blockSize, end: Math.min((range.last + 1) * bmap.blockSize, bmap.imageSize) };
}

export function mappedBytes(bmap: Bmap): number {
  return bmap.ranges.reduce((sum, r) => {
    const { start, end } = rangeBytes(bmap, r);
    return sum + (end - start);
  }, 0);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Renders the .bmap text with its file checksum filled in (bmaptool's layout and comments). */
export function renderBmap(bmap: Bmap): string {
  const percent = bmap.blocksCount === 0 ? 0 : (bmap.mappedBlocksCount * 100) / bmap.blocksCount;
  const ranges = bmap.ranges
    .map(
      (r) => `        <Range chksum="${r.sha256}"> ${r.first === r.last ? r.first : `${r.first}-${r.last}`} </Range>\n`,
    )
    .join('');
  const text = `<?xml version="1.0" ?>
<!-- This file contains the block map for an image file, which is basically
     a list of useful (mapped) block numbers in the image file. In other words,
     it lists only those blocks which contain data (boot sector, partition
     table, file-system metadata, files, directories, extents, etc). These
     blocks have to be copied to the target device. The other blocks do not
     contain any useful data and do not have to be copied to the target
     device.

     The block map an optimization which allows to copy or flash the image to
     the image quicker than copying of flashing the entire image. This is
     because with bmap less data is copied: <MappedBlocksCount> blocks instead
     of <BlocksCount> blocks.

     Besides the machine-readable data, this file contains useful commentaries
     which contain human-readable information like image size, percentage of
     mapped data, etc.

     The 'version' attribute is the block map file format version in the
     'major.minor' format. The version major number is increased whenever an
     incompatible block map format change is made. The minor number changes
     in case of minor backward-compatible changes. -->

<bmap version="${BMAP_VERSION}">
    <!-- Image size in bytes: ${humanSize(bmap.imageSize)} -->
    <ImageSize> ${bmap.imageSize} </ImageSize>

    <!-- Size of a block in bytes -->
    <BlockSize> ${bmap.blockSize} </BlockSize>

    <!-- Count of blocks in the image file -->
    <BlocksCount> ${bmap.blocksCount} </BlocksCount>

    <!-- Count of mapped blocks: ${humanSize(bmap.mappedBlocksCount * bmap.blockSize)} or ${percent.toFixed(1)}% -->
    <MappedBlocksCount> ${bmap.mappedBlocksCount} </MappedBlocksCount>

    <!-- Type of checksum used in this file -->
    <ChecksumType> sha256 </ChecksumType>

    <!-- The checksum of this bmap file. When it is calculated, the value of
         the checksum has be zero (all ASCII "0" symbols).  -->
    <BmapFileChecksum> ${'0'.repeat(SHA256_HEX)} </BmapFileChecksum>

    <!-- The block map which consists of elements which may either be a
         range of blocks or a single block. The 'chksum' attribute
         (if present) is the checksum of this blocks range. -->
    <BlockMap>
${ranges}    </BlockMap>
</bmap>
`;
  return text.replace(`<BmapFileChecksum> ${'0'.repeat(SHA256_HEX)} `, `<BmapFileChecksum> ${sha256(text)} `);
}

function invalid(file: string, what: string): BuilderError {
  return new BuilderError(
    'BMAP_INVALID',
    `cannot use the block map "${file}": ${what}`,
    'rebuild the image (coreforge build), or flash without it: --no-bmap',
  );
}

function tag(text: string, file: string, name: string): string {
  const m = new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(text);
  if (!m) throw invalid(file, `<${name}> is missing`);
  return m[1]!;
}

function count(text: string, file: string, name: string): number {
  const value = tag(text, file, name);
  if (!/^\d+$/.test(value)) throw invalid(file, `<${name}> must be a whole number, not "${value}"`);
  return Number(value);
}

/** Parses a bmap 2.x file (as bmaptool does: version, sizes, counts, the file checksum, every range). */
export function parseBmap(text: string, file: string): Bmap {
  const version = /<bmap\s+version="([^"]+)"/.exec(text)?.[1];
  if (!version) throw invalid(file, 'it is not a bmap file (no <bmap version="...">)');
  if (!/^2\.\d+$/.test(version))
    throw invalid(file, `bmap format version "${version}" is not supported (expected 2.x)`);
  const imageSize = count(text, file, 'ImageSize');
  const blockSize = count(text, file, 'BlockSize');
  const blocksCount = count(text, file, 'BlocksCount');
  const mappedBlocksCount = count(text, file, 'MappedBlocksCount');
  if (blockSize === 0 || blocksCount !== Math.ceil(imageSize / blockSize))
    throw invalid(
      file,
      `image size does not match blocks count (${imageSize} bytes != ${blocksCount} blocks * ${blockSize} bytes)`,
    );
  const checksumType = tag(text, file, 'ChecksumType');
  if (checksumType !== 'sha256')
    throw invalid(file, `checksum type "${checksumType}" is not supported (expected sha256)`);
  const fileChecksum = tag(text, file, 'BmapFileChecksum');
  const zeroed = text.replace(fileChecksum, '0'.repeat(fileChecksum.length));
  if (sha256(zeroed) !== fileChecksum)
    throw invalid(file, `its checksum does not match (calculated ${sha256(zeroed)}, the file says ${fileChecksum})`);
  const ranges: BmapRange[] = [];
  let mapped = 0;
  for (const m of text.matchAll(/<Range(?:\s+chksum="([0-9a-f]+)")?\s*>\s*(\d+)(?:\s*-\s*(\d+))?\s*<\/Range>/g)) {
    const first = Number(m[2]);
    const last = m[3] === undefined ? first : Number(m[3]);
    if (!m[1] || m[1].length !== SHA256_HEX)
      throw invalid(file, `range ${m[2]}${m[3] ? `-${m[3]}` : ''} has no sha256 chksum`);
    const previous = ranges.at(-1);
    if (last < first || last >= blocksCount || (previous && first <= previous.last))
      throw invalid(file, `range ${first}-${last} is out of order or outside the ${blocksCount} blocks`);
    ranges.push({ first, last, sha256: m[1] });
    mapped += last - first + 1;
  }
  if (mapped !== mappedBlocksCount)
    throw invalid(file, `<MappedBlocksCount> says ${mappedBlocksCount} but the ranges hold ${mapped} blocks`);
  return Object.freeze({ imageSize, blockSize, blocksCount, mappedBlocksCount, ranges: Object.freeze(ranges) });
}
