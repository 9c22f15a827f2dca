// Builds a small, realistic, sparse whole-disk image with the real tools, the way an image builder does:
// a GPT (sgdisk), an ESP (mkfs.vfat --offset, files copied in with mcopy) and an ext4 "writable" partition
// populated from a folder (mkfs.ext4 -E offset -d). Unwritten space stays a hole.
import { execFileSync } from 'node:child_process';
import { mkdirSync, copyFileSync, truncateSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const MIB = 1024 * 1024;
export const DISK_TOOLS = ['sgdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4'] as const;

/** Writes `file` (sizeMiB) and returns it. `payload` files go into both partitions. */
export function buildSparseDisk(file: string, sizeMiB: number, payload: readonly string[]): string {
  const espMiB = 16;
  writeFileSync(file, '');
  truncateSync(file, sizeMiB * MIB);
  const run = (tool: string, args: string[]) => execFileSync(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  run('sgdisk', [
    '--clear',
    '-n',
    `1:2048:+${espMiB}M`,
    '-t',
    '1:ef00',
    '-c',
    '1:ubuntu-seed',
    '-n',
    '2:0:0',
    '-t',
    '2:8300',
    '-c',
    '2:ubuntu-data',
    file,
  ]);
  const espSectors = (espMiB * MIB) / 512;
  run('mkfs.vfat', ['-n', 'SEED', '--offset=2048', file, String(espSectors / 2)]);
  for (const p of payload) run('mcopy', ['-i', `${file}@@1M`, p, `::/${path.basename(p)}`]);
  const dataDir = `${file}.d`;
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir);
  for (const p of payload) copyFileSync(p, path.join(dataDir, path.basename(p)));
  const dataStart = (1 + espMiB) * MIB;
  const dataKiB = (sizeMiB - 1 - espMiB - 1) * 1024;
  run('mkfs.ext4', ['-q', '-F', '-L', 'writable', '-E', `offset=${dataStart}`, '-d', dataDir, file, `${dataKiB}k`]);
  rmSync(dataDir, { recursive: true, force: true });
  return file;
}
