import { input, search } from '@inquirer/prompts';
import { render } from '@inquirer/testing';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../../test/helpers/fixtures.js';
import { BuilderError } from '../../errors.js';
import { askProject, CREATE_KEY, type Prompts } from './ask.js';
import { checkLabelsFile, findCandidates, inspectModelFile } from './files.js';
import { checks, defaultProjectName } from './questions.js';

/**
 * Answers prompts from a queue and records each message. Like a real prompt, an answer its `validate` refuses
 * is shown the error and the next answer is taken for the same question (recorded in `refused`).
 */
function scripted(answers: string[]): Prompts & { asked: string[]; refused: string[] } {
  const asked: string[] = [];
  const refused: string[] = [];
  const next = (message: string) => {
    const a = answers.shift();
    if (a === undefined) throw new Error(`unexpected prompt: ${message}`);
    return a;
  };
  const validated = (message: string, validate?: (v: string) => boolean | string) => {
    asked.push(message);
    for (;;) {
      const a = next(message);
      const verdict = validate?.(a);
      if (verdict === true || verdict === undefined) return a;
      refused.push(`${a}: ${String(verdict)}`);
    }
  };
  return {
    asked,
    refused,
    input: async ({ message, validate }) => validated(message, validate),
    search: async ({ message, validate }) => validated(message, validate),
    select: async ({ message, choices }) => {
      asked.push(message);
      const a = next(message);
      const choice = choices.find((c) => c.value === a);
      if (!choice || choice.disabled) throw new Error(`"${a}" is not a choice of ${message}`);
      return choice.value;
    },
  };
}

let dir: string;
const MODEL = 'models/mobilenet_v1_0.25_128_quant.tflite';
const EDGETPU = 'models/mobilenet_v1_0.25_128_quant_edgetpu.tflite';
const LABELS = 'models/imagenet_labels.txt';

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'coreforge-wizard-'));
  mkdirSync(path.join(dir, 'models'));
  for (const f of [MODEL, EDGETPU, LABELS]) copyFileSync(fixture(f), path.join(dir, f));
  writeFileSync(path.join(dir, 'models', 'short.txt'), 'cat\ndog\n');
  writeFileSync(path.join(dir, 'notes.txt'), 'not labels\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  name: 'classifier',
  target: 'pc-amd64',
  brand: 'acme',
  model: 'cls',
  displayName: 'Cls',
  grade: 'dangerous',
  accelerator: 'none',
  signingKey: 'k',
};

