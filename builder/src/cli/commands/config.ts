// coreforge config validate [FILE] | config schema
import type { Command } from 'commander';
import { DEFAULT_PROJECT_FILE, formatProblems, validateProjectFile } from '../../config/load.js';
import { PROJECT_SCHEMA } from '../../config/schema.js';
import { BuilderError } from '../../errors.js';
import type { RegisterCommand } from './index.js';

export const registerConfig: RegisterCommand = (program: Command, ctx) => {
  const config = program.command('config').description('check the project file, or print its JSON Schema');

  config
    .command('validate')
    .description('check a project file against the schema and the Ubuntu Core rules')
    .argument('[file]', 'project file', DEFAULT_PROJECT_FILE)
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ coreforge config validate\n  $ coreforge config validate examples/classifier/coreforge.yaml --json',
    )
    .action(async (file: string, opts: { json?: boolean }) => {
      const report = await validateProjectFile(file, { env: ctx.env });
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            report.ok ? { ok: true, file, warnings: report.warnings, config: report.config } : report,
            null,
            2,
          ),
        );
        if (!report.ok) ctx.setExitCode(1);
        return;
      }
      if (report.warnings.length > 0) ctx.err(formatProblems(file, report.warnings).replace(/^/gm, 'warning: '));
      if (!report.ok) {
        const n = report.errors.length;
        throw new BuilderError(
          'CONFIG_INVALID',
          `${file} has ${n} problem${n === 1 ? '' : 's'}:\n${formatProblems(file, report.errors)}`,
          'see "coreforge config schema" for every field, or the README section "The project file"',
        );
      }
      const c = report.config;
      ctx.out(
        `${file}: ok (${c.target}, grade ${c.grade}, model "${c.model}", inference snap "${c.inference.snapName}")`,
      );
    });

  config
    .command('schema')
    .description('print the JSON Schema of coreforge.yaml (for editors: # yaml-language-server: $schema=...)')
    .addHelpText('after', '\nExample:\n  $ coreforge config schema > coreforge.schema.json')
    .action(() => {
      ctx.out(JSON.stringify(PROJECT_SCHEMA, null, 2));
    });
};
