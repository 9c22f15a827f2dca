// pack-snap: the inference snap, offline with Debian's snap pack (default), or with snapcraft (--snapcraft).
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { packInferenceSnap, packInputs } from '../../snap/pack.js';
import { writeSnapcraftProject } from '../../snap/snapcraft-project.js';
import { snapSpecFromConfig } from '../../snap/spec-from-config.js';
import { stripTool } from '../../tools/registry.js';
import { runSnapcraftPack, SNAPCRAFT_REQUIRED_TOOLS } from '../../tools/snapcraft.js';
import { defineStage } from '../stage.js';

export const packSnapStage = defineStage({
  name: 'pack-snap',
  title: 'Pack the inference snap',
  requiredTools: ({ config, options }) =>
    options.snapcraft
      ? [...SNAPCRAFT_REQUIRED_TOOLS, 'npm', 'git', ...(config.inference.accelerator !== 'none' ? ['gpg'] : [])]
      : [
          'snap',
          'mksquashfs',
          'unsquashfs',
          'npm',
          'tar',
          stripTool(config.arch),
          ...(config.arch === 'arm64' ? ['aarch64-linux-gnu-g++'] : []),
        ],
  makes: ['snap'],
  inputs: ({ config, options }) => {
    const packed = packInputs(config, { arch: config.arch });
    return {
      ...packed,
      config: {
        'snap spec': snapSpecFromConfig(config, { architectures: [config.arch] }),
        output: config.output,
        snapcraft: options.snapcraft,
      },
      // snapcraft's version comes from git describe without inference.version: not known before it runs, so such
      // a build always packs again (never a stale version).
      values: {
        ...packed.values,
        ...(options.snapcraft &&
          config.inference.version === undefined && { 'version from git describe': randomUUID() }),
      },
    };
  },
  async run(ctx) {
    const { config } = ctx;
    if (ctx.options.snapcraft) {
      const projectDir = path.join(ctx.workdir, 'snapcraft');
      const { version } = await writeSnapcraftProject(config, projectDir, {
        run: ctx.run,
        signal: ctx.signal,
        architectures: [config.arch],
      });
      // Into the output folder under the offline packer's name, so both packers leave the snap in the same place.
      await mkdir(config.output, { recursive: true });
      const outputFile = path.join(config.output, `${config.inference.snapName}_${version}_${config.arch}.snap`);
      const snap = await runSnapcraftPack(
        ctx.run,
        { projectDir, mode: 'lxd', buildFor: config.arch, outputFile },
        { signal: ctx.signal, onOutput: ctx.log },
      );
      return { snap };
    }
    const result = await packInferenceSnap(config, {
      arch: config.arch,
      outDir: config.output,
      tempDir: ctx.tempDir,
      stageCacheDir: path.join(ctx.workdir, 'snap-stage'),
      run: ctx.run,
      signal: ctx.signal,
      onProgress: ctx.log,
    });
    for (const w of result.warnings) ctx.warn(w);
    return { snap: result.snapFile };
  },
});
