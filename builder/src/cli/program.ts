// Builds the commander program from the command registry. No side effects at import.
import { Command } from 'commander';
import { createRequire } from 'node:module';
import type { CliContext } from './context.js';
import { COMMANDS } from './commands/index.js';

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export function createProgram(ctx: CliContext): Command {
  const program = new Command('coreforge')
    .description('Turn a TensorFlow Lite model into a signed, flashable Ubuntu Core image, and prove it boots.')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.out(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.err(s.replace(/\n$/, '')),
    });
  for (const register of COMMANDS) register(program, ctx);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}
