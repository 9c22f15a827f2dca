// coreforge flash onto real block devices: loop devices (losetup) stand in for an SD card. They are not
// removable, which shows the refusal for real; --force-non-removable then writes through O_DIRECT, O_EXCL and
// fsync to the block layer, and the read-back must match. A mounted loop shows the mounted refusal and --unmount.
// Needs root and working loop devices; otherwise it skips and says why (CI runs as root).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanSize } from '../../builder/src/flash/bmap.js';
import { run } from '../../builder/src/tools/run.js';
import { writeBmap } from '../../builder/src/flash/write-bmap.js';
import { runCli } from '../helpers/cli.js';
import { buildSparseDisk, DISK_TOOLS } from '../helpers/disk-image.js';
import { fixture } from '../helpers/fixtures.js';

const MIB = 1024 * 1024;
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-flash-loop-'));
const loops: string[] = [];
const mounts: string[] = [];

function sh(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function why(): string | undefined {
  if (process.getuid?.() !== 0) return 'loop devices need root';
  for (const t of ['losetup', 'xz', ...DISK_TOOLS]) {
    try {
      sh('sh', ['-c', `command -v ${t}`]);
    } catch {
      return `"${t}" is not installed (bash .ci/setup installs it)`;
    }
  }
  const probe = path.join(dir, 'probe.img');
  writeFileSync(probe, Buffer.alloc(MIB));
  try {
    const dev = sh('losetup', ['--find', '--show', probe]);
    sh('losetup', ['-d', dev]);
  } catch (error) {
    return `losetup does not work here: ${(error as Error).message.split('\n')[0]}`;
  }
  return undefined;
}
const skip = why();
if (skip) console.log(`skip: flash onto loop devices: ${skip}`);

function attach(name: string, bytes: number, fill = 0xa5): string {
  const backing = path.join(dir, name);
  // Old contents everywhere, as on a used card, so unwritten spans are visible.
  const fd = openSync(backing, 'w');
  const junk = Buffer.alloc(MIB, fill);
  for (let o = 0; o < bytes; o += MIB) writeSync(fd, junk, 0, Math.min(MIB, bytes - o), o);
  closeSync(fd);
  const dev = sh('losetup', ['--find', '--show', backing]);
  loops.push(dev);
  return dev;
}

function readDevice(dev: string, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  const fd = openSync(dev, 'r');
  try {
    let done = 0;
    while (done < bytes) {
      const n = readSync(fd, out, done, bytes - done, done);
      if (n === 0) break;
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

let raw: string;
let image: Buffer;
let xz: string;

beforeAll(async () => {
  if (skip) return;
  raw = path.join(dir, 'out', 'acme-pc.img');
  mkdirSync(path.dirname(raw), { recursive: true });
  buildSparseDisk(raw, 48, [
    fixture('models/mobilenet_v1_0.25_128_quant.tflite'),
    fixture('models/imagenet_labels.txt'),
  ]);
  image = readFileSync(raw);
  await writeBmap(raw, run);
  sh('xz', ['-T0', '-k', '-f', raw]);
  xz = `${raw}.xz`;
}, 120_000);

afterAll(() => {
  for (const m of mounts) {
    try {
      sh('umount', [m]);
    } catch {
      /* already unmounted by the test */
    }
  }
  for (const dev of loops) {
    try {
      sh('losetup', ['-d', dev]);
    } catch {
      /* detached */
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('coreforge flash onto a loop device', () => {
  it('refuses a non-removable drive with the exact message, and writes nothing', () => {
    const dev = attach('nonremovable.img', 64 * MIB);
    const r = runCli(['flash', xz, '--device', dev, '--yes'], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `error: cannot flash ${dev}: it is not a removable drive (loop device, 64.0 MiB)\nhint: pass --force-non-removable if you are sure this disk may be erased\n`,
    );
    expect(readDevice(dev, MIB).every((b) => b === 0xa5)).toBe(true);
  });

  it('refuses a drive smaller than the image, with both sizes', () => {
    const dev = attach('small.img', 32 * MIB);
    const r = runCli(['flash', xz, '--device', dev, '--yes', '--force-non-removable'], { cwd: dir });
    expect(r.stderr).toBe(
      `error: cannot flash ${dev}: the drive holds 32.0 MiB (${32 * MIB} bytes) but the image needs ${humanSize(image.length)} (${image.length} bytes)\nhint: use a bigger drive\n`,
    );
  });

  for (const writer of ['builtin', 'bmaptool'] as const) {
    it(`with --force-non-removable (${writer} writer): the image's bytes on the device, only mapped ranges written, verified`, (ctx) => {
      if (writer === 'bmaptool') {
        try {
          sh('sh', ['-c', 'command -v bmaptool']);
        } catch {
          console.log('skip: bmaptool is not installed (bash .ci/setup installs bmap-tools)');
          return ctx.skip();
        }
      }
      const dev = attach(`card-${writer}.img`, 64 * MIB);
      const r = runCli(['flash', xz, '--device', dev, '--yes', '--force-non-removable', '--writer', writer, '--json'], {
        cwd: dir,
      });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const result = JSON.parse(r.stdout) as {
        bytesWritten: number;
        imageSize: number;
        writtenRatio: number;
        verified: boolean;
        direct: boolean;
        sha256: string;
      };
      expect(result).toMatchObject({
        verified: true,
        imageSize: image.length,
        sha256: createHash('sha256').update(image).digest('hex'),
      });
      if (writer === 'builtin') expect(result.direct).toBe(true);
      const onDevice = readDevice(dev, 64 * MIB);
      // Mapped ranges carry the image; the holes keep the card's old bytes (that is what skipping them means).
      const bmap = readFileSync(`${raw}.bmap`, 'utf8');
      for (const m of bmap.matchAll(/<Range chksum="([0-9a-f]+)"> (\d+)(?:-(\d+))? <\/Range>/g)) {
        const start = Number(m[2]) * 4096;
        const end = Math.min((Number(m[3] ?? m[2]) + 1) * 4096, image.length);
        expect(onDevice.subarray(start, end).equals(image.subarray(start, end))).toBe(true);
      }
      expect(onDevice.subarray(image.length).every((b) => b === 0xa5)).toBe(true);
      expect(result.writtenRatio).toBeLessThan(0.5);
      console.log(
        `flash (${writer}) onto ${dev}: bytes written / image size = ${result.bytesWritten}/${result.imageSize} = ${result.writtenRatio.toFixed(3)}`,
      );
    });
  }

  it('with --no-bmap on a zeroed device: bytes identical to the decompressed image', () => {
    const dev = attach('zeroed.img', 48 * MIB, 0);
    const r = runCli(['flash', xz, '--device', dev, '--yes', '--force-non-removable', '--no-bmap', '--json'], {
      cwd: dir,
    });
    expect(r.exitCode).toBe(0);
    expect(readDevice(dev, image.length).equals(image)).toBe(true);
  });

  it('refuses a mounted drive; --unmount unmounts its own filesystem and flashes', () => {
    const dev = attach('mounted.img', 64 * MIB);
    sh('mkfs.ext4', ['-q', '-F', dev]);
    const mnt = path.join(dir, 'mnt');
    mkdirSync(mnt, { recursive: true });
    sh('mount', [dev, mnt]);
    mounts.push(mnt);
    const refused = runCli(['flash', xz, '--device', dev, '--yes', '--force-non-removable'], { cwd: dir });
    expect(refused.stderr).toBe(
      `error: cannot flash ${dev}: ${dev} is mounted on ${mnt}\nhint: unmount it first, or pass --unmount to let coreforge unmount the partitions of ${dev}\n`,
    );
    const r = runCli(['flash', xz, '--device', dev, '--yes', '--force-non-removable', '--unmount', '--json'], {
      cwd: dir,
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(
      readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .some((l) => l.startsWith(`${dev} `)),
    ).toBe(false);
  });
});
