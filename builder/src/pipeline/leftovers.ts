// What an interrupted build may leave (SIGKILL gives no chance to clean up), removed by the next build
// while it holds the lock: temp files of atomic writes and moves, snap pack's temp folders, partial xz
// output, and the build's own temp folder. Nothing under a final name is touched.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** Our temp names: `.NAME.<12 hex>.tmp` (writeFileAtomic, moveFile), `.pack-*` (older packers), `*.partial`. */
const TEMP = [/^\..+\.[0-9a-f]{12}\.tmp$/, /^\.pack-/, /\.partial$/];

export function buildTempDir(workdir: string): string {
  return path.join(workdir, 'tmp');
}

export async function removeLeftovers(outputDir: string, workdir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of new Set([outputDir, workdir])) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!TEMP.some((re) => re.test(name))) continue;
      await rm(path.join(dir, name), { recursive: true, force: true });
      removed.push(path.join(dir, name));
    }
  }
  const tmp = buildTempDir(workdir);
  await rm(tmp, { recursive: true, force: true });
  return removed;
}
