// coreforge flash in a real terminal (tmux): the confirmation names what will be erased (a file, and, where
// losetup works, a block device with its identity); "n" writes nothing, "y" flashes and verifies.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.log('skipping the real-terminal flash test: tmux is not installed (sudo apt-get install tmux)');

const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-flash-tmux-'));
const socket = path.join(tmp, 'tmux.sock');
const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
let loop: string | undefined;
afterAll(() => {
  spawnSync('tmux', ['-S', socket, 'kill-server']);
  if (loop) spawnSync('losetup', ['-d', loop]);
  rmSync(tmp, { recursive: true, force: true });
});

const MIB = 1024 * 1024;
const image = path.join(tmp, 'disk.img');
const data = Buffer.concat([randomBytes(MIB), Buffer.alloc(2 * MIB), randomBytes(MIB)]);
writeFileSync(image, data);

async function waitFor(session: string, text: string | RegExp, timeoutMs = 60_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < until) {
    screen = tmux('capture-pane', '-p', '-J', '-t', session);
    if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the terminal never showed ${String(text)}; it shows:\n${screen}`);
}

function start(session: string, args: string[]): void {
  // CI= : the CLI treats CI as "no terminal"; this test is the terminal.
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '200',
    '-y',
    '40',
    '-c',
    tmp,
    '-e',
    'NO_COLOR=1',
    '-e',
    'CI=',
    process.execPath,
    CLI,
    'flash',
    image,
    ...args,
    ';',
    'set-option',
    '-t',
    session,
    'remain-on-exit',
    'on',
  );
}

describe.skipIf(!hasTmux)('coreforge flash in a real terminal', () => {
  it('asks before overwriting a file; "n" writes nothing', async () => {
    start('flash-no', ['--device', 'card.img', '--target-file']);
    await waitFor(
      'flash-no',
      `This will overwrite the file ${path.join(tmp, 'card.img')} with disk.img. Everything on it is lost. Continue? (y/N)`,
    );
    tmux('send-keys', '-t', 'flash-no', '-l', 'n');
    tmux('send-keys', '-t', 'flash-no', 'Enter');
    await waitFor('flash-no', 'flash cancelled: nothing was written');
    expect(existsSync(path.join(tmp, 'card.img'))).toBe(false);
  });

  it('shows a block device\'s identity and flashes it after "y"', async (ctx) => {
    writeFileSync(path.join(tmp, 'backing.img'), Buffer.alloc(8 * MIB, 0xa5));
    try {
      loop = execFileSync('losetup', ['--find', '--show', path.join(tmp, 'backing.img')], { encoding: 'utf8' }).trim();
    } catch (error) {
      console.log(`skip: losetup does not work here (${(error as Error).message.split('\n')[0]})`);
      return ctx.skip();
    }
    start('flash-yes', ['--device', loop, '--force-non-removable']);
    await waitFor(
      'flash-yes',
      `This will erase ${loop} (loop device, 8.0 MiB) with disk.img. Everything on it is lost. Continue? (y/N)`,
    );
    tmux('send-keys', '-t', 'flash-yes', '-l', 'y');
    tmux('send-keys', '-t', 'flash-yes', 'Enter');
    const screen = await waitFor('flash-yes', /verified {2}\d+ bytes read back/);
    expect(screen).toContain(`-> ${loop} (builtin writer, O_DIRECT)`);
    const back = Buffer.alloc(data.length);
    const fd = openSync(loop, 'r');
    readSync(fd, back, 0, back.length, 0);
    closeSync(fd);
    expect(back.equals(data)).toBe(true);
  });
});
