// The init wizard: asks only what the flags did not answer, and returns data; it never writes files (STYLE P10).
// Every answer is checked where it is given (at the prompt, or as a flag), so the file the command writes validates.
import type { Context } from '@inquirer/type';
import { BuilderError } from '../../errors.js';
import { checkLabelsFile, findCandidates, inspectModelFile, type FileKind } from './files.js';
import {
  ACCELERATOR_CHOICES,
  checks,
  CORAL_ACCESS_CHOICES,
  EDGETPU_RUNTIME_CHOICES,
  GRADE_CHOICES,
  isAccelerator,
  isCoralAccess,
  isEdgetpuRuntime,
  isGrade,
  isTarget,
  TARGET_CHOICES,
  type Check,
  type ProjectAnswers,
} from './questions.js';

export interface Choice<T extends string> {
  readonly value: T;
  readonly name: string;
  readonly description?: string;
  readonly disabled?: boolean | string;
}

/** The prompt kinds the wizard uses; injected so tests can script answers. */
export interface Prompts {
  input(
    config: { message: string; default?: string; validate?: (v: string) => boolean | string },
    context?: Context,
  ): Promise<string>;
  select<T extends string>(
    config: { message: string; choices: readonly Choice<T>[]; default?: T },
    context?: Context,
  ): Promise<T>;
  /** A file question: choices from `source(term)` (matching files and the typed path), `validate` at the prompt. */
  search(
    config: {
      message: string;
      source: (term: string | undefined) => readonly Choice<string>[];
      validate?: (v: string) => boolean | string;
      default?: string;
    },
    context?: Context,
  ): Promise<string>;
}

export interface WizardFlags {
  readonly name?: string;
  readonly target?: string;
  readonly brand?: string;
  readonly model?: string;
  readonly displayName?: string;
  readonly grade?: string;
  readonly snapId?: string;
  readonly modelFile?: string;
  readonly labels?: string;
  readonly accelerator?: string;
  readonly edgetpuModelFile?: string;
  readonly edgetpuRuntime?: string;
  readonly coralAccess?: string;
  readonly signingKey?: string;
}

export interface WizardOptions {
  readonly flags: WizardFlags;
  /** --yes: never prompt; unanswered questions take the defaults the prompts show; a bad flag is an error. */
  readonly yes: boolean;
  readonly prompts: Prompts;
  readonly context?: Context;
  /** Default project name (the folder name made a snap name). */
  readonly defaultName?: string;
  /** Folder that relative file answers resolve against and where matching files are offered (default: process.cwd()). */
  readonly cwd?: string;
  /** Names of the keys in the key store (`coreforge keys list`), offered for the signing key. */
  readonly keys?: readonly string[];
}

/** The choice value of "create one now" in the signing-key question. */
export const CREATE_KEY = '\0create';
const DEFAULT_KEY = 'default';

