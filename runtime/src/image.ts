// Encoded image -> RGB bytes at the model's input size: sharp decodes JPEG, PNG, WebP (and GIF, TIFF);
// bmp.ts decodes BMP. The whole image is resized to the input (no crop), bilinear, like TFLite's label_image.
import type SharpFactory from 'sharp';
import { decodeBmpResized, isBmp } from './bmp.js';
import { RuntimeError } from './errors.js';

export const DEFAULT_MAX_PIXELS = 50_000_000;

/** sharp (libvips) is loaded on the first image that is not a BMP: starting the service does not pay for it. */
let sharpModule: Promise<typeof SharpFactory> | undefined;
function loadSharp(): Promise<typeof SharpFactory> {
  sharpModule ??= import('sharp').then((m) => {
    const sharp = (m as unknown as { default: typeof SharpFactory }).default;
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return sharpModule;
}

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');

/** Width x height a PNG declares in its IHDR, read before any decoding (a truncated bomb has no more than that). */
function declaredPngPixels(image: Uint8Array): number | undefined {
  const b = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  if (b.length < 24 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return b.readUInt32BE(16) * b.readUInt32BE(20);
}

export async function imageToRgb(image: Uint8Array, width: number, height: number, maxPixels = DEFAULT_MAX_PIXELS): Promise<Buffer> {
  if (image.length === 0) throw new RuntimeError('IMAGE_INVALID', 'cannot decode the image: it is empty');
  const declared = declaredPngPixels(image);
  if (declared !== undefined && declared > maxPixels)
    throw new RuntimeError('IMAGE_TOO_LARGE', `cannot decode the image: it declares ${declared} pixels, more than the limit of ${maxPixels}`);
  if (isBmp(image)) return decodeBmpResized(image, maxPixels, width, height);
  const sharp = await loadSharp();
  const pipeline = sharp(image, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true });
  try {
    const { data, info } = await pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .resize(width, height, { fit: 'fill', kernel: 'linear', fastShrinkOnLoad: false })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new RuntimeError('IMAGE_UNSUPPORTED', `cannot decode the image: ${info.channels} channels after conversion, expected 3`);
    return data;
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    const message = (error as Error).message;
    if (/pixel limit|exceeds pixel/i.test(message))
      throw new RuntimeError('IMAGE_TOO_LARGE', `cannot decode the image: it has more than ${maxPixels} pixels`, undefined, { cause: error });
    if (/unsupported image format/i.test(message))
      throw new RuntimeError('IMAGE_UNSUPPORTED', 'cannot decode the image: unsupported format (use JPEG, PNG, WebP or BMP)', undefined, { cause: error });
    throw new RuntimeError('IMAGE_INVALID', `cannot decode the image: ${message.split('\n')[0]}`, undefined, { cause: error });
  }
}
