// Writes <image>.bmap beside a raw image (atomically), for `coreforge flash` and bmaptool.
import { writeFileAtomic } from '../fs/atomic.js';
import type { Run } from '../tools/run.js';
import { renderBmap } from './bmap.js';
import { scanImage } from './scan-image.js';

/** <model>.img -> <model>.img.bmap; `warning` says when the holes could not be mapped. */
export async function writeBmap(
  image: string,
  run: Run,
  signal?: AbortSignal,
): Promise<{ file: string; warning?: string }> {
  const scan = await scanImage(image, run, signal);
  const file = `${image}.bmap`;
  await writeFileAtomic(file, renderBmap(scan.bmap));
  return {
    file,
    ...(scan.unmappedReason && {
      warning: `the block map of ${image} maps every block, so flashing writes all of it: ${scan.unmappedReason}`,
    }),
  };
}
