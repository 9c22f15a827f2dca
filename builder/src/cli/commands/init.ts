// coreforge init: the wizard writes coreforge.yaml (flags answer questions; --yes never prompts).
import { input, select } from '@inquirer/prompts';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PROJECT_FILE, formatProblems, validateProjectFile } from '../../config/load.js';
import { renderProjectFile } from '../../config/render.js';
import { SCHEMA_FILE } from '../../config/schema.js';
import { BuilderError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import { askProject, type Prompts, type WizardFlags } from '../wizard/ask.js';
import type { RegisterCommand } from './index.js';

const prompts: Prompts = { input, select: select as Prompts['select'] };

export const registerInit: RegisterCommand = (program, ctx) => {
  program
    .command('init')
    .description('create coreforge.yaml with an interactive wizard (every question has a flag)')
    .option('-o, --output <file>', 'project file to write', DEFAULT_PROJECT_FILE)
    .option('--name <name>', 'project and inference snap name')
    .option('--target <target>', 'pc-amd64 | pi-arm64')
    .option('--brand <account-id>', 'brand account id')
    .option('--model <name>', 'model name')
    .option('--display-name <text>', 'display name')
    .option('--grade <grade>', 'dangerous | signed | secured')
    .option('--model-file <file>', 'TFLite model (.tflite)')
    .option('--labels <file>', 'labels file')
    .option('--accelerator <kind>', 'none | coral-usb | coral-pcie')
    .option('--edgetpu-model-file <file>', 'Edge TPU compiled model')
    .option('--key <name>', 'signing key name')
    .option('-y, --yes', 'do not prompt: take defaults for unanswered questions')
    .option('--force', 'overwrite an existing project file')
    .addHelpText(
      'after',
      '\nExamples:\n  $ coreforge init\n  $ coreforge init --yes --name classifier --brand acme --model-file model.tflite --labels labels.txt',
    )
    .action(async (opts: WizardFlags & { output: string; yes?: boolean; force?: boolean; key?: string }) => {
      const file = path.resolve(ctx.cwd, opts.output);
      if (!opts.force && (await access(file).then(() => true, () => false)))
        throw new BuilderError('INPUT_INVALID', `cannot create "${opts.output}": it already exists`, 'pass --force to overwrite it, or -o OTHER.yaml');
      const answers = await askProject({
        flags: { ...opts, ...(opts.key !== undefined && { signingKey: opts.key }) },
        yes: Boolean(opts.yes) || !ctx.isTTY,
        prompts,
        context: { signal: ctx.signal },
        defaultName: path.basename(ctx.cwd),
      });
      const schemaRef = path.relative(path.dirname(file), SCHEMA_FILE);
      await writeFileAtomic(file, renderProjectFile(answers, schemaRef));
      ctx.out(`wrote ${opts.output}`);
      const report = await validateProjectFile(file, { env: ctx.env });
      const problems = report.ok ? report.warnings : [...report.errors, ...report.warnings];
      if (problems.length > 0) ctx.err(`check before building:\n${formatProblems(opts.output, problems)}`);
    });
};
