// The process wrapper's guarantees about process groups, with real processes: a cancelled or finished
// child takes its grandchildren with it, and a SIGKILLed parent's children are reaped.
import { execFileSync, spawn as spawnChild } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { run, runStream } from './run.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'coreforge-run-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

// sh is the tool under test here: it starts a grandchild (sleep) in the background and writes its pid.
const withGrandchild = (pidFile: string, then: string) => ['-c', `sleep 300 & echo $! > ${pidFile}; ${then}`];

describe('run', () => {
  it('kills the whole process group when cancelled', async () => {
    const pidFile = path.join(dir, 'pid');
    const controller = new AbortController();
    const running = run('sh', withGrandchild(pidFile, 'wait'), { signal: controller.signal }).catch((e: unknown) => e);
    expect(await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '')).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    controller.abort();
    const e = await running;
    expect((e as BuilderError).code).toBe('CANCELLED');
    expect(await until(() => !alive(grandchild))).toBe(true);
  });

  it('kills what a finished child left in its group', async () => {
    const pidFile = path.join(dir, 'pid');
    await run('sh', withGrandchild(pidFile, 'exit 0'));
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await until(() => !alive(grandchild))).toBe(true);
  });

  it('writes stdout to a file when asked', async () => {
    const file = path.join(dir, 'out');
    await run('echo', ['hello'], { stdoutFile: file });
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
  });

  it('reaps the children of a parent killed with SIGKILL', { timeout: 60_000 }, async () => {
    const pidFile = path.join(dir, 'pid');
    // A parent that starts a long child through run() (the built file), then waits forever.
    const built = path.join(import.meta.dirname, '..', '..', 'dist', 'tools', 'run.js');
    expect(existsSync(built), `${built} (npm run build)`).toBe(true);
    const script = `import { run } from ${JSON.stringify(built)}; run('sh', ${JSON.stringify(withGrandchild(pidFile, 'wait'))}); setInterval(() => {}, 1000);`;
    const parent = spawnChild(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    expect(await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 10_000)).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(grandchild)).toBe(true);
    parent.kill('SIGKILL');
    // The reaper is a node process of its own: on a loaded machine it may take seconds to start reading.
    expect(await until(() => !alive(grandchild), 25_000)).toBe(true);
    // No reaper is left either.
    const reapers = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(pidFile));
    expect(reapers).toEqual([]);
  });
  it("reaps, after a SIGKILL, a descendant that left the child's process group", { timeout: 60_000 }, async () => {
    // setsid puts the grandchild in a group of its own, which no "+PGID" line names: the reaper finds it by the
    // run tag every child inherits (the same path that catches a child spawned an instant before the parent died).
    const pidFile = path.join(dir, 'pid');
    const built = path.join(import.meta.dirname, '..', '..', 'dist', 'tools', 'run.js');
    const args = ['-c', `setsid sleep 300 & echo $! > ${pidFile}; wait`];
    const script = `import { run } from ${JSON.stringify(built)}; run('sh', ${JSON.stringify(args)}); setInterval(() => {}, 1000);`;
    const parent = spawnChild(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    expect(await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 10_000)).toBe(true);
    const escaped = Number(readFileSync(pidFile, 'utf8'));
    expect(await until(() => alive(escaped) && readFileSync(`/proc/${escaped}/stat`, 'utf8').includes('sleep'))).toBe(
      true,
    );
    expect(readFileSync(`/proc/${escaped}/environ`, 'latin1')).toMatch(/(^|\0)COREFORGE_RUN_ID=\d+-[0-9a-f]+\.1(\0|$)/);
    parent.kill('SIGKILL');
    expect(await until(() => !alive(escaped), 25_000)).toBe(true);
  });
});

describe('runStream', () => {
  it('streams every byte, and kills what the finished child left in its group', async () => {
    const pidFile = path.join(dir, 'pid');
    const streamed = runStream('sh', withGrandchild(pidFile, 'head -c 3000000 /dev/zero; exit 0'));
    let bytes = 0;
    for await (const chunk of streamed.stdout) bytes += chunk.length;
    await streamed.done;
    expect(bytes).toBe(3_000_000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await until(() => !alive(grandchild))).toBe(true);
  });

  it('kills the whole process group when cancelled', async () => {
    const pidFile = path.join(dir, 'pid');
    const controller = new AbortController();
    const streamed = runStream('sh', withGrandchild(pidFile, 'wait'), { signal: controller.signal });
    streamed.stdout.resume();
    const done = streamed.done.catch((e: unknown) => e);
    expect(await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '')).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    controller.abort();
    expect(((await done) as BuilderError).code).toBe('CANCELLED');
    expect(await until(() => !alive(grandchild))).toBe(true);
  });
});
