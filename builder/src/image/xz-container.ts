// The .xz container (The .xz File Format 1.2.0, tukaani.org), for one stream assembled from blocks made apart: blocks
// the xz tool compressed one by one, and blocks that store data as it is (LZMA2 uncompressed chunks) where xz would
// only spend time: an image is mostly squashfs snaps, already xz-compressed, where xz -6 runs at ~2.4 MB/s a core
// and saves nothing. The result is one stream of many blocks with an index, the same shape `xz -T0` writes, so
// every reader of those (xz, liblzma, bmaptool) reads it. The check is CRC32 (zlib's polynomial) in every block.
import { crc32 } from 'node:zlib';

/** Stream flags: no reserved bits, check type CRC32 (0x01). */
const STREAM_FLAGS = Buffer.from([0x00, 0x01]);
const HEADER_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const FOOTER_MAGIC = Buffer.from([0x59, 0x5a]);
export const CHECK_SIZE = 4;
/** The largest LZMA2 uncompressed chunk. */
const LZMA2_CHUNK = 64 * 1024;

/** One block as the stream holds it (header, data, padding, check), and the sizes its index record names. */
export interface XzBlock {
  readonly bytes: Buffer;
  /** Block header + compressed data + check, without the padding. */
  readonly unpaddedSize: number;
  readonly uncompressedSize: number;
}

const le32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const withCrc = (b: Buffer): Buffer => Buffer.concat([b, le32(crc32(b))]);
const pad4 = (n: number): number => (4 - (n % 4)) % 4;

/** xz's multibyte integer: 7 bits a byte, least significant first, the high bit set on all but the last. */
export function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

export function streamHeader(): Buffer {
  return Buffer.concat([HEADER_MAGIC, STREAM_FLAGS, le32(crc32(STREAM_FLAGS))]);
}

/** The index (one record per block) and the stream footer that points back at it. */
export function streamTail(blocks: readonly Omit<XzBlock, 'bytes'>[]): Buffer {
  const fields = Buffer.concat([
    Buffer.from([0x00]),
    varint(blocks.length),
    ...blocks.flatMap((b) => [varint(b.unpaddedSize), varint(b.uncompressedSize)]),
  ]);
  const index = withCrc(Buffer.concat([fields, Buffer.alloc(pad4(fields.length))]));
  const backward = Buffer.concat([le32(index.length / 4 - 1), STREAM_FLAGS]);
  return Buffer.concat([index, le32(crc32(backward)), backward, FOOTER_MAGIC]);
}

/** The block header of a stored block: its size / 4 - 1, block flags 0 (one filter, no sizes), LZMA2 (0x21) with a
 * 1-byte property, the dictionary size (0 = 4 KiB: uncompressed chunks need none, and the decoder then allocates the
 * least); padding, CRC32. */
const STORED_HEADER = withCrc(Buffer.from([0x02, 0x00, 0x21, 0x01, 0x00, 0x00, 0x00, 0x00]));

/** The bytes storedBlock(data) takes in the stream for `size` bytes of data, without making it. */
export function storedBlockSize(size: number): number {
  const unpadded = STORED_HEADER.length + size + 3 * Math.ceil(size / LZMA2_CHUNK) + 1;
  return unpadded + pad4(unpadded) + CHECK_SIZE;
}

/** A block that stores `data` as it is: LZMA2 uncompressed chunks of at most 64 KiB, the first resetting the dictionary. */
export function storedBlock(data: Uint8Array): XzBlock {
  // Header: its size / 4 - 1; block flags 0 (one filter, no sizes); filter LZMA2 (0x21) with a 1-byte property, the
  // dictionary size (0 = 4 KiB: uncompressed chunks need none, and the decoder then allocates the least).
  const fields = Buffer.from([0x00, 0x21, 0x01, 0x00]);
  const unpaddedHeader = 1 + fields.length + CHECK_SIZE;
  const headerSize = unpaddedHeader + pad4(unpaddedHeader);
  const header = withCrc(
    Buffer.concat([Buffer.from([headerSize / 4 - 1]), fields, Buffer.alloc(pad4(unpaddedHeader))]),
  );
  const parts: Buffer[] = [header];
  for (let at = 0; at < data.length; at += LZMA2_CHUNK) {
    const chunk = data.subarray(at, at + LZMA2_CHUNK);
    const control = Buffer.from([at === 0 ? 0x01 : 0x02, (chunk.length - 1) >> 8, (chunk.length - 1) & 0xff]);
    parts.push(control, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  }
  parts.push(Buffer.from([0x00])); // end of LZMA2 data
  const unpadded = parts.reduce((n, p) => n + p.length, 0);
  parts.push(Buffer.alloc(pad4(unpadded)), le32(crc32(data)));
  return { bytes: Buffer.concat(parts), unpaddedSize: unpadded + CHECK_SIZE, uncompressedSize: data.length };
}

/**
 * The one block of a stream the xz tool wrote (`xz --check=crc32` of one input, single-threaded: one block),
 * taken out to go into another stream. Throws if the stream is not that.
 */
export function onlyBlockOf(stream: Uint8Array): XzBlock {
  const s = Buffer.from(stream.buffer, stream.byteOffset, stream.length);
  const fail = (why: string): never => {
    throw new Error(`xz wrote a stream this build cannot take blocks from: ${why}`);
  };
  if (s.length < 32 || !s.subarray(0, 6).equals(HEADER_MAGIC) || !s.subarray(s.length - 2).equals(FOOTER_MAGIC))
    fail('no stream header or footer');
  if (!s.subarray(6, 8).equals(STREAM_FLAGS) || !s.subarray(s.length - 4, s.length - 2).equals(STREAM_FLAGS))
    fail('its check is not CRC32');
  const indexSize = (s.readUInt32LE(s.length - 8) + 1) * 4;
  const indexStart = s.length - 12 - indexSize;
  let at = indexStart + 1;
  const read = (): number => {
    let n = 0;
    for (let shift = 1; ; shift *= 0x80) {
      const byte = s[at++] ?? fail('a truncated index');
      n += (byte & 0x7f) * shift;
      if (byte < 0x80) return n;
    }
  };
  if (indexStart < 12 || s[indexStart] !== 0x00) fail('no index');
  if (read() !== 1) fail('not exactly one block');
  const unpaddedSize = read();
  const uncompressedSize = read();
  const blockEnd = 12 + unpaddedSize + pad4(unpaddedSize);
  if (blockEnd !== indexStart) fail('its block does not end where the index starts');
  return { bytes: Buffer.from(s.subarray(12, blockEnd)), unpaddedSize, uncompressedSize };
}
