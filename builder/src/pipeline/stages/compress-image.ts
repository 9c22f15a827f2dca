// compress-image: <model>.img -> <model>.img.xz (xz, all cores), written under a temp name and renamed,
// and the raw image's block map <model>.img.bmap for `coreforge flash` and bmaptool.
import { rename, rm } from 'node:fs/promises';
import { BuilderError } from '../../errors.js';
import { writeBmap } from '../../flash/write-bmap.js';
import type { Stage } from '../stage.js';

export const compressImageStage: Stage = {
  name: 'compress-image',
  title: 'Compress the image (xz)',
  requiredTools: ({ config }) => (config.image.compression === 'xz' ? ['xz'] : []),
  async run(ctx) {
    const { image } = ctx.artifacts;
    if (!image) throw new BuilderError('STAGE_FAILED', 'cannot compress the image: no image was built (run the "build-image" stage first)');
    const { file: bmap, warning } = await writeBmap(image, ctx.run, ctx.signal);
    if (warning) ctx.warn(warning);
    if (ctx.config.image.compression === 'none') return { bmap };
    const temp = `${image}.xz.partial`;
    await rm(temp, { force: true });
    // --suffix makes xz write IMAGE.xz.partial; -k keeps the raw image for `coreforge test --image`.
    await ctx.run('xz', ['-T0', '-6', '-k', '-f', '--suffix=.xz.partial', image], { signal: ctx.signal });
    await rename(temp, `${image}.xz`);
    return { imageXz: `${image}.xz`, bmap };
  },
};
