// Reading a file the user named (model, labels, image): regular files only, opened without blocking (a FIFO would
// hang the open until a writer comes, /dev/zero never ends), and no more than a size cap.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { RuntimeError, type RuntimeErrorCode } from './errors.js';

export interface ReadLimits {
  /** What the file is, for messages ("model", "labels file", "image"). */
  readonly what: string;
  readonly maxBytes: number;
  /** The code for a file that is missing or unreadable, and for one that is not a regular file or too big. */
  readonly missing: RuntimeErrorCode;
  readonly invalid: RuntimeErrorCode;
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'folder';
  if (stat.isFIFO()) return 'named pipe';
  if (stat.isCharacterDevice()) return 'character device';
  if (stat.isBlockDevice()) return 'block device';
  if (stat.isSocket()) return 'socket';
  return 'special file';
}

export async function readRegularFile(file: string, limits: ReadLimits): Promise<Buffer> {
  const { what, maxBytes } = limits;
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RuntimeError(
      limits.missing,
      `cannot read ${what} "${file}": ${code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new RuntimeError(
        limits.invalid,
        `cannot read ${what} "${file}": it is a ${kindOf(stat)}, not a regular file`,
      );
    if (stat.size > maxBytes)
      throw new RuntimeError(
        limits.invalid,
        `cannot read ${what} "${file}": it is ${stat.size} bytes, more than the limit of ${maxBytes}`,
      );
    // Read at most one byte past the cap, in case the file grows while it is read.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > maxBytes)
      throw new RuntimeError(
        limits.invalid,
        `cannot read ${what} "${file}": it grew past the limit of ${maxBytes} bytes while it was read`,
      );
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}
