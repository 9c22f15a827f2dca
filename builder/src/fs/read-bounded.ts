// Reading a user's file with bounds: only regular files (a FIFO or device is never read: opening with
// O_NONBLOCK does not wait for a writer, and fstat on the open descriptor decides), and at most `maxBytes`.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export type BoundedReadProblem = {
  readonly reason: 'missing' | 'not-regular' | 'too-large' | 'unreadable';
  readonly detail: string;
};

export async function readRegularFile(
  file: string,
  maxBytes: number,
): Promise<{ ok: true; data: Buffer } | ({ ok: false } & BoundedReadProblem)> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: 'missing', detail: 'it does not exist' };
    return { ok: false, reason: 'unreadable', detail: (error as Error).message };
  }
  try {
    const s = await handle.stat();
    if (s.isDirectory()) return { ok: false, reason: 'not-regular', detail: 'it is a folder, expected a file' };
    if (!s.isFile())
      return {
        ok: false,
        reason: 'not-regular',
        detail: 'it is not a regular file (a FIFO, device or socket), expected a file',
      };
    if (s.size > maxBytes)
      return { ok: false, reason: 'too-large', detail: `it is ${s.size} bytes, more than the ${maxBytes} allowed` };
    // Read at most maxBytes + 1, in case the file grows while we read.
    const buf = Buffer.alloc(Math.min(s.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) break;
    }
    if (n > maxBytes)
      return { ok: false, reason: 'too-large', detail: `it is more than the ${maxBytes} bytes allowed` };
    return { ok: true, data: buf.subarray(0, n) };
  } catch (error) {
    return { ok: false, reason: 'unreadable', detail: (error as Error).message };
  } finally {
    await handle.close();
  }
}
