// The thing being flashed: a whole block device (opened O_EXCL, so the kernel refuses while anything has it
// mounted) or, with --target-file, a regular file. Writes and reads go through O_DIRECT where the target allows
// it (no page cache: the read-back sees the medium, not our own writes), else buffered with fsync at the end.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { BuilderError } from '../errors.js';

/** Offsets and lengths that are multiples of this go through O_DIRECT; others (an image's odd tail) buffered. */
export const DIRECT_ALIGN = 4096;

export interface FlashTarget {
  readonly path: string;
  readonly kind: 'device' | 'file';
  /** Whether O_DIRECT is in use. */
  readonly direct: boolean;
  /** A buffer of `size` bytes whose memory is aligned for O_DIRECT (a plain buffer when not direct). */
  buffer(size: number): Promise<Buffer>;
  write(data: Buffer, offset: number): Promise<void>;
  /** Reads exactly data.length bytes (fewer only at the end of the target); returns how many. */
  read(data: Buffer, offset: number): Promise<number>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

const PROBE = 4096;

/** Node cannot align a Buffer's memory; find an offset inside a larger one where an O_DIRECT read succeeds. */
async function alignedView(handle: FileHandle, size: number): Promise<Buffer | undefined> {
  const backing = Buffer.alloc(size + DIRECT_ALIGN);
  for (let shift = 0; shift < DIRECT_ALIGN; shift += 16) {
    try {
      await handle.read(backing, shift, PROBE, 0);
      return backing.subarray(shift, shift + size);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    }
  }
  return undefined;
}

function failed(path: string, doing: string, error: unknown): BuilderError {
  const e = error as NodeJS.ErrnoException;
  const hint =
    e.code === 'EACCES' || e.code === 'EPERM'
      ? 'writing a drive needs root: run it with sudo'
      : e.code === 'EBUSY'
        ? 'something still uses the drive: unmount its partitions (or pass --unmount)'
        : undefined;
  return new BuilderError('FLASH_FAILED', `cannot ${doing} ${path}: ${e.message}`, hint, { cause: error });
}

export async function openTarget(
  path: string,
  kind: FlashTarget['kind'],
  options: { readonly direct?: boolean } = {},
): Promise<FlashTarget> {
  const base = constants.O_RDWR | (kind === 'device' ? constants.O_EXCL : 0);
  let buffered: FileHandle;
  try {
    buffered = await open(path, base);
  } catch (error) {
    throw failed(path, 'open', error);
  }
  let direct: FileHandle | undefined;
  if (options.direct !== false && constants.O_DIRECT !== undefined) {
    // A second descriptor with O_DIRECT; filesystems without it (tmpfs) say EINVAL and we stay buffered.
    direct = await open(path, (base & ~constants.O_EXCL) | constants.O_DIRECT).catch(() => undefined);
    if (direct && !(await alignedView(direct, PROBE).catch(() => undefined))) {
      await direct.close();
      direct = undefined;
    }
  }
  const isDirect = (data: Buffer, offset: number) =>
    direct !== undefined && offset % DIRECT_ALIGN === 0 && data.length % DIRECT_ALIGN === 0;
  return {
    path,
    kind,
    direct: direct !== undefined,
    async buffer(size) {
      if (!direct) return Buffer.alloc(size);
      return (await alignedView(direct, size)) ?? Buffer.alloc(size);
    },
    async write(data, offset) {
      let handle = isDirect(data, offset) ? direct! : buffered;
      let done = 0;
      try {
        while (done < data.length) {
          const { bytesWritten } = await handle
            .write(data, done, data.length - done, offset + done)
            .catch((error: NodeJS.ErrnoException) => {
              // A buffer whose memory could not be aligned: the kernel says EINVAL; the buffered descriptor takes it.
              if (error.code !== 'EINVAL' || handle === buffered) throw error;
              handle = buffered;
              return handle.write(data, done, data.length - done, offset + done);
            });
          if (bytesWritten === 0) throw Object.assign(new Error('no space left on the target'), { code: 'ENOSPC' });
          done += bytesWritten;
        }
      } catch (error) {
        throw failed(path, `write ${data.length} bytes at offset ${offset} of`, error);
      }
    },
    async read(data, offset) {
      let handle = isDirect(data, offset) ? direct! : buffered;
      let done = 0;
      try {
        while (done < data.length) {
          const { bytesRead } = await handle
            .read(data, done, data.length - done, offset + done)
            .catch((error: NodeJS.ErrnoException) => {
              if (error.code !== 'EINVAL' || handle === buffered) throw error;
              handle = buffered;
              return handle.read(data, done, data.length - done, offset + done);
            });
          if (bytesRead === 0) break;
          done += bytesRead;
        }
      } catch (error) {
        throw failed(path, `read ${data.length} bytes at offset ${offset} of`, error);
      }
      return done;
    },
    async sync() {
      try {
        await buffered.sync();
        await direct?.sync();
      } catch (error) {
        throw failed(path, 'flush (fsync)', error);
      }
    },
    async close() {
      await direct?.close().catch(() => undefined);
      await buffered.close().catch(() => undefined);
    },
  };
}
