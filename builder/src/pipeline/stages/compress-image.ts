// compress-image: <model>.img -> <model>.img.xz (xz blocks on all cores; already-compressed snaps stored as they
// are, see image/compress-xz.ts), written in the build's temp folder and moved to its final name when complete, and
// the raw image's block map <model>.img.bmap for `coreforge flash` and bmaptool.
import path from 'node:path';
import { formatBytes } from '@coreforge/snaps';
import { writeBmap } from '../../flash/write-bmap.js';
import { moveFile } from '../../fs/move.js';
import { compressImageXz } from '../../image/compress-xz.js';
import { defineStage } from '../stage.js';

export const compressImageStage = defineStage({
  name: 'compress-image',
  title: 'Compress the image (xz)',
  needs: ['image'],
  makes: ['bmap'],
  // No .xz when image.compression is none.
  mayMake: ['imageXz'],
  requiredTools: ({ config }) => (config.image.compression === 'xz' ? ['xz'] : []),
  inputs: ({ config }) => ({ config: { 'image.compression': config.image.compression } }),
  async run(ctx) {
    const { image } = ctx.artifacts;
    const { file: bmap, warning } = await writeBmap(image, ctx.run, ctx.signal);
    if (warning) ctx.warn(warning);
    if (ctx.config.image.compression === 'none') return { bmap };
    const temp = path.join(ctx.tempDir, `${path.basename(image)}.xz`);
    // To the temp file; the raw image stays for `coreforge test --image`.
    const r = await compressImageXz(ctx.run, image, temp, { signal: ctx.signal });
    const b = formatBytes;
    ctx.log(
      `${b(r.imageBytes)} -> ${b(r.xzBytes)}: ${b(r.compressedBytes)} compressed, ${b(r.zeroBytes)} zeros, ${b(r.storedBytes)} stored (already compressed)`,
    );
    await moveFile(temp, `${image}.xz`);
    return { imageXz: `${image}.xz`, bmap };
  },
});
