// coreforge ci init: write the GitHub Actions workflow that builds and boot-tests the image.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderWorkflow } from '../../ci/workflow.js';
import { DEFAULT_PROJECT_FILE, loadProjectConfig } from '../../config/load.js';
import { BuilderError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import type { RegisterCommand } from './index.js';

export const COREFORGE_PACKAGE = '@coreforge/builder';

/** Whether the repository's package.json installs Coreforge (the workflow runs `npm ci`, then the local bin). */
function installsCoreforge(cwd: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    return [pkg.dependencies, pkg.devDependencies].some((d) => d?.[COREFORGE_PACKAGE] !== undefined);
  } catch {
    return false;
  }
}

export const registerCi: RegisterCommand = (program, ctx) => {
  program
    .command('ci')
    .description('continuous integration helpers')
    .command('init')
    .description(
      'write .github/workflows/coreforge.yml: build with ubuntu-image (snapcraft for a Coral), boot-test the snap and the image in QEMU',
    )
    .option('-c, --config <file>', 'project file', DEFAULT_PROJECT_FILE)
    .option('-o, --output <file>', 'workflow file', '.github/workflows/coreforge.yml')
    .option('--photo <file>', 'photo in the repository the boot tests classify (default: grace_hopper.bmp, downloaded)')
    .option('--expect <label>', 'label the photo must get (an index or the label text)', 'military uniform')
    .option('--force', 'overwrite an existing workflow')
    .addHelpText(
      'after',
      '\nRun it at the root of the repository, whose package.json has @coreforge/builder as a devDependency.\n\nExamples:\n  $ coreforge ci init -c coreforge.yaml\n  $ coreforge ci init --photo test/cat.jpg --expect "Egyptian cat"',
    )
    .action(async (opts: { config: string; output: string; force?: boolean; photo?: string; expect: string }) => {
      const config = await loadProjectConfig(path.resolve(ctx.cwd, opts.config), { env: ctx.env });
      const file = path.resolve(ctx.cwd, opts.output);
      if (existsSync(file) && !opts.force)
        throw new BuilderError(
          'INPUT_INVALID',
          `cannot write "${opts.output}": it already exists`,
          'pass --force to overwrite it',
        );
      if (opts.photo && !existsSync(path.resolve(ctx.cwd, opts.photo)))
        throw new BuilderError(
          'FILE_NOT_FOUND',
          `cannot use --photo "${opts.photo}": it does not exist`,
          'give a photo inside the repository',
        );
      const projectFile = path.relative(ctx.cwd, config.file).split(path.sep).join('/');
      if (projectFile.startsWith('..'))
        throw new BuilderError(
          'INPUT_INVALID',
          `cannot write a workflow for "${opts.config}": it is outside this folder`,
          'run coreforge ci init at the root of the repository that holds the project file',
        );
      await writeFileAtomic(
        file,
        renderWorkflow(config, { projectFile, expect: opts.expect, ...(opts.photo && { photo: opts.photo }) }),
      );
      ctx.out(`wrote ${opts.output} (add the repository secret COREFORGE_SIGNING_KEY before the first run)`);
      if (!installsCoreforge(ctx.cwd))
        ctx.err(
          `note: the workflow installs Coreforge with npm ci: add it to this repository with: npm install --save-dev ${COREFORGE_PACKAGE}`,
        );
    });
};
