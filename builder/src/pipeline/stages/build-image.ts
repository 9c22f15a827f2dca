// build-image: ubuntu-image snap MODEL --snap ... -> out/<model>.img. Which snaps are local and which come from
// the store is decided first, by grade (image/snap-sources.ts), so that what snapd's seed writer would refuse is
// refused here, before ubuntu-image runs, with snapd's reason and what to do instead.
import { decodeModel } from '@coreforge/model-assertions';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { moveFile } from '../../fs/move.js';
import { assertFileOf, inspectLocalSnap } from '../../image/local-snaps.js';
import { planSnapSources } from '../../image/snap-sources.js';
import { runUbuntuImage, UBUNTU_IMAGE_REQUIRED_TOOLS } from '../../tools/ubuntu-image.js';
import { defineStage } from '../stage.js';

export const buildImageStage = defineStage({
  name: 'build-image',
  title: 'Build the Ubuntu Core image (ubuntu-image)',
  needs: ['model'],
  uses: ['snap', 'gadget'],
  makes: ['image'],
  requiredTools: () => [...UBUNTU_IMAGE_REQUIRED_TOOLS, 'unsquashfs'],
  inputs: ({ config, options, artifacts }) => {
    // The .assert beside the built snap and gadget (snap download's, or the store's for a released snap), and
    // every --snap file with the .assert beside it, by content: an assertion added or changed changes the seed.
    const files: Record<string, string | undefined> = {
      'snap assertion': artifacts.snap && assertFileOf(artifacts.snap),
      'gadget assertion': artifacts.gadget && assertFileOf(artifacts.gadget),
    };
    (options.snaps ?? []).forEach((file, i) => {
      files[`--snap ${i + 1} (${path.basename(file)})`] = file;
      files[`--snap ${i + 1} assertion`] = assertFileOf(file);
    });
    return {
      files,
      config: { 'image.size': config.image.size, output: config.output, model: config.model },
      values: { '--channel': options.channel, '--from-store': [...(options.fromStore ?? [])].sort() },
    };
  },
  async run(ctx) {
    const { artifacts, config, options } = ctx;
    const model = decodeModel(await readFile(artifacts.model, 'utf8'));
    const fromStore = new Set(options.fromStore ?? []);
    const files = [artifacts.gadget, artifacts.snap, ...(options.snaps ?? [])].filter(
      (f): f is string => f !== undefined,
    );
    const local = [];
    for (const file of files) {
      const info = await inspectLocalSnap(ctx.run, file, model.base, ctx.signal);
      if (!fromStore.has(info.name)) local.push(info);
    }
    const plan = planSnapSources({
      grade: model.grade,
      modelSnaps: model.snaps,
      local,
      ...(options.channel !== undefined && { channel: options.channel }),
    });
    for (const w of plan.warnings) ctx.warn(w);
    for (const s of plan.sources)
      ctx.log(`${s.name}: ${s.origin === 'store' ? `store, ${s.channel}` : `${s.origin} ${path.basename(s.file!)}`}`);
    const outputDir = path.join(ctx.tempDir, 'ubuntu-image-out');
    // ubuntu-image's own scratch folder inside the build's temp folder, so that a killed build leaves none in /tmp
    // (the next build sweeps it); ubuntu-image takes at most 80 characters, else it makes its own.
    const scratch = path.join(ctx.tempDir, 'ubuntu-image');
    const workdir = scratch.length <= 80 ? scratch : undefined;
    await rm(outputDir, { recursive: true, force: true });
    await mkdir(outputDir, { recursive: true });
    const images = await runUbuntuImage(
      ctx.run,
      {
        modelAssertion: artifacts.model,
        outputDir,
        ...(workdir !== undefined && { workdir }),
        snaps: plan.snapArgs,
        ...(plan.channel !== undefined && { channel: plan.channel }),
        ...(config.image.size !== undefined && { imageSize: config.image.size }),
      },
      { signal: ctx.signal, onOutput: ctx.log },
    );
    if (images.length > 1)
      ctx.warn(`the gadget has ${images.length} volumes; ${path.basename(images[0]!)} is the one published`);
    const image = path.join(config.output, `${config.model}.img`);
    await mkdir(config.output, { recursive: true });
    await moveFile(images[0]!, image);
    await rm(outputDir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
    return { image };
  },
});
