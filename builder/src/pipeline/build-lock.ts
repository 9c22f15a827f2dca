// One build per output folder: an exclusive flock(2) on <output>/.coreforge-build.lock, held through an open
// file description of this process, so the kernel releases it when the build ends or dies (even SIGKILL).
// Node has no flock(2); util-linux `flock` locks the descriptor we hand it as its fd 3 and exits, and the
// lock stays with our still-open description. The holder writes its pid into the file for the error message.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';

export const LOCK_FILE = '.coreforge-build.lock';
const CONFLICT = 75;

export interface BuildLock {
  release(): Promise<void>;
}

export async function acquireBuildLock(outputDir: string, run: Run): Promise<BuildLock> {
  const file = path.join(outputDir, LOCK_FILE);
  const handle: FileHandle = await open(file, 'a+', 0o644);
  try {
    const r = await run('flock', ['--exclusive', '--nonblock', '--conflict-exit-code', String(CONFLICT), '3'], {
      fds: [handle.fd],
      reject: false,
      timeout: 30_000,
    });
    if (r.exitCode === CONFLICT) {
      const pid = (await readFile(file, 'utf8').catch(() => '')).trim();
      throw new BuilderError(
        'BUILD_LOCKED',
        `cannot build into "${outputDir}": another build${/^\d+$/.test(pid) ? ` (pid ${pid})` : ''} is using it`,
        'wait for it to finish, or set another output folder (output: in the project file)',
      );
    }
    if (r.exitCode !== 0)
      throw new BuilderError(
        'TOOL_FAILED',
        `cannot lock "${file}": flock exited with ${r.exitCode}: ${r.stderr.trim()}`,
      );
    await handle.truncate(0);
    await handle.write(`${process.pid}\n`, 0);
    await handle.sync();
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    async release() {
      await handle.truncate(0).catch(() => undefined);
      await handle.close();
    },
  };
}