describe('init wizard', () => {
  it('asks every question when no flag is given (Coral USB: Edge TPU model, runtime and access), and returns plain data', async () => {
    const prompts = scripted([
      'classifier',
      'pi-arm64',
      'acme',
      'classifier-pi',
      'Acme Pi',
      'signed',
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      MODEL,
      LABELS,
      'coral-usb',
      EDGETPU,
      'max',
      'custom-device',
      'acme-dev',
    ]);
    const answers = await askProject({ flags: {}, yes: false, prompts, cwd: dir, keys: ['acme-dev'] });
    expect(answers).toEqual({
      name: 'classifier',
      target: 'pi-arm64',
      brand: 'acme',
      model: 'classifier-pi',
      displayName: 'Acme Pi',
      grade: 'signed',
      snapId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      modelFile: MODEL,
      labels: LABELS,
      accelerator: 'coral-usb',
      edgetpuModelFile: EDGETPU,
      edgetpuRuntime: 'max',
      coralAccess: 'custom-device',
      signingKey: 'acme-dev',
    });
    expect(prompts.asked).toHaveLength(14);
    expect(prompts.asked[6]).toBe(
      'Store id of the inference snap "classifier" (grade signed takes every snap from the store)',
    );
    expect(prompts.asked[8]).toBe('Labels file (1001 lines, one per output class)');
    expect(prompts.refused).toEqual([]);
  });

  it('re-asks the model question for a missing path, then for the labels file given as the model, and takes the right file', async () => {
    const prompts = scripted(['models/missing.tflite', LABELS, MODEL, LABELS]);
    const answers = await askProject({
      flags: { ...base, modelFile: undefined, labels: undefined },
      yes: false,
      prompts,
      cwd: dir,
    });
    expect(prompts.asked).toEqual(['TFLite model file (.tflite)', 'Labels file (1001 lines, one per output class)']);
    expect(prompts.refused).toEqual([
      'models/missing.tflite: "models/missing.tflite" does not exist',
      `${LABELS}: "${LABELS}" is not a usable TensorFlow Lite model: no "TFL3" identifier at byte 4: not a TFLite flatbuffer`,
    ]);
    expect(answers).toMatchObject({ modelFile: MODEL, labels: LABELS });
  });

  it("refuses a labels file whose line count does not fit the model's classes, and a model as labels", async () => {
    const prompts = scripted(['models/short.txt', MODEL, LABELS]);
    await askProject({ flags: { ...base, modelFile: MODEL, labels: undefined }, yes: false, prompts, cwd: dir });
    expect(prompts.refused).toEqual([
      'models/short.txt: "models/short.txt" has 2 labels but the model has 1001 output classes',
      `${MODEL}: "${MODEL}" is a TFLite model, expected a labels file (one label per line)`,
    ]);
  });

  it('offers the matching files of the folder, the unfitting ones disabled with the reason', async () => {
    expect(findCandidates(dir, 'model')).toEqual([MODEL, EDGETPU]);
    expect(findCandidates(dir, 'labels')).toEqual([LABELS, 'models/short.txt', 'notes.txt']);
    let offered: readonly { value: string; disabled?: boolean | string }[] = [];
    const prompts: Prompts = {
      ...scripted([]),
      search: async ({ source }) => {
        offered = source('models/');
        return LABELS;
      },
    };
    await askProject({ flags: { ...base, modelFile: MODEL, labels: undefined }, yes: false, prompts, cwd: dir });
    expect(offered).toEqual([
      { value: LABELS, name: LABELS },
      {
        value: 'models/short.txt',
        name: 'models/short.txt',
        disabled: '"models/short.txt" has 2 labels but the model has 1001 output classes',
      },
      { value: 'models/', name: 'models/', description: 'the path you typed' },
    ]);
  });

  it('skips the questions answered by flags, the Coral questions without a Coral, and the snap id for dangerous', async () => {
    const prompts = scripted(['acme', LABELS]);
    const answers = await askProject({
      flags: { ...base, brand: undefined, modelFile: MODEL, labels: undefined },
      yes: false,
      prompts,
      cwd: dir,
    });
    expect(prompts.asked).toEqual([
      'Brand account id (your Snap Store account)',
      'Labels file (1001 lines, one per output class)',
    ]);
    expect(answers).not.toHaveProperty('edgetpuModelFile');
    expect(answers).not.toHaveProperty('snapId');
    expect(answers).not.toHaveProperty('coralAccess');
  });

  it('turns an invalid flag into a prompt that explains the problem', async () => {
    const prompts = scripted(['classifier', 'pc-amd64', MODEL]);
    await askProject({
      flags: { ...base, name: 'Classifier', target: 'pc', modelFile: 'nope.tflite', labels: LABELS },
      yes: false,
      prompts,
      cwd: dir,
    });
    expect(prompts.asked).toEqual([
      'Project name (also the inference snap name) ("Classifier" is not valid: expected 2-40 lowercase letters, digits and single dashes, with at least one letter)',
      'Target device ("pc" is not one of pc-amd64|pi-arm64)',
      'TFLite model file (.tflite) ("nope.tflite" does not exist)',
    ]);
  });

  it('offers the keys of the key store and "create one now"', async () => {
    const pick = scripted(['second']);
    expect(
      await askProject({
        flags: { ...base, signingKey: undefined, modelFile: MODEL, labels: LABELS },
        yes: false,
        prompts: pick,
        cwd: dir,
        keys: ['first', 'second'],
      }),
    ).toMatchObject({ signingKey: 'second' });
    const create = scripted([CREATE_KEY, 'first', 'acme-prod']);
    const answers = await askProject({
      flags: { ...base, signingKey: undefined, modelFile: MODEL, labels: LABELS },
      yes: false,
      prompts: create,
      cwd: dir,
      keys: ['first'],
    });
    expect(answers).toMatchObject({ signingKey: 'acme-prod', createKey: true });
    expect(create.refused).toEqual(['first: a key named "first" exists already']);
  });

  it('with --yes takes the defaults the prompts show and never prompts; a missing answer is an error naming the flag', async () => {
    const prompts = scripted([]);
    const answers = await askProject({
      flags: { brand: 'acme' },
      yes: true,
      prompts,
      defaultName: defaultProjectName('My_Project')!,
      cwd: dir,
      keys: ['acme-dev'],
    });
    expect(answers).toEqual({
      name: 'my-project',
      target: 'pc-amd64',
      brand: 'acme',
      model: 'my-project-pc',
      displayName: 'my-project-pc',
      grade: 'dangerous',
      modelFile: MODEL,
      labels: LABELS,
      accelerator: 'none',
      signingKey: 'acme-dev',
    });
    const error = await askProject({
      flags: { modelFile: MODEL, labels: LABELS },
      yes: true,
      prompts,
      defaultName: 'x1',
      cwd: dir,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuilderError);
    expect(error).toMatchObject({ message: '--brand is required with --yes', hint: 'add --brand VALUE' });
    const bad = await askProject({
      flags: { brand: 'acme', grade: 'insecure' },
      yes: true,
      prompts,
      defaultName: 'x1',
      cwd: dir,
    }).catch((e: unknown) => e);
    expect((bad as BuilderError).message).toBe('invalid --grade "insecure": expected one of dangerous|signed|secured');
    const signed = await askProject({
      flags: { brand: 'acme', grade: 'signed' },
      yes: true,
      prompts,
      defaultName: 'x1',
      cwd: dir,
    }).catch((e: unknown) => e);
    expect(signed).toMatchObject({
      code: 'INPUT_INVALID',
      message:
        '--snap-id is required with --yes for grade "signed" (the inference snap\'s store id; register it with: snapcraft register x1)',
      hint: 'add --snap-id VALUE',
    });
    const wrongModel = await askProject({
      flags: { brand: 'acme', modelFile: LABELS },
      yes: true,
      prompts,
      defaultName: 'x1',
      cwd: dir,
    }).catch((e: unknown) => e);
    expect((wrongModel as BuilderError).message).toBe(
      `invalid --model-file "${LABELS}": "${LABELS}" is not a usable TensorFlow Lite model: no "TFL3" identifier at byte 4: not a TFLite flatbuffer`,
    );
  });

  it('makes a snap name of the folder name, or none', () => {
    expect(defaultProjectName('My_Project')).toBe('my-project');
    expect(defaultProjectName('classifier')).toBe('classifier');
    expect(defaultProjectName('123')).toBeUndefined();
    expect(defaultProjectName('___')).toBeUndefined();
  });

  it('checks model and labels files as the runtime reads them', () => {
    expect(inspectModelFile(MODEL, dir)).toEqual({ classes: 1001, customOps: [] });
    expect(inspectModelFile(EDGETPU, dir)).toMatchObject({ customOps: ['edgetpu-custom-op'] });
    expect(inspectModelFile('models', dir)).toBe('"models" is a folder, expected a TFLite model');
    expect(checkLabelsFile(LABELS, dir, 1001)).toBe(true);
    expect(checkLabelsFile('notes.txt', dir, undefined)).toBe(true);
  });
});

describe('a wizard question in a real prompt', () => {
  it('shows the check message for a bad answer and accepts a good one', async () => {
    const { answer, events, getScreen } = await render(input, { message: 'Project name', validate: checks.name });
    events.type('Bad_Name');
    events.keypress('enter');
    await new Promise((r) => setTimeout(r, 20));
    expect(getScreen()).toContain(
      'expected 2-40 lowercase letters, digits and single dashes, with at least one letter',
    );
    for (let i = 0; i < 'Bad_Name'.length; i++) events.keypress('backspace');
    events.type('good-name');
    events.keypress('enter');
    await expect(answer).resolves.toBe('good-name');
  });

  it('the model question (@inquirer/search): a missing file, then the labels file, are refused at the prompt; Tab completes a match', async () => {
    let config: Parameters<Prompts['search']>[0] | undefined;
    const capture: Prompts = { ...scripted([]), search: async (c) => ((config = c), MODEL) };
    await askProject({
      flags: { ...base, modelFile: undefined, labels: LABELS },
      yes: false,
      prompts: capture,
      cwd: dir,
    });
    const { answer, events, getScreen } = await render(search<string>, {
      message: config!.message,
      source: (t) => config!.source(t),
      validate: config!.validate!,
    });
    const settle = () => new Promise((r) => setTimeout(r, 30));
    await settle();
    expect(getScreen()).toContain(MODEL);
    events.type('missing.tflite');
    await settle();
    events.keypress('enter');
    await settle();
    expect(getScreen()).toContain('"missing.tflite" does not exist');
    for (let i = 0; i < 'missing.tflite'.length; i++) events.keypress('backspace');
    events.type(LABELS);
    await settle();
    events.keypress('enter');
    await settle();
    expect(getScreen()).toContain('is not a usable TensorFlow Lite model');
    for (let i = 0; i < LABELS.length; i++) events.keypress('backspace');
    events.type('0.25_128_quant.t');
    await settle();
    events.keypress('tab');
    await settle();
    events.keypress('enter');
    await expect(answer).resolves.toBe(MODEL);
  });
});