export async function askProject(options: WizardOptions): Promise<ProjectAnswers> {
  const { flags, yes, prompts, context } = options;
  const cwd = options.cwd ?? process.cwd();

  const text = async (
    flag: string,
    value: string | undefined,
    message: string,
    check: Check,
    fallback: string | undefined,
    why = '',
  ): Promise<string> => {
    if (value !== undefined) {
      const verdict = check(value);
      if (verdict === true) return value;
      if (yes)
        throw new BuilderError(
          'INPUT_INVALID',
          `invalid --${flag} "${value}": ${verdict}`,
          `run "coreforge init --help" for the accepted values`,
        );
      return prompts.input(
        {
          message: `${message} ("${value}" is not valid: ${verdict})`,
          validate: check,
          ...(fallback !== undefined && { default: fallback }),
        },
        context,
      );
    }
    if (yes) {
      if (fallback === undefined)
        throw new BuilderError('INPUT_INVALID', `--${flag} is required with --yes${why}`, `add --${flag} VALUE`);
      return fallback;
    }
    return prompts.input({ message, validate: check, ...(fallback !== undefined && { default: fallback }) }, context);
  };

  const choose = async <T extends string>(
    flag: string,
    value: string | undefined,
    message: string,
    choices: readonly Choice<T>[],
    is: (v: string) => v is T,
    fallback: T,
  ): Promise<T> => {
    if (value !== undefined && is(value)) return value;
    const allowed = choices.map((c) => c.value).join('|');
    if (value !== undefined && yes)
      throw new BuilderError(
        'INPUT_INVALID',
        `invalid --${flag} "${value}": expected one of ${allowed}`,
        `run "coreforge init --help" for the accepted values`,
      );
    if (yes) return fallback;
    const why = value !== undefined ? ` ("${value}" is not one of ${allowed})` : '';
    return prompts.select<T>({ message: `${message}${why}`, choices, default: fallback }, context);
  };

  /** A file question: the matching files in the folder are offered (those that fail the check shown disabled with why). */
  const file = async (
    flag: string,
    value: string | undefined,
    message: string,
    kind: FileKind,
    check: Check,
  ): Promise<string> => {
    const candidates = findCandidates(cwd, kind).map((f) => ({ f, verdict: check(f) }));
    const fallback = candidates.find((c) => c.verdict === true)?.f;
    const source = (term: string | undefined): Choice<string>[] => {
      const typed = term?.trim() ?? '';
      const matching = candidates.filter((c) => typed === '' || c.f.includes(typed));
      const offered = matching.map((c): Choice<string> => ({
        value: c.f,
        name: c.f,
        ...(c.verdict !== true && { disabled: c.verdict }),
      }));
      if (typed !== '' && !candidates.some((c) => c.f === typed))
        offered.push({ value: typed, name: typed, description: 'the path you typed' });
      return offered;
    };
    let problem: string | undefined;
    if (value !== undefined) {
      const verdict = check(value);
      if (verdict === true) return value;
      if (yes)
        throw new BuilderError(
          'INPUT_INVALID',
          `invalid --${flag} "${value}": ${verdict}`,
          `pass the path of the right file with --${flag}`,
        );
      problem = verdict;
    } else if (yes) {
      if (fallback === undefined)
        throw new BuilderError(
          'INPUT_INVALID',
          `--${flag} is required with --yes: no fitting ${kind} file in "${cwd}"`,
          `add --${flag} FILE`,
        );
      return fallback;
    }
    // The prompt validates; the loop re-asks if an answer still fails (the check is the contract, not the prompt).
    for (;;) {
      const answer = (
        await prompts.search(
          {
            message: problem ? `${message} (${problem})` : message,
            source,
            validate: check,
            ...(fallback !== undefined && { default: fallback }),
          },
          context,
        )
      ).trim();
      const verdict = check(answer);
      if (verdict === true) return answer;
      problem = verdict;
    }
  };

  const name = await text(
    'name',
    flags.name,
    'Project name (also the inference snap name)',
    checks.name,
    options.defaultName && checks.name(options.defaultName) === true ? options.defaultName : undefined,
  );
  const target = await choose('target', flags.target, 'Target device', TARGET_CHOICES, isTarget, 'pc-amd64');
  const brand = await text('brand', flags.brand, 'Brand account id (your Snap Store account)', checks.brand, undefined);
  const model = await text(
    'model',
    flags.model,
    'Model name',
    checks.model,
    `${name}-${target === 'pc-amd64' ? 'pc' : 'pi'}`,
  );
  const displayName = await text('display-name', flags.displayName, 'Display name', checks.displayName, model);
  const grade = await choose('grade', flags.grade, 'Model grade', GRADE_CHOICES, isGrade, 'dangerous');
  const snapId =
    grade === 'dangerous'
      ? undefined
      : await text(
          'snap-id',
          flags.snapId,
          `Store id of the inference snap "${name}" (grade ${grade} takes every snap from the store)`,
          checks.snapId,
          undefined,
          ` for grade "${grade}" (the inference snap's store id; register it with: snapcraft register ${name})`,
        );

  let classes: number | undefined;
  const checkModel: Check = (v) => {
    const info = inspectModelFile(v, cwd);
    if (typeof info === 'string') return info;
    if (info.customOps.includes('edgetpu-custom-op'))
      return `"${v}" is compiled for the Edge TPU; give the CPU model here (the Edge TPU model is asked for with a Coral)`;
    return true;
  };
  const modelFile = await file('model-file', flags.modelFile, 'TFLite model file (.tflite)', 'model', checkModel);
  const info = inspectModelFile(modelFile, cwd);
  if (typeof info !== 'string') classes = info.classes;
  const labels = await file(
    'labels',
    flags.labels,
    `Labels file${classes ? ` (${classes} lines, one per output class)` : ''}`,
    'labels',
    (v) => checkLabelsFile(v, cwd, classes),
  );
  const accelerator = await choose(
    'accelerator',
    flags.accelerator,
    'Accelerator',
    ACCELERATOR_CHOICES,
    isAccelerator,
    'none',
  );
  let coral: Pick<ProjectAnswers, 'edgetpuModelFile' | 'edgetpuRuntime' | 'coralAccess'> = {};
  if (accelerator !== 'none') {
    const checkEdgetpu: Check = (v) => {
      const i = inspectModelFile(v, cwd);
      if (typeof i === 'string') return i;
      if (!i.customOps.includes('edgetpu-custom-op'))
        return `"${v}" is not compiled for the Edge TPU (no edgetpu-custom-op): give edgetpu_compiler's output`;
      if (classes !== undefined && i.classes !== undefined && i.classes !== classes)
        return `"${v}" has ${i.classes} output classes, the CPU model has ${classes}`;
      return true;
    };
    const edgetpuModelFile = await file(
      'edgetpu-model-file',
      flags.edgetpuModelFile,
      'Edge TPU model file (edgetpu_compiler output)',
      'model',
      checkEdgetpu,
    );
    const edgetpuRuntime = await choose(
      'edgetpu-runtime',
      flags.edgetpuRuntime,
      'Edge TPU runtime',
      EDGETPU_RUNTIME_CHOICES,
      isEdgetpuRuntime,
      'std',
    );
    const coralAccess =
      accelerator === 'coral-usb'
        ? await choose(
            'coral-access',
            flags.coralAccess,
            'How the snap reaches the Coral USB',
            CORAL_ACCESS_CHOICES,
            isCoralAccess,
            'raw-usb',
          )
        : undefined;
    coral = { edgetpuModelFile, edgetpuRuntime, ...(coralAccess && { coralAccess }) };
  }
  const key = await signingKey(options, flags.signingKey);
  return {
    name,
    target,
    brand,
    model,
    displayName,
    grade,
    ...(snapId && { snapId }),
    modelFile,
    labels,
    accelerator,
    ...coral,
    ...key,
  };
}

