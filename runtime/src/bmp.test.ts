import { describe, expect, it } from 'vitest';
import { decodeBmp } from './bmp.js';
import { RuntimeError } from './errors.js';

/** A 2x2 24-bit bottom-up BMP: rows are BGR, padded to 4 bytes. */
function bmp2x2(bpp = 24, compression = 0, height = 2): Buffer {
  const stride = Math.ceil((2 * (bpp / 8)) / 4) * 4;
  const b = Buffer.alloc(54 + stride * 2);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(2, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(bpp, 28);
  b.writeUInt32LE(compression, 30);
  // bottom row: red, green; top row: blue, white
  const px = [
    [0, 0, 255],
    [0, 255, 0],
    [255, 0, 0],
    [255, 255, 255],
  ];
  px.forEach((p, i) => b.set(p, 54 + Math.floor(i / 2) * stride + (i % 2) * (bpp / 8)));
  return b;
}

describe('decodeBmp', () => {
  it('decodes a bottom-up 24-bit BMP to top-first RGB', () => {
    const img = decodeBmp(bmp2x2(), 100);
    expect([img.width, img.height]).toEqual([2, 2]);
    expect([...img.data]).toEqual([0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255, 0]);
  });
  it('decodes top-down rows', () => {
    expect([...decodeBmp(bmp2x2(24, 0, -2), 100).data.subarray(0, 3)]).toEqual([255, 0, 0]);
  });
  it.each([
    [bmp2x2(8), 'IMAGE_UNSUPPORTED', 'cannot decode the BMP image: 8 bits per pixel is not supported (24 or 32)'],
    [bmp2x2(24, 1), 'IMAGE_UNSUPPORTED', 'cannot decode the BMP image: compression 1 is not supported'],
    [
      bmp2x2().subarray(0, 60),
      'IMAGE_INVALID',
      'cannot decode the BMP image: pixel data is truncated (60 bytes, 70 needed)',
    ],
    [bmp2x2().subarray(0, 20), 'IMAGE_INVALID', 'cannot decode the BMP image: 20 bytes is too short for a BMP header'],
  ])('refuses bad input with a clear error (%#)', (data, code, message) => {
    const e = (() => {
      try {
        decodeBmp(data, 100);
      } catch (x) {
        return x as RuntimeError;
      }
    })()!;
    expect([e.code, e.message]).toEqual([code, message]);
  });
  it('refuses more pixels than allowed before reading them', () => {
    const b = bmp2x2();
    b.writeInt32LE(100000, 18);
    b.writeInt32LE(100000, 22);
    expect(() => decodeBmp(b, 1_000_000)).toThrow(
      'cannot decode the image: 100000x100000 pixels is more than the limit of 1000000',
    );
  });
});

describe('decodeBmpResized', () => {
  it('equals a full decode when the size does not change, and averages when it halves', async () => {
    const { decodeBmpResized } = await import('./bmp.js');
    const full = decodeBmp(bmp2x2(), 100);
    expect([...decodeBmpResized(bmp2x2(), 100, 2, 2)]).toEqual([...full.data]);
    // 2x2 -> 1x1 samples the centre: the mean of blue, white, red, green.
    expect([...decodeBmpResized(bmp2x2(), 100, 1, 1)]).toEqual([128, 128, 128]);
  });
});
