// write-manifest: sha256 of the published image and a manifest.json describing the build.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BuilderError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import type { Stage } from '../stage.js';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function describeFile(file: string | undefined) {
  if (!file) return undefined;
  return { file: path.basename(file), bytes: (await stat(file)).size, sha256: await sha256File(file) };
}

export const writeManifestStage: Stage = {
  name: 'write-manifest',
  title: 'Write checksums and the build manifest',
  requiredTools: () => [],
  async run(ctx) {
    const { artifacts, config } = ctx;
    const published = artifacts.imageXz ?? artifacts.image;
    if (!published) throw new BuilderError('STAGE_FAILED', 'cannot write the manifest: no image was built (run the "build-image" stage first)');
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
      inference: { model: path.basename(config.inference.model), labels: path.basename(config.inference.labels), accelerator: config.inference.accelerator },
    };
    const file = path.join(config.output, 'manifest.json');
    await writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
    return { sha256, manifest: file };
  },
};
