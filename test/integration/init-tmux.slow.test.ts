// coreforge init in a real terminal (tmux): a user types a missing model path, then the labels file as the
// model, then presses Tab on a partial name; the prompt refuses the first two, and the file written validates.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/fixtures.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.log('skipping the real-terminal wizard test: tmux is not installed (sudo apt-get install tmux)');

const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-tmux-'));
const session = `coreforge-init-${process.pid}`;
const socket = path.join(tmp, 'tmux.sock');
const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
afterAll(() => {
  spawnSync('tmux', ['-S', socket, 'kill-server']);
  rmSync(tmp, { recursive: true, force: true });
});

async function waitFor(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < until) {
    screen = tmux('capture-pane', '-p', '-t', session);
    if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the terminal never showed ${String(text)}; it shows:\n${screen}`);
}

const type = (text: string) => tmux('send-keys', '-t', session, '-l', text);
const key = (...keys: string[]) => tmux('send-keys', '-t', session, ...keys);

describe.skipIf(!hasTmux)('coreforge init in a real terminal', () => {
  it('re-asks for a missing model and for the labels file given as the model, completes with Tab, and writes a valid file', async () => {
    const project = path.join(tmp, 'vision');
    mkdirSync(path.join(project, 'models'), { recursive: true });
    copyFileSync(
      fixture('models/mobilenet_v1_0.25_128_quant.tflite'),
      path.join(project, 'models', 'mobilenet.tflite'),
    );
    copyFileSync(fixture('models/imagenet_labels.txt'), path.join(project, 'models', 'labels.txt'));
    const keys = path.join(tmp, 'keys');
    // A CI machine sets CI, and the CLI never prompts under CI; the user at this terminal is not a CI job.
    const args = [
      'init',
      '--brand',
      'acme',
      '--target',
      'pc-amd64',
      '--model',
      'vision-pc',
      '--display-name',
      'Vision',
      '--grade',
      'dangerous',
      '--accelerator',
      'none',
    ];
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '160',
      '-y',
      '40',
      '-c',
      project,
      '-e',
      `COREFORGE_KEYS_DIR=${keys}`,
      '-e',
      'NO_COLOR=1',
      'env',
      '-u',
      'CI',
      process.execPath,
      CLI,
      ...args,
      ';',
      'set-option',
      '-t',
      session,
      'remain-on-exit',
      'on',
    );
    await waitFor('Project name');
    key('Enter'); // the folder name, "vision"
    await waitFor('TFLite model file');
    type('models/missing.tflite');
    await waitFor('❯ models/missing.tflite'); // the search prompt lists what was typed before Enter picks it
    key('Enter');
    await waitFor('"models/missing.tflite" does not exist');
    key(...Array<string>('models/missing.tflite'.length).fill('BSpace'));
    type('models/labels.txt');
    await waitFor('❯ models/labels.txt');
    key('Enter');
    await waitFor('"models/labels.txt" is not a usable TensorFlow Lite model');
    key(...Array<string>('models/labels.txt'.length).fill('BSpace'));
    type('models/mobi');
    await waitFor(/❯ models\/mobilenet\.tflite/);
    key('Tab');
    await waitFor(/TFLite model file.*models\/mobilenet\.tflite/);
    key('Enter');
    await waitFor('Labels file (1001 lines, one per output class)');
    key('Enter'); // the one fitting labels file is the default
    await waitFor('Signing key');
    key('Enter'); // no keys yet: "create one now"
    await waitFor('Name of the new key');
    key('Enter'); // "default"
    const screen = await waitFor('wrote coreforge.yaml', 60_000);
    expect(screen).toContain('created key "default"');
    const text = readFileSync(path.join(project, 'coreforge.yaml'), 'utf8');
    expect(text).toContain('  model: models/mobilenet.tflite\n  labels: models/labels.txt\n');
    expect(text).toContain('name: vision\n');
    expect(existsSync(path.join(keys, 'default.key'))).toBe(true);
    const v = runCli(['config', 'validate'], { cwd: project });
    expect(v.stdout).toBe(
      'coreforge.yaml: ok (pc-amd64, grade dangerous, model "vision-pc", inference snap "vision")\n',
    );
  });
});
