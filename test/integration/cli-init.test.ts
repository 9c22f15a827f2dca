// coreforge init as users run it: a file is written only when it validates; flags name what is missing.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/fixtures.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-init-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let project: string;
const env = () => ({ COREFORGE_KEYS_DIR: path.join(tmp, 'keys') });

beforeAll(() => {
  project = path.join(tmp, 'My_Vision');
  mkdirSync(path.join(project, 'models'), { recursive: true });
  copyFileSync(fixture('models/mobilenet_v1_0.25_128_quant.tflite'), path.join(project, 'models', 'm.tflite'));
  copyFileSync(
    fixture('models/mobilenet_v1_0.25_128_quant_edgetpu.tflite'),
    path.join(project, 'models', 'm_edgetpu.tflite'),
  );
  copyFileSync(fixture('models/imagenet_labels.txt'), path.join(project, 'models', 'labels.txt'));
  expect(runCli(['keys', 'create', 'acme-dev'], { env: env() }).exitCode).toBe(0);
});

describe('coreforge init --yes', () => {
  it('takes the folder name, the only fitting model and labels, and the first key: the file validates', () => {
    const r = runCli(['init', '--yes', '--brand', 'acme', '-o', 'a.yaml'], { cwd: project, env: env() });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('wrote a.yaml\n');
    const text = readFileSync(path.join(project, 'a.yaml'), 'utf8');
    expect(text).toContain('name: my-vision\n');
    expect(text).toContain('  model: models/m.tflite\n  labels: models/labels.txt\n');
    expect(text).toContain('signing:\n  key: acme-dev\n');
    const v = runCli(['config', 'validate', 'a.yaml'], { cwd: project });
    expect(v.stdout).toBe('a.yaml: ok (pc-amd64, grade dangerous, model "my-vision-pc", inference snap "my-vision")\n');
  });

  it('--grade signed without --snap-id fails naming the flag, and writes nothing', () => {
    const r = runCli(['init', '--yes', '--brand', 'acme', '--grade', 'signed', '-o', 'b.yaml'], {
      cwd: project,
      env: env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'error: --snap-id is required with --yes for grade "signed" (the inference snap\'s store id; register it with: snapcraft register my-vision)\nhint: add --snap-id VALUE\n',
    );
    expect(existsSync(path.join(project, 'b.yaml'))).toBe(false);
    const ok = runCli(
      [
        'init',
        '--yes',
        '--brand',
        'acme',
        '--grade',
        'signed',
        '--snap-id',
        'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        '-o',
        'b.yaml',
      ],
      { cwd: project, env: env() },
    );
    expect(ok.stderr).toBe('');
    expect(readFileSync(path.join(project, 'b.yaml'), 'utf8')).toContain(
      '  snap-id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n',
    );
  });

  it('refuses a missing model and a labels file given as the model, writing nothing', () => {
    for (const [file, why] of [
      ['nope.tflite', '"nope.tflite" does not exist'],
      [
        'models/labels.txt',
        '"models/labels.txt" is not a usable TensorFlow Lite model: no "TFL3" identifier at byte 4: not a TFLite flatbuffer',
      ],
    ]) {
      const r = runCli(['init', '--yes', '--brand', 'acme', '--model-file', file!, '-o', 'c.yaml'], {
        cwd: project,
        env: env(),
      });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toBe(
        `error: invalid --model-file "${file}": ${why}\nhint: pass the path of the right file with --model-file\n`,
      );
      expect(existsSync(path.join(project, 'c.yaml'))).toBe(false);
    }
  });

  it('asks the Coral questions through flags: Edge TPU model, runtime and access', () => {
    const r = runCli(
      [
        'init',
        '--yes',
        '--brand',
        'acme',
        '--accelerator',
        'coral-usb',
        '--edgetpu-model-file',
        'models/m_edgetpu.tflite',
        '--edgetpu-runtime',
        'max',
        '--coral-access',
        'custom-device',
        '-o',
        'd.yaml',
      ],
      { cwd: project, env: env() },
    );
    expect(r.stderr).toBe('');
    const text = readFileSync(path.join(project, 'd.yaml'), 'utf8');
    expect(text).toContain('  edgetpu-model: models/m_edgetpu.tflite\n');
    expect(text).toContain('  edgetpu-runtime: max\n  coral-access: custom-device\n');
    expect(runCli(['config', 'validate', 'd.yaml'], { cwd: project }).exitCode).toBe(0);
    const bad = runCli(
      [
        'init',
        '--yes',
        '--brand',
        'acme',
        '--accelerator',
        'coral-usb',
        '--edgetpu-model-file',
        'models/m.tflite',
        '-o',
        'e.yaml',
      ],
      { cwd: project, env: env() },
    );
    expect(bad.stderr).toBe(
      'error: invalid --edgetpu-model-file "models/m.tflite": "models/m.tflite" is not compiled for the Edge TPU (no edgetpu-custom-op): give edgetpu_compiler\'s output\nhint: pass the path of the right file with --edgetpu-model-file\n',
    );
  });

  it('writes paths relative to the project file when it goes into another folder', () => {
    const r = runCli(['init', '--yes', '--brand', 'acme', '-o', 'sub/f.yaml'], { cwd: project, env: env() });
    expect(r.stderr).toBe('');
    mkdirSync(path.join(project, 'sub'), { recursive: true });
    expect(readFileSync(path.join(project, 'sub', 'f.yaml'), 'utf8')).toContain('  model: ../models/m.tflite\n');
    expect(runCli(['config', 'validate', 'sub/f.yaml'], { cwd: project }).exitCode).toBe(0);
  });
});
