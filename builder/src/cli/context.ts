// What every command receives (STYLE P9): injected I/O and process runners, never globals.
import type { Run, Spawn } from '../tools/run.js';

export interface CliContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Normal output (results, tables, JSON). */
  out(text: string): void;
  /** Diagnostics (warnings, progress when not a TTY). */
  err(text: string): void;
  readonly isTTY: boolean;
  readonly run: Run;
  readonly spawn: Spawn;
  readonly signal: AbortSignal;
  /** Sets the process exit code without exiting (a command that "fails" without throwing, such as doctor). */
  setExitCode(code: number): void;
}
