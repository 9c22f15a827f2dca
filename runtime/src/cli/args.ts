// Argument helpers shared by the classify and serve commands.
import { RuntimeError } from '../errors.js';

/** An integer flag in [min, max], or `fallback` when absent; a bad value is ARGUMENT_INVALID. */
export function intFlag(name: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RuntimeError('ARGUMENT_INVALID', `Expected integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`} for --${name} but received "${value}"`);
  return n;
}

/** node:util parseArgs reports usage mistakes as TypeErrors with an ERR_PARSE_ARGS_* code. */
export function isUsageError(error: unknown): error is TypeError {
  return error instanceof TypeError && ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ?? false);
}
