// The staged snap tree: files are copied in with normalised modes, and before packing every mtime is set
// to one fixed instant, so the same inputs give the same squashfs bytes.
import { chmod, copyFile, lstat, mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Fixed timestamp for every file in the snap (also passed to snap pack as SOURCE_DATE_EPOCH). 2024-01-01T00:00:00Z. */
export const SNAP_EPOCH = 1_704_067_200;

/** What never goes into the snap: source maps, type declarations, docs, headers, C/C++ sources, build files, tests. */
const EXCLUDE = [
  /\.map$/,
  /\.d\.[cm]?ts$/,
  /\.tsbuildinfo$/,
  /(^|\/)(README|CHANGELOG|HISTORY|CONTRIBUTING|AUTHORS)(\.[a-z]+)?$/i,
  /\.(md|markdown)$/i,
  /\.(h|hh|hpp|c|cc|cpp|gyp|gypi)$/,
  /(^|\/)(include|docs?|test|tests|__tests__|\.github)\//,
  /(^|\/)\.[^/]+$/,
];

export function isShipped(rel: string): boolean {
  return !EXCLUDE.some((re) => re.test(rel));
}

export class StageTree {
  constructor(readonly root: string) {}

  async addFile(rel: string, source: string): Promise<void> {
    const dest = path.join(this.root, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(source, dest);
    const mode = (await lstat(source)).mode & 0o111 ? 0o755 : 0o644;
    await chmod(dest, mode);
  }

  async addText(rel: string, content: string, mode = 0o644): Promise<void> {
    const dest = path.join(this.root, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(dest, content);
    await chmod(dest, mode);
  }

  /** Sets every directory to 0755 and every mtime/atime to SNAP_EPOCH (deepest first). */
  async normalize(): Promise<void> {
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const child = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          await walk(child);
          await chmod(child, 0o755);
        }
        if (!entry.isSymbolicLink()) await utimes(child, SNAP_EPOCH, SNAP_EPOCH);
      }
    };
    await walk(this.root);
    await chmod(this.root, 0o755);
    await utimes(this.root, SNAP_EPOCH, SNAP_EPOCH);
  }
}
