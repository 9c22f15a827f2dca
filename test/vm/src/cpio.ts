// A writer for the cpio "newc" format the Linux kernel unpacks as an initramfs.

export interface CpioEntry {
  readonly name: string;
  /** 'file' (with data), 'dir', or 'symlink' (data = target). */
  readonly kind: 'file' | 'dir' | 'symlink';
  readonly mode?: number;
  readonly data?: Uint8Array | string;
}

const pad4 = (n: number) => (4 - (n % 4)) % 4;

function header(ino: number, mode: number, size: number, nameSize: number): string {
  const f = (n: number) => n.toString(16).padStart(8, '0');
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  return `070701${f(ino)}${f(mode)}${f(0)}${f(0)}${f(1)}${f(0)}${f(size)}${f(0)}${f(0)}${f(0)}${f(0)}${f(nameSize)}${f(0)}`;
}

export function writeCpio(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const push = (name: string, mode: number, data: Buffer) => {
    const nameBytes = Buffer.from(`${name}\0`);
    const head = Buffer.from(header(ino++, mode, data.length, nameBytes.length), 'latin1');
    parts.push(
      head,
      nameBytes,
      Buffer.alloc(pad4(head.length + nameBytes.length)),
      data,
      Buffer.alloc(pad4(data.length)),
    );
  };
  for (const e of entries) {
    const name = e.name.replace(/^\/+/, '');
    if (e.kind === 'dir') push(name, 0o040000 | (e.mode ?? 0o755), Buffer.alloc(0));
    else if (e.kind === 'symlink') push(name, 0o120000 | 0o777, Buffer.from(e.data ?? ''));
    else push(name, 0o100000 | (e.mode ?? 0o644), Buffer.from(e.data ?? ''));
  }
  push('TRAILER!!!', 0, Buffer.alloc(0));
  return Buffer.concat(parts);
}
