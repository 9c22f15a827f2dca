// coreforge ci init: write the GitHub Actions workflow that builds and boot-tests the image.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { renderWorkflow } from '../../ci/workflow.js';
import { DEFAULT_PROJECT_FILE, loadProjectConfig } from '../../config/load.js';
import { BuilderError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import type { RegisterCommand } from './index.js';

export const registerCi: RegisterCommand = (program, ctx) => {
  program
    .command('ci')
    .description('continuous integration helpers')
    .command('init')
    .description('write .github/workflows/coreforge.yml: build with snapcraft and ubuntu-image, boot-test in QEMU with KVM')
    .option('-c, --config <file>', 'project file', DEFAULT_PROJECT_FILE)
    .option('-o, --output <file>', 'workflow file', '.github/workflows/coreforge.yml')
    .option('--force', 'overwrite an existing workflow')
    .addHelpText('after', '\nExample:\n  $ coreforge ci init -c coreforge.yaml')
    .action(async (opts: { config: string; output: string; force?: boolean }) => {
      const config = await loadProjectConfig(path.resolve(ctx.cwd, opts.config), { env: ctx.env });
      const file = path.resolve(ctx.cwd, opts.output);
      if (existsSync(file) && !opts.force) throw new BuilderError('INPUT_INVALID', `cannot write "${opts.output}": it already exists`, 'pass --force to overwrite it');
      await writeFileAtomic(file, renderWorkflow(config, path.relative(ctx.cwd, config.file)));
      ctx.out(`wrote ${opts.output} (add the repository secret COREFORGE_SIGNING_KEY before the first run)`);
    });
};
