// compress-image: <model>.img -> <model>.img.xz (xz, all cores), written in the build's temp folder and moved
// to its final name when complete.
import path from 'node:path';
import { BuilderError } from '../../errors.js';
import { moveFile } from '../../fs/move.js';
import type { Stage } from '../stage.js';

export const compressImageStage: Stage = {
  name: 'compress-image',
  title: 'Compress the image (xz)',
  requiredTools: ({ config }) => (config.image.compression === 'xz' ? ['xz'] : []),
  outputs: ['imageXz'],
  inputs: ({ config }) => ({ artifacts: ['image'], config: { 'image.compression': config.image.compression } }),
  async run(ctx) {
    const { image } = ctx.artifacts;
    if (!image) throw new BuilderError('STAGE_FAILED', 'cannot compress the image: no image was built (run the "build-image" stage first)');
    if (ctx.config.image.compression === 'none') return {};
    const temp = path.join(ctx.tempDir, `${path.basename(image)}.xz`);
    // -c: to the temp file; the raw image stays for `coreforge test --image`.
    await ctx.run('xz', ['-T0', '-6', '-c', image], { signal: ctx.signal, stdoutFile: temp });
    await moveFile(temp, `${image}.xz`);
    return { imageXz: `${image}.xz` };
  },
};
