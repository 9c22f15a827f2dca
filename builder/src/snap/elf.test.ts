import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { findForeignElfs, readElfHeader } from './elf.js';

const dir = await mkdtemp(path.join(os.tmpdir(), 'coreforge-elf-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

function elf(machine: number, cls = 2): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = cls;
  b[5] = 1;
  b.writeUInt16LE(machine, 18);
  return b;
}

test('reads e_machine and rejects ELF files of another architecture', async () => {
  await writeFile(path.join(dir, 'x86'), elf(62));
  await writeFile(path.join(dir, 'arm'), elf(183));
  await writeFile(path.join(dir, 'arm32'), elf(183, 1));
  await writeFile(path.join(dir, 'text'), '#!/bin/sh\n');
  await writeFile(path.join(dir, 'short'), '\x7fEL');
  expect(await readElfHeader(path.join(dir, 'arm'))).toEqual({ machine: 183, is64: true, littleEndian: true });
  expect(await readElfHeader(path.join(dir, 'text'))).toBeUndefined();
  const files = ['x86', 'arm', 'arm32', 'text', 'short'].map((f) => path.join(dir, f));
  expect((await findForeignElfs(files, 'arm64')).map((f) => path.basename(f))).toEqual(['x86', 'arm32']);
  expect((await findForeignElfs(files, 'amd64')).map((f) => path.basename(f))).toEqual(['arm', 'arm32']);
});

test('the host node binary is an amd64 ELF', async () => {
  const header = await readElfHeader(process.execPath);
  expect(header?.machine).toBe(process.arch === 'x64' ? 62 : 183);
});
