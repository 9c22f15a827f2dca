// A cap on the memory that image decodes in flight may take together (serve shares one among its workers).
// Each decode reserves an estimate of its decoded pixels before it starts and releases it when done; a decode that
// would go over the cap is refused with IMAGE_BUSY (serve answers 503 + Retry-After) instead of growing the
// process. One decode is always let through when nothing else is reserved, so any image under the pixel limit can
// still be classified, one at a time.
import { RuntimeError } from './errors.js';

/** 192 MiB: a 7000x7000 PNG decoded whole is 147 MB; shrink-on-load JPEG/WebP decodes take a few MB each. */
export const DEFAULT_DECODE_BUDGET_BYTES = 192 * 1024 * 1024;

export class DecodeBudget {
  private reserved = 0;
  private active = 0;

  constructor(readonly maxBytes: number = DEFAULT_DECODE_BUDGET_BYTES) {}

  /** Bytes reserved by decodes in flight. */
  get inUse(): number {
    return this.reserved;
  }

  /** Runs `decode` under a reservation of `bytes`; throws IMAGE_BUSY when the cap would be exceeded. */
  async run<T>(bytes: number, decode: () => Promise<T>): Promise<T> {
    if (this.active > 0 && this.reserved + bytes > this.maxBytes)
      throw new RuntimeError(
        'IMAGE_BUSY',
        `cannot decode the image now: it needs about ${Math.ceil(bytes / 2 ** 20)} MiB and ${Math.ceil(this.reserved / 2 ** 20)} of the ${Math.floor(this.maxBytes / 2 ** 20)} MiB decode budget are in use`,
        'retry shortly, or send a smaller image',
      );
    this.reserved += bytes;
    this.active++;
    try {
      return await decode();
    } finally {
      this.reserved -= bytes;
      this.active--;
    }
  }
}
