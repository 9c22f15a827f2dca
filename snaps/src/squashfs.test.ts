import { expect, test } from 'vitest';
import { squashfsCompression } from './squashfs.js';

function superblock(magic: number, id: number): Uint8Array {
  const head = new Uint8Array(96);
  const view = new DataView(head.buffer);
  view.setUint32(0, magic, true);
  view.setUint16(20, id, true);
  return head;
}

test("a snap's compression comes from its squashfs superblock", () => {
  expect(squashfsCompression(superblock(0x73717368, 4))).toEqual({ compression: 'xz' });
  expect(squashfsCompression(superblock(0x73717368, 3))).toEqual({ compression: 'lzo' });
  expect(squashfsCompression(superblock(0x73717368, 1))).toEqual({
    reason: 'squashfs compression id 1 is neither xz nor lzo',
  });
  expect(squashfsCompression(superblock(0x504b0304, 4))).toEqual({ reason: 'it is not a squashfs snap' });
  expect(squashfsCompression(new Uint8Array(4))).toEqual({ reason: 'it is not a squashfs snap' });
});
