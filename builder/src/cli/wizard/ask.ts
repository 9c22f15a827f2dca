// The init wizard: asks only what the flags did not answer, and returns data; it never writes files (STYLE P10).
import type { Context } from '@inquirer/type';
import { BuilderError } from '../../errors.js';
import {
  ACCELERATOR_CHOICES,
  checks,
  GRADE_CHOICES,
  isAccelerator,
  isGrade,
  isTarget,
  TARGET_CHOICES,
  type Check,
  type ProjectAnswers,
} from './questions.js';

/** The three prompt kinds the wizard uses; injected so tests can script answers. */
export interface Prompts {
  input(config: { message: string; default?: string; validate?: (v: string) => boolean | string }, context?: Context): Promise<string>;
  select<T extends string>(config: { message: string; choices: readonly { value: T; name: string; description?: string }[]; default?: T }, context?: Context): Promise<T>;
}

export interface WizardFlags {
  readonly name?: string;
  readonly target?: string;
  readonly brand?: string;
  readonly model?: string;
  readonly displayName?: string;
  readonly grade?: string;
  readonly modelFile?: string;
  readonly labels?: string;
  readonly accelerator?: string;
  readonly edgetpuModelFile?: string;
  readonly signingKey?: string;
}

export interface WizardOptions {
  readonly flags: WizardFlags;
  /** --yes: never prompt; unanswered questions take their defaults; a bad flag is an error. */
  readonly yes: boolean;
  readonly prompts: Prompts;
  readonly context?: Context;
  /** Default project name (the folder name, when it is a valid snap name). */
  readonly defaultName?: string;
}

export async function askProject(options: WizardOptions): Promise<ProjectAnswers> {
  const { flags, yes, prompts, context } = options;

  const text = async (flag: string, value: string | undefined, message: string, check: Check, fallback: string | undefined): Promise<string> => {
    if (value !== undefined) {
      const verdict = check(value);
      if (verdict === true) return value;
      if (yes) throw new BuilderError('INPUT_INVALID', `invalid --${flag} "${value}": ${verdict}`, `run "coreforge init --help" for the accepted values`);
      return prompts.input({ message: `${message} ("${value}" is not valid: ${verdict})`, validate: check, ...(fallback !== undefined && { default: fallback }) }, context);
    }
    if (yes) {
      if (fallback === undefined) throw new BuilderError('INPUT_INVALID', `--${flag} is required with --yes`, `add --${flag} VALUE`);
      return fallback;
    }
    return prompts.input({ message, validate: check, ...(fallback !== undefined && { default: fallback }) }, context);
  };

  const choose = async <T extends string>(
    flag: string,
    value: string | undefined,
    message: string,
    choices: readonly { value: T; name: string; description: string }[],
    is: (v: string) => v is T,
    fallback: T,
  ): Promise<T> => {
    if (value !== undefined && is(value)) return value;
    const allowed = choices.map((c) => c.value).join('|');
    if (value !== undefined && yes) throw new BuilderError('INPUT_INVALID', `invalid --${flag} "${value}": expected one of ${allowed}`, `run "coreforge init --help" for the accepted values`);
    if (yes) return fallback;
    const why = value !== undefined ? ` ("${value}" is not one of ${allowed})` : '';
    return prompts.select<T>({ message: `${message}${why}`, choices, default: fallback }, context);
  };

  const name = await text('name', flags.name, 'Project name (also the inference snap name)', checks.name, options.defaultName && checks.name(options.defaultName) === true ? options.defaultName : undefined);
  const target = await choose('target', flags.target, 'Target device', TARGET_CHOICES, isTarget, 'pc-amd64');
  const brand = await text('brand', flags.brand, 'Brand account id (your Snap Store account)', checks.brand, undefined);
  const model = await text('model', flags.model, 'Model name', checks.model, `${name}-${target === 'pc-amd64' ? 'pc' : 'pi'}`);
  const displayName = await text('display-name', flags.displayName, 'Display name', checks.displayName, model);
  const grade = await choose('grade', flags.grade, 'Model grade', GRADE_CHOICES, isGrade, 'dangerous');
  const modelFile = await text('model-file', flags.modelFile, 'TFLite model file (.tflite)', checks.file, undefined);
  const labels = await text('labels', flags.labels, 'Labels file', checks.file, undefined);
  const accelerator = await choose('accelerator', flags.accelerator, 'Accelerator', ACCELERATOR_CHOICES, isAccelerator, 'none');
  const edgetpuModelFile =
    accelerator === 'none'
      ? undefined
      : await text('edgetpu-model-file', flags.edgetpuModelFile, 'Edge TPU model file (edgetpu_compiler output)', checks.file, undefined);
  const signingKey = await text('key', flags.signingKey, 'Signing key name', checks.signingKey, 'default');
  return { name, target, brand, model, displayName, grade, modelFile, labels, accelerator, ...(edgetpuModelFile && { edgetpuModelFile }), signingKey };
}
