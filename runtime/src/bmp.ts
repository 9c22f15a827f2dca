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

interface BmpLayout {
  readonly width: number;
  readonly height: number;
  readonly pixelOffset: number;
  readonly stride: number;
  readonly bytesPerPixel: number;
  readonly bottomUp: boolean;
}

function parseBmp(b: Buffer, maxPixels: number): BmpLayout {
  if (b.length < 54) invalid(`${b.length} bytes is too short for a BMP header`);
  const pixelOffset = b.readUInt32LE(10);
  const headerSize = b.readUInt32LE(14);
  if (headerSize < 40) invalid(`header size ${headerSize} (only BITMAPINFOHEADER and later are supported)`);
  const width = b.readInt32LE(18);
  const rawHeight = b.readInt32LE(22);
  const bpp = b.readUInt16LE(28);
  const compression = b.readUInt32LE(30);
  if (width <= 0 || rawHeight === 0 || rawHeight === -2147483648) invalid(`bad dimensions ${width}x${rawHeight}`);
  const height = Math.abs(rawHeight);
  if (width * height > maxPixels)
    throw new RuntimeError(
      'IMAGE_TOO_LARGE',
      `cannot decode the image: ${width}x${height} pixels is more than the limit of ${maxPixels}`,
    );
  if (bpp !== 24 && bpp !== 32)
    throw new RuntimeError(
      'IMAGE_UNSUPPORTED',
      `cannot decode the BMP image: ${bpp} bits per pixel is not supported (24 or 32)`,
    );
  if (compression !== 0 && !(compression === 3 && bpp === 32))
    throw new RuntimeError(
      'IMAGE_UNSUPPORTED',
      `cannot decode the BMP image: compression ${compression} is not supported`,
    );
  const bytesPerPixel = bpp / 8;
  const stride = Math.ceil((width * bytesPerPixel) / 4) * 4;
  if (pixelOffset + stride * height > b.length)
    invalid(`pixel data is truncated (${b.length} bytes, ${pixelOffset + stride * height} needed)`);
  return { width, height, pixelOffset, stride, bytesPerPixel, bottomUp: rawHeight > 0 };
}

const asBuffer = (input: Uint8Array) => Buffer.from(input.buffer, input.byteOffset, input.byteLength);

export function decodeBmp(input: Uint8Array, maxPixels: number): RawImage {
  const b = asBuffer(input);
  const { width, height, pixelOffset, stride, bytesPerPixel, bottomUp } = parseBmp(b, maxPixels);
  const out = Buffer.allocUnsafe(width * height * 3);
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

/**
 * Decodes and resizes in one pass: bilinear sampling (pixel centres aligned, like label_image's whole-image
 * resize) reads only the four source pixels around each output pixel, so a 512x600 photo costs a
 * 224x224 loop, not a full decode.
 */
export function decodeBmpResized(input: Uint8Array, maxPixels: number, width: number, height: number): Buffer {
  const b = asBuffer(input);
  const l = parseBmp(b, maxPixels);
  const out = Buffer.allocUnsafe(width * height * 3);
  const sx = l.width / width;
  const sy = l.height / height;
  const xs0 = new Int32Array(width);
  const xs1 = new Int32Array(width);
  const fx = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const f = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), l.width - 1);
    const x0 = Math.floor(f);
    xs0[x] = l.pixelOffset + x0 * l.bytesPerPixel;
    xs1[x] = l.pixelOffset + Math.min(x0 + 1, l.width - 1) * l.bytesPerPixel;
    fx[x] = f - x0;
  }
  const row = (y: number) => (l.bottomUp ? l.height - 1 - y : y) * l.stride;
  let o = 0;
  for (let y = 0; y < height; y++) {
    const f = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), l.height - 1);
    const y0 = Math.floor(f);
    const wy = f - y0;
    const r0 = row(y0);
    const r1 = row(Math.min(y0 + 1, l.height - 1));
    for (let x = 0; x < width; x++) {
      const wx = fx[x]!;
      const a = r0 + xs0[x]!;
      const c = r0 + xs1[x]!;
      const d = r1 + xs0[x]!;
      const e = r1 + xs1[x]!;
      for (let ch = 2; ch >= 0; ch--) {
        const top = b[a + ch]! + (b[c + ch]! - b[a + ch]!) * wx;
        const bottom = b[d + ch]! + (b[e + ch]! - b[d + ch]!) * wx;
        out[o++] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return out;
}
