// The runtime CLI's error output: expected errors as message + hint, anything else with its stack.
import { RuntimeError } from '../errors.js';
import type { RuntimeIO } from './main.js';

export function reportRuntimeError(io: RuntimeIO, error: unknown): number {
  if (error instanceof RuntimeError) {
    io.err(`error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}`);
    return 1;
  }
  io.err(`internal error: this is a bug in coreforge-runtime\n${error instanceof Error ? error.stack : String(error)}`);
  return 70;
}
