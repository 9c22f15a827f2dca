// Encoded image -> RGB bytes at the model's input size: sharp decodes JPEG, PNG, WebP (and GIF, TIFF);
// bmp.ts decodes BMP. The whole image is resized to the input (no crop), bilinear, like TFLite's label_image.
// Photos are taken as phones send them: the EXIF orientation is applied before resizing, and JPEG/WebP are
// shrunk on load towards the input size (a 7000x7000 WebP is never decoded at full size).
import type SharpFactory from 'sharp';
import { decodeBmpResized, isBmp } from './bmp.js';
import type { DecodeBudget } from './decode-budget.js';
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
  if (b.length < 24 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.toString('latin1', 12, 16) !== 'IHDR')
    return undefined;
  return b.readUInt32BE(16) * b.readUInt32BE(20);
}

/**
 * Bytes a decode of a `w`x`h` image of `format` holds at once, as libvips runs it for a `tw`x`th` output: JPEG
 * decodes at 1/2, 1/4 or 1/8 scale (shrink-on-load), WebP at any scale, the others at full size (PNG streams
 * rows under sequential access, so this over-counts it; the estimate errs on the safe side).
 */
export function decodeBytes(format: string | undefined, w: number, h: number, tw: number, th: number): number {
  const factor = Math.max(1, Math.min(w / tw, h / th));
  const shrink =
    format === 'jpeg' ? 2 ** Math.min(3, Math.floor(Math.log2(factor))) : format === 'webp' ? Math.floor(factor) : 1;
  return Math.ceil(w / shrink) * Math.ceil(h / shrink) * 4;
}

function decodeError(error: unknown, maxPixels: number): RuntimeError {
  if (error instanceof RuntimeError) return error;
  const message = (error as Error).message;
  if (/pixel limit|exceeds pixel/i.test(message))
    return new RuntimeError(
      'IMAGE_TOO_LARGE',
      `cannot decode the image: it has more than ${maxPixels} pixels`,
      undefined,
      { cause: error },
    );
  if (/unsupported image format/i.test(message))
    return new RuntimeError(
      'IMAGE_UNSUPPORTED',
      'cannot decode the image: unsupported format (use JPEG, PNG, WebP or BMP)',
      undefined,
      { cause: error },
    );
  return new RuntimeError('IMAGE_INVALID', `cannot decode the image: ${message.split('\n')[0]}`, undefined, {
    cause: error,
  });
}

export async function imageToRgb(
  image: Uint8Array,
  width: number,
  height: number,
  maxPixels = DEFAULT_MAX_PIXELS,
  budget?: DecodeBudget,
): Promise<Buffer> {
  if (image.length === 0) throw new RuntimeError('IMAGE_INVALID', 'cannot decode the image: it is empty');
  const declared = declaredPngPixels(image);
  if (declared !== undefined && declared > maxPixels)
    throw new RuntimeError(
      'IMAGE_TOO_LARGE',
      `cannot decode the image: it declares ${declared} pixels, more than the limit of ${maxPixels}`,
    );
  // BMP has no EXIF; it is resized straight from the file's bytes (no decoded copy).
  if (isBmp(image)) return decodeBmpResized(image, maxPixels, width, height);
  const sharp = await loadSharp();
  const input = () => sharp(image, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true });
  try {
    // The header only: format, size and orientation, to reserve the decode's memory before it starts.
    const meta = await input().metadata();
    const rotated = (meta.orientation ?? 1) >= 5;
    const bytes = decodeBytes(
      meta.format,
      meta.width ?? 0,
      meta.height ?? 0,
      rotated ? height : width,
      rotated ? width : height,
    );
    const decode = async () => {
      const { data, info } = await input()
        .autoOrient()
        .removeAlpha()
        .toColourspace('srgb')
        .resize(width, height, { fit: 'fill', kernel: 'linear', fastShrinkOnLoad: true })
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3)
        throw new RuntimeError(
          'IMAGE_UNSUPPORTED',
          `cannot decode the image: ${info.channels} channels after conversion, expected 3`,
        );
      return data;
    };
    return await (budget ? budget.run(bytes, decode) : decode());
  } catch (error) {
    throw decodeError(error, maxPixels);
  }
}
