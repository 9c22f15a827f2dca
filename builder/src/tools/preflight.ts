// Checks that every tool the selected stages need is installed, before the first stage runs (STYLE P7).
import { BuilderError } from '../errors.js';
import { installHint } from './install-hints.js';
import type { Run } from './run.js';

/** Probes each tool with `command -v`-like behaviour: run it with --version and see whether it exists. */
export async function checkTools(run: Run, tools: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const tool of tools) {
    try {
      await run(tool, ['--version'], { reject: false, timeout: 10_000 });
    } catch (error) {
      if ((error as { code?: string }).code === 'TOOL_NOT_FOUND') missing.push(tool);
      else throw error;
    }
  }
  if (missing.length === 0) return;
  const hints = missing.map((t) => `${t}: ${installHint(t) ?? 'install it and make sure it is on PATH'}`);
  throw new BuilderError(
    'TOOL_NOT_FOUND',
    `cannot build: missing tool${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')}`,
    `${hints.join('; ')} (run "coreforge doctor" for the full picture)`,
  );
}
