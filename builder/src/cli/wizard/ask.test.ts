import { input } from '@inquirer/prompts';
import { render } from '@inquirer/testing';
import { describe, expect, it } from 'vitest';
import { BuilderError } from '../../errors.js';
import { askProject, type Prompts } from './ask.js';
import { checks } from './questions.js';

/** Answers prompts from a queue and records each message (the wizard's contract, without a terminal). */
function scripted(answers: string[]): Prompts & { asked: string[] } {
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    const a = answers.shift();
    if (a === undefined) throw new Error(`unexpected prompt: ${message}`);
    return a;
  };
  return {
    asked,
    input: async ({ message, validate }) => {
      const a = next(message);
      const verdict = validate?.(a);
      if (verdict !== true && verdict !== undefined) throw new Error(`scripted answer "${a}" rejected: ${String(verdict)}`);
      return a;
    },
    select: async <T extends string>({ message, choices }: { message: string; choices: readonly { value: T }[] }) => {
      const a = next(message);
      if (!choices.some((c) => c.value === a)) throw new Error(`"${a}" is not a choice of ${message}`);
      return a as T;
    },
  };
}

describe('init wizard', () => {
  it('asks every question when no flag is given, and returns plain data', async () => {
    const prompts = scripted(['classifier', 'pi-arm64', 'acme', 'classifier-pi', 'Acme Pi', 'dangerous', 'm.tflite', 'labels.txt', 'coral-usb', 'm_edgetpu.tflite', 'acme-dev']);
    const answers = await askProject({ flags: {}, yes: false, prompts });
    expect(answers).toEqual({
      name: 'classifier',
      target: 'pi-arm64',
      brand: 'acme',
      model: 'classifier-pi',
      displayName: 'Acme Pi',
      grade: 'dangerous',
      modelFile: 'm.tflite',
      labels: 'labels.txt',
      accelerator: 'coral-usb',
      edgetpuModelFile: 'm_edgetpu.tflite',
      signingKey: 'acme-dev',
    });
    expect(prompts.asked).toHaveLength(11);
  });

  it('skips the questions answered by flags, and the Edge TPU model without a Coral', async () => {
    const prompts = scripted(['acme', 'labels.txt']);
    const answers = await askProject({
      flags: { name: 'classifier', target: 'pc-amd64', model: 'cls', displayName: 'Cls', grade: 'signed', modelFile: 'm.tflite', accelerator: 'none', signingKey: 'k' },
      yes: false,
      prompts,
    });
    expect(prompts.asked).toEqual(['Brand account id (your Snap Store account)', 'Labels file']);
    expect(answers.edgetpuModelFile).toBeUndefined();
    expect(answers.grade).toBe('signed');
  });

  it('turns an invalid flag into a prompt that explains the problem', async () => {
    const prompts = scripted(['classifier', 'pc-amd64']);
    await askProject({
      flags: { name: 'Classifier', target: 'pc', brand: 'acme', model: 'm', displayName: 'd', grade: 'dangerous', modelFile: 'a', labels: 'b', accelerator: 'none', signingKey: 'k' },
      yes: false,
      prompts,
    });
    expect(prompts.asked).toEqual([
      'Project name (also the inference snap name) ("Classifier" is not valid: expected 2-40 lowercase letters, digits and single dashes, with at least one letter)',
      'Target device ("pc" is not one of pc-amd64|pi-arm64)',
    ]);
  });

  it('with --yes takes defaults and never prompts; a missing required answer is an error with a hint', async () => {
    const prompts = scripted([]);
    const answers = await askProject({ flags: { brand: 'acme', modelFile: 'm.tflite', labels: 'l.txt' }, yes: true, prompts, defaultName: 'my-project' });
    expect(answers).toMatchObject({ name: 'my-project', target: 'pc-amd64', model: 'my-project-pc', displayName: 'my-project-pc', grade: 'dangerous', accelerator: 'none', signingKey: 'default' });
    const error = await askProject({ flags: { modelFile: 'm', labels: 'l' }, yes: true, prompts, defaultName: 'x1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuilderError);
    expect((error as BuilderError).message).toBe('--brand is required with --yes');
    expect((error as BuilderError).hint).toBe('add --brand VALUE');
    const bad = await askProject({ flags: { brand: 'acme', modelFile: 'm', labels: 'l', grade: 'insecure' }, yes: true, prompts, defaultName: 'x1' }).catch((e: unknown) => e);
    expect((bad as BuilderError).message).toBe('invalid --grade "insecure": expected one of dangerous|signed|secured');
  });
});

describe('a wizard question in a real prompt', () => {
  it('shows the check message for a bad answer and accepts a good one', async () => {
    const { answer, events, getScreen } = await render(input, { message: 'Project name', validate: checks.name });
    events.type('Bad_Name');
    events.keypress('enter');
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 20));
    expect(getScreen()).toContain('expected 2-40 lowercase letters, digits and single dashes, with at least one letter');
    for (let i = 0; i < 'Bad_Name'.length; i++) events.keypress('backspace');
    events.type('good-name');
    events.keypress('enter');
    await expect(answer).resolves.toBe('good-name');
  });
});
