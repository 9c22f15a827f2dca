// Argument helpers shared by the classify and serve commands.
import { ENV } from '../env.js';
import { RuntimeError } from '../errors.js';
import type { DelegateChoice } from '../types.js';

/** An integer flag in [min, max], or `fallback` when absent; a bad value is ARGUMENT_INVALID. */
export function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RuntimeError(
      'ARGUMENT_INVALID',
      `Expected integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`} for --${name} but received "${value}"`,
    );
  return n;
}

/** node:util parseArgs reports usage mistakes as TypeErrors with an ERR_PARSE_ARGS_* code. */
export function isUsageError(error: unknown): error is TypeError {
  return error instanceof TypeError && ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ?? false);
}

/** The options classify and serve share: the model, its labels and how to run it. */
export const MODEL_OPTIONS = {
  model: { type: 'string', short: 'm' },
  labels: { type: 'string', short: 'l' },
  'edgetpu-model': { type: 'string' },
  threads: { type: 'string' },
  delegate: { type: 'string' },
  device: { type: 'string' },
  top: { type: 'string', short: 'k' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ModelFlags {
  readonly model: string;
  readonly labels?: string;
  readonly edgetpuModel?: string;
  readonly threads: number;
  readonly delegate: DelegateChoice;
  readonly device?: string;
  readonly topK: number;
}

/** The shared options, with the snap's environment as defaults (ENV.MODEL, ENV.LABELS, ...). */
export function modelFlags(
  values: {
    model?: string;
    labels?: string;
    'edgetpu-model'?: string;
    threads?: string;
    delegate?: string;
    device?: string;
    top?: string;
  },
  env: Readonly<Record<string, string | undefined>>,
  command: string,
  maxThreads = Number.MAX_SAFE_INTEGER,
): ModelFlags {
  const model = values.model ?? env[ENV.MODEL];
  if (!model)
    throw new RuntimeError(
      'ARGUMENT_INVALID',
      'missing -m MODEL (or $COREFORGE_MODEL)',
      `run "coreforge-runtime ${command} --help"`,
    );
  const labels = values.labels ?? env[ENV.LABELS];
  const edgetpuModel = values['edgetpu-model'] ?? env[ENV.EDGETPU_MODEL];
  return {
    model,
    ...(labels && { labels }),
    ...(edgetpuModel && { edgetpuModel }),
    threads: intFlag('threads', values.threads ?? env[ENV.THREADS], 1, 1, maxThreads),
    delegate: (values.delegate ?? env[ENV.DELEGATE] ?? 'cpu') as DelegateChoice,
    ...(values.device !== undefined && { device: values.device }),
    topK: intFlag('top', values.top, 5, 1, 100),
  };
}
