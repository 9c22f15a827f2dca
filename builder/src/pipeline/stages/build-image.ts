// build-image: ubuntu-image snap MODEL --snap <inference snap> -> out/<model>.img (gadget, kernel, base from the store)
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { BuilderError } from '../../errors.js';
import { moveFile } from '../../fs/move.js';
import { runUbuntuImage, UBUNTU_IMAGE_REQUIRED_TOOLS } from '../../tools/ubuntu-image.js';
import type { Stage } from '../stage.js';

export const buildImageStage: Stage = {
  name: 'build-image',
  title: 'Build the Ubuntu Core image (ubuntu-image)',
  requiredTools: () => UBUNTU_IMAGE_REQUIRED_TOOLS,
  outputs: ['image'],
  inputs: ({ config }) => ({ artifacts: ['model', 'snap'], config: { 'image.size': config.image.size, output: config.output, model: config.model } }),
  async run(ctx) {
    const { artifacts, config } = ctx;
    if (!artifacts.model) throw new BuilderError('STAGE_FAILED', 'cannot build the image: no signed model assertion (run the "sign-model" stage first)');
    const outputDir = path.join(ctx.tempDir, 'ubuntu-image-out');
    await rm(outputDir, { recursive: true, force: true });
    await mkdir(outputDir, { recursive: true });
    const snaps = artifacts.snap ? [artifacts.snap] : [];
    const images = await runUbuntuImage(
      ctx.run,
      {
        modelAssertion: artifacts.model,
        outputDir,
        snaps,
        ...(config.image.size !== undefined && { imageSize: config.image.size }),
      },
      { signal: ctx.signal, onOutput: ctx.log },
    );
    if (images.length > 1) ctx.warn(`the gadget has ${images.length} volumes; ${path.basename(images[0]!)} is the one published`);
    const image = path.join(config.output, `${config.model}.img`);
    await mkdir(config.output, { recursive: true });
    await moveFile(images[0]!, image);
    await rm(outputDir, { recursive: true, force: true });
    return { image };
  },
};
