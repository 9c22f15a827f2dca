// pack-snap: the inference snap, offline with Debian's snap pack (default), or with snapcraft (--snapcraft).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { packInferenceSnap } from '../../snap/pack.js';
import { writeSnapcraftProject } from '../../snap/snapcraft-project.js';
import { stripTool } from '../../tools/registry.js';
import { runSnapcraftPack, SNAPCRAFT_REQUIRED_TOOLS } from '../../tools/snapcraft.js';
import type { Stage } from '../stage.js';

export const packSnapStage: Stage = {
  name: 'pack-snap',
  title: 'Pack the inference snap',
  requiredTools: ({ config, options }) =>
    options.snapcraft ? [...SNAPCRAFT_REQUIRED_TOOLS, 'npm', 'git', ...(config.inference.accelerator !== 'none' ? ['gpg'] : [])] : ['snap', 'mksquashfs', 'unsquashfs', 'npm', 'tar', stripTool(config.arch), ...(config.arch === 'arm64' ? ['aarch64-linux-gnu-g++'] : [])],
  async run(ctx) {
    const { config } = ctx;
    if (ctx.options.snapcraft) {
      const projectDir = path.join(ctx.workdir, 'snapcraft');
      const { version } = await writeSnapcraftProject(config, projectDir, { run: ctx.run, signal: ctx.signal, architectures: [config.arch] });
      // Into the output folder under the offline packer's name, so both packers leave the snap in the same place.
      await mkdir(config.output, { recursive: true });
      const outputFile = path.join(config.output, `${config.inference.snapName}_${version}_${config.arch}.snap`);
      const snap = await runSnapcraftPack(ctx.run, { projectDir, mode: 'lxd', buildFor: config.arch, outputFile }, { signal: ctx.signal, onOutput: ctx.log });
      return { snap };
    }
    const result = await packInferenceSnap(config, { arch: config.arch, outDir: config.output, run: ctx.run, signal: ctx.signal, onProgress: ctx.log });
    for (const w of result.warnings) ctx.warn(w);
    return { snap: result.snapFile };
  },
};
