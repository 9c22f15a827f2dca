// ELF header checks without `file`: every ELF in a snap must be for the snap's architecture.
import { open } from 'node:fs/promises';
import type { SnapArch } from '@coreforge/snaps';

/** e_machine values (elf.h): EM_X86_64 = 62, EM_AARCH64 = 183. */
export const ELF_MACHINE: Readonly<Record<SnapArch, number>> = { amd64: 62, arm64: 183 };

export interface ElfHeader {
  readonly machine: number;
  readonly is64: boolean;
  readonly littleEndian: boolean;
}

/** Reads the ELF header of a file, or undefined when it is not an ELF file. */
export async function readElfHeader(file: string): Promise<ElfHeader | undefined> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(20);
    const { bytesRead } = await handle.read(buf, 0, 20, 0);
    if (bytesRead < 20 || buf.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const littleEndian = buf[5] === 1;
    return { is64: buf[4] === 2, littleEndian, machine: littleEndian ? buf.readUInt16LE(18) : buf.readUInt16BE(18) };
  } finally {
    await handle.close();
  }
}

/** Returns the files (of those given) that are ELF but not 64-bit little-endian for `arch`. */
export async function findForeignElfs(files: readonly string[], arch: SnapArch): Promise<string[]> {
  const bad: string[] = [];
  for (const file of files) {
    const header = await readElfHeader(file);
    if (header && (header.machine !== ELF_MACHINE[arch] || !header.is64 || !header.littleEndian)) bad.push(file);
  }
  return bad;
}
