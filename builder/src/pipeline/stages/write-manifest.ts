// write-manifest: sha256 of the published image and a manifest.json describing the build.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../fs/atomic.js';
import { sha256File } from '../fingerprint.js';
import { defineStage } from '../stage.js';

async function describeFile(file: string | undefined) {
  if (!file) return undefined;
  return { file: path.basename(file), bytes: (await stat(file)).size, sha256: await sha256File(file) };
}

export const writeManifestStage = defineStage({
  name: 'write-manifest',
  title: 'Write checksums and the build manifest',
  needs: ['image'],
  // Described when the build made them (no .xz with image.compression none).
  uses: ['imageXz', 'bmap', 'model', 'snap'],
  makes: ['sha256', 'manifest'],
  requiredTools: () => [],
  inputs: ({ config }) => ({
    config: {
      name: config.name,
      target: config.target,
      brand: config.brand,
      model: config.model,
      grade: config.grade,
      base: config.base,
      'inference.model': path.basename(config.inference.model),
      'inference.labels': path.basename(config.inference.labels),
      'inference.accelerator': config.inference.accelerator,
      output: config.output,
    },
  }),
  async run(ctx) {
    const { artifacts, config } = ctx;
    const published = artifacts.imageXz ?? artifacts.image;
    const image = await describeFile(published);
    const sha256 = `${published}.sha256`;
    await writeFileAtomic(sha256, `${image!.sha256}  ${image!.file}\n`);
    const manifest = {
      coreforge: 1,
      project: config.name,
      target: config.target,
      brand: config.brand,
      model: config.model,
      grade: config.grade,
      base: config.base,
      image,
      rawImage: published === artifacts.image ? undefined : await describeFile(artifacts.image),
      bmap: await describeFile(artifacts.bmap),
      modelAssertion: await describeFile(artifacts.model),
      inferenceSnap: await describeFile(artifacts.snap),
      inference: {
        model: path.basename(config.inference.model),
        labels: path.basename(config.inference.labels),
        accelerator: config.inference.accelerator,
      },
    };
    const file = path.join(config.output, 'manifest.json');
    await writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
    return { sha256, manifest: file };
  },
});
