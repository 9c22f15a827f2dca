// coreforge init: the wizard writes coreforge.yaml (flags answer questions; --yes never prompts). The file is
// checked before it is written: an answer set that would not validate is never written.
import { input, search, select } from '@inquirer/prompts';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PROJECT_FILE, formatProblems, validateProjectText } from '../../config/load.js';
import { renderProjectFile } from '../../config/render.js';
import { SCHEMA_FILE } from '../../config/schema.js';
import { BuilderError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import { defaultKeysDir, KeyStore } from '../../keys/store.js';
import { askProject, type Prompts, type WizardFlags } from '../wizard/ask.js';
import type { ProjectAnswers } from '../wizard/questions.js';
import { defaultProjectName } from '../wizard/questions.js';
import type { RegisterCommand } from './index.js';

const prompts: Prompts = {
  input,
  select: select as Prompts['select'],
  search: (config, context) => search<string>({ ...config, source: (term) => config.source(term) }, context),
};

type InitOptions = Omit<WizardFlags, 'signingKey'> & {
  output: string;
  yes?: boolean;
  force?: boolean;
  key?: string;
  keysDir?: string;
};

/** File answers are relative to where the user runs init; the project file resolves them against its own folder. */
function relativeToProject(answers: ProjectAnswers, cwd: string, projectDir: string): ProjectAnswers {
  const rel = (f: string) => path.relative(projectDir, path.resolve(cwd, f));
  return {
    ...answers,
    modelFile: rel(answers.modelFile),
    labels: rel(answers.labels),
    ...(answers.edgetpuModelFile && { edgetpuModelFile: rel(answers.edgetpuModelFile) }),
  };
}

export const registerInit: RegisterCommand = (program, ctx) => {
  program
    .command('init')
    .description('create coreforge.yaml with an interactive wizard (every question has a flag)')
    .option('-o, --output <file>', 'project file to write', DEFAULT_PROJECT_FILE)
    .option('--name <name>', 'project and inference snap name (default: the folder name)')
    .option('--target <target>', 'pc-amd64 | pi-arm64')
    .option('--brand <account-id>', 'brand account id')
    .option('--model <name>', 'model name')
    .option('--display-name <text>', 'display name')
    .option('--grade <grade>', 'dangerous | signed | secured')
    .option('--snap-id <id>', "the inference snap's store id (required for signed and secured)")
    .option('--model-file <file>', 'TFLite model (.tflite)')
    .option('--labels <file>', 'labels file, one line per output class')
    .option('--accelerator <kind>', 'none | coral-usb | coral-pcie')
    .option('--edgetpu-model-file <file>', 'Edge TPU compiled model')
    .option('--edgetpu-runtime <build>', 'std | max (libedgetpu1-std or -max)')
    .option('--coral-access <kind>', 'raw-usb | custom-device (Coral USB)')
    .option('--key <name>', 'signing key name (default: the first of coreforge keys list)')
    .option('--keys-dir <dir>', 'key store folder (default: $COREFORGE_KEYS_DIR or ~/.local/share/coreforge/keys)')
    .option('-y, --yes', 'do not prompt: take the defaults the prompts show for unanswered questions')
    .option('--force', 'overwrite an existing project file')
    .addHelpText(
      'after',
      '\nExamples:\n  $ coreforge init\n  $ coreforge init --yes --brand acme --model-file model.tflite --labels labels.txt\n  $ coreforge init --yes --brand acme --grade signed --snap-id 0123456789abcdefABCDEF0123456789 --model-file model.tflite --labels labels.txt',
    )
    .action(async (opts: InitOptions) => {
      const file = path.resolve(ctx.cwd, opts.output);
      if (
        !opts.force &&
        (await access(file).then(
          () => true,
          () => false,
        ))
      )
        throw new BuilderError(
          'INPUT_INVALID',
          `cannot create "${opts.output}": it already exists`,
          'pass --force to overwrite it, or -o OTHER.yaml',
        );
      const store = new KeyStore(opts.keysDir ?? defaultKeysDir(ctx.env));
      const keys = (await store.list().catch(() => [])).map((k) => k.name);
      const { key, output: _o, yes, force: _f, keysDir: _k, ...flags } = opts;
      const defaultName = defaultProjectName(path.basename(path.dirname(file)));
      const answers = relativeToProject(
        await askProject({
          flags: { ...flags, ...(key !== undefined && { signingKey: key }) },
          yes: Boolean(yes) || !ctx.isTTY,
          prompts,
          context: { signal: ctx.signal },
          ...(defaultName && { defaultName }),
          cwd: ctx.cwd,
          keys,
        }),
        ctx.cwd,
        path.dirname(file),
      );
      const text = renderProjectFile(answers, path.relative(path.dirname(file), SCHEMA_FILE));
      const report = validateProjectText(text, file, { env: ctx.env });
      if (!report.ok)
        throw new BuilderError(
          'CONFIG_INVALID',
          `cannot write "${opts.output}": the answers give an invalid project file\n${formatProblems(opts.output, report.errors)}`,
          'answer the questions again, or fix the flags named above',
        );
      if (answers.createKey) {
        const info = await store.create(answers.signingKey);
        ctx.out(`created key "${info.name}" (sign-key-sha3-384: ${info.keyId})`);
      }
      await writeFileAtomic(file, text);
      ctx.out(`wrote ${opts.output}`);
      if (report.warnings.length > 0) ctx.err(`warnings:\n${formatProblems(opts.output, report.warnings)}`);
      if (!answers.createKey && !keys.includes(answers.signingKey))
        ctx.err(
          `note: signing key "${answers.signingKey}" does not exist yet: create it with: coreforge keys create ${answers.signingKey}`,
        );
    });
};
