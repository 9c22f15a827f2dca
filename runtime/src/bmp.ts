// A strict decoder for uncompressed 24- and 32-bit BMP files (libvips, and so sharp, cannot read BMP).
// Returns tightly packed RGB rows, top row first.
import { RuntimeError } from './errors.js';

export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
}

export function isBmp(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x42 && data[1] === 0x4d;
}

function invalid(why: string): never {
  throw new RuntimeError('IMAGE_INVALID', `cannot decode the BMP image: ${why}`);
}

export function decodeBmp(input: Uint8Array, maxPixels: number): RawImage {
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (b.length < 54) invalid(`${b.length} bytes is too short for a BMP header`);
  const pixelOffset = b.readUInt32LE(10);
  const headerSize = b.readUInt32LE(14);
  if (headerSize < 40) invalid(`header size ${headerSize} (only BITMAPINFOHEADER and later are supported)`);
  const width = b.readInt32LE(18);
  const rawHeight = b.readInt32LE(22);
  const bpp = b.readUInt16LE(28);
  const compression = b.readUInt32LE(30);
  if (width <= 0 || rawHeight === 0) invalid(`bad dimensions ${width}x${rawHeight}`);
  const height = Math.abs(rawHeight);
  if (width * height > maxPixels)
    throw new RuntimeError('IMAGE_TOO_LARGE', `cannot decode the image: ${width}x${height} pixels is more than the limit of ${maxPixels}`);
  if (bpp !== 24 && bpp !== 32) throw new RuntimeError('IMAGE_UNSUPPORTED', `cannot decode the BMP image: ${bpp} bits per pixel is not supported (24 or 32)`);
  if (compression !== 0 && !(compression === 3 && bpp === 32)) throw new RuntimeError('IMAGE_UNSUPPORTED', `cannot decode the BMP image: compression ${compression} is not supported`);
  const bytesPerPixel = bpp / 8;
  const stride = Math.ceil((width * bytesPerPixel) / 4) * 4;
  if (pixelOffset + stride * height > b.length) invalid(`pixel data is truncated (${b.length} bytes, ${pixelOffset + stride * height} needed)`);
  const out = Buffer.allocUnsafe(width * height * 3);
  const bottomUp = rawHeight > 0;
  for (let y = 0; y < height; y++) {
    const src = pixelOffset + (bottomUp ? height - 1 - y : y) * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++) {
      const p = src + x * bytesPerPixel;
      out[o++] = b[p + 2]!;
      out[o++] = b[p + 1]!;
      out[o++] = b[p]!;
    }
  }
  return { width, height, data: out };
}
