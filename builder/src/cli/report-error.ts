// Turns any thrown value into what the user sees and an exit code (STYLE P4/P14).
import { isExpectedError } from '../errors.js';

export interface ErrorReport {
  readonly text: string;
  readonly exitCode: number;
}

const ISSUES_URL = 'https://github.com/coreforge/coreforge/issues';

export function reportError(error: unknown): ErrorReport {
  if (error instanceof Error && error.name === 'ExitPromptError') return { text: '', exitCode: 130 };
  if (error instanceof Error && error.name === 'CommanderError') {
    const exitCode = (error as Error & { exitCode?: number }).exitCode ?? 1;
    return { text: '', exitCode };
  }
  if (isExpectedError(error)) {
    const lines = [`error: ${error.message}`];
    if (error.hint) lines.push(`hint: ${error.hint}`);
    return { text: lines.join('\n'), exitCode: error.exitCode ?? 1 };
  }
  const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  return {
    text: `internal error: this is a bug in coreforge, please open an issue at ${ISSUES_URL} with this output\n${stack}`,
    exitCode: 70,
  };
}
