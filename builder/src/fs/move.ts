// Moving a finished file to its final name: rename(2) when both are on one filesystem, otherwise (EXDEV,
// e.g. --workdir on /dev/shm) a copy to a temp name beside the destination, fsync, rename, then unlink.
import { randomBytes } from 'node:crypto';
import { copyFile, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export async function moveFile(source: string, dest: string): Promise<void> {
  try {
    await rename(source, dest);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  const temp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await copyFile(source, temp);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, dest);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await rm(source, { force: true });
}