/** The signing key: a flag, or one of `keys list` offered with "create one now"; --yes takes the first key (else "default"). */
async function signingKey(
  options: WizardOptions,
  flag: string | undefined,
): Promise<Pick<ProjectAnswers, 'signingKey' | 'createKey'>> {
  const { yes, prompts, context } = options;
  const keys = options.keys ?? [];
  if (flag !== undefined) {
    const verdict = checks.signingKey(flag);
    if (verdict === true) return { signingKey: flag };
    if (yes)
      throw new BuilderError(
        'INPUT_INVALID',
        `invalid --key "${flag}": ${verdict}`,
        `run "coreforge init --help" for the accepted values`,
      );
  }
  if (yes) return { signingKey: keys[0] ?? DEFAULT_KEY };
  const choices: Choice<string>[] = [
    ...keys.map((k) => ({ value: k, name: k, description: 'from coreforge keys list' })),
    { value: CREATE_KEY, name: 'create one now', description: 'an RSA-4096 key in the coreforge key store' },
  ];
  const bad = flag !== undefined ? ` ("${flag}" is not valid: ${String(checks.signingKey(flag))})` : '';
  const picked = await prompts.select(
    { message: `Signing key${bad}`, choices, default: keys[0] ?? CREATE_KEY },
    context,
  );
  if (picked !== CREATE_KEY) return { signingKey: picked };
  const check: Check = (v) => (keys.includes(v) ? `a key named "${v}" exists already` : checks.signingKey(v));
  const name = await prompts.input(
    {
      message: 'Name of the new key',
      default: keys.includes(DEFAULT_KEY) ? `${DEFAULT_KEY}-2` : DEFAULT_KEY,
      validate: check,
    },
    context,
  );
  return { signingKey: name, createKey: true };
}
