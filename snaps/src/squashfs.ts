// A snap's compression, from its squashfs superblock (the first 96 bytes): magic "hsqs", compression id at offset 20.
import type { SnapCompression } from './spec.js';

/** The superblock bytes to read (the whole squashfs 4.0 superblock). */
export const SQUASHFS_SUPERBLOCK_BYTES = 96;

/** squashfs compression ids (squashfs_fs.h): 3 LZO, 4 XZ. */
const COMPRESSION_ID: Readonly<Record<number, SnapCompression>> = { 3: 'lzo', 4: 'xz' };

/** The snap's compression, or why the bytes are not a snap we can read (for "cannot read FILE: <reason>"). */
export function squashfsCompression(
  head: Uint8Array,
): { readonly compression: SnapCompression } | { readonly reason: string } {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.byteLength < 22 || view.getUint32(0, true) !== 0x73717368) return { reason: 'it is not a squashfs snap' };
  const id = view.getUint16(20, true);
  const compression = COMPRESSION_ID[id];
  return compression ? { compression } : { reason: `squashfs compression id ${id} is neither xz nor lzo` };
}
