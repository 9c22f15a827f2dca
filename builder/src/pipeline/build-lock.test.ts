// The build lock with the real util-linux flock: exclusive, names the holder, released on release and when
// the holder dies (the kernel closes its descriptor).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { run } from '../tools/run.js';
import { acquireBuildLock, LOCK_FILE } from './build-lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'coreforge-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("is exclusive, names the holder's pid, and can be taken again after release", async () => {
  const lock = await acquireBuildLock(dir, run);
  expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
  const e = await acquireBuildLock(dir, run).catch((x: unknown) => x as BuilderError);
  expect(e).toMatchObject({
    code: 'BUILD_LOCKED',
    message: `cannot build into "${dir}": another build (pid ${process.pid}) is using it`,
  });
  await lock.release();
  const again = await acquireBuildLock(dir, run);
  await again.release();
});

it('is released by the kernel when the holder is killed', { timeout: 60_000 }, async () => {
  const built = path.join(import.meta.dirname, '..', '..', 'dist', 'pipeline', 'build-lock.js');
  const runJs = path.join(import.meta.dirname, '..', '..', 'dist', 'tools', 'run.js');
  expect(existsSync(built), `${built} (npm run build)`).toBe(true);
  const script = `import { acquireBuildLock } from ${JSON.stringify(built)}; import { run } from ${JSON.stringify(runJs)};
await acquireBuildLock(${JSON.stringify(dir)}, run); console.log('locked'); setInterval(() => {}, 1000);`;
  const holder = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) =>
    holder.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()),
  );
  expect(await acquireBuildLock(dir, run).catch((x: unknown) => (x as BuilderError).code)).toBe('BUILD_LOCKED');
  holder.kill('SIGKILL');
  await new Promise((r) => holder.on('close', r));
  const lock = await acquireBuildLock(dir, run);
  await lock.release();
});
