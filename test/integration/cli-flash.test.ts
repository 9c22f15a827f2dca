// coreforge flash end to end on files: a realistic sparse disk image (GPT, vfat ESP, ext4 data, made by the real
// tools), compressed and mapped by the real build stages, flashed with --target-file by both writers; the
// refusals that a file or this machine's own disks can show for real (drive rules: builder/src/flash/drives.test.ts;
// loop devices: flash-loop.slow.test.ts).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../../builder/src/config/types.js';
import { parseBmap, mappedBytes } from '../../builder/src/flash/bmap.js';
import { parseLsblk } from '../../builder/src/flash/lsblk.js';
import { buildImage } from '../../builder/src/pipeline/runner.js';
import { defineStage } from '../../builder/src/pipeline/stage.js';
import { compressImageStage } from '../../builder/src/pipeline/stages/compress-image.js';
import { writeManifestStage } from '../../builder/src/pipeline/stages/write-manifest.js';
import { run } from '../../builder/src/tools/run.js';
import { runCli } from '../helpers/cli.js';
import { buildSparseDisk, DISK_TOOLS } from '../helpers/disk-image.js';
import { fixture } from '../helpers/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-flash-'));
const out = path.join(dir, 'out');
const raw = path.join(out, 'acme-pc.img');
const manifest = path.join(out, 'manifest.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const missingDiskTool = DISK_TOOLS.find((t) => !has(t));
const hasBmaptool = has('bmaptool');
let image: Buffer;

beforeAll(async () => {
  if (missingDiskTool) return;
  mkdirSync(out, { recursive: true });
  buildSparseDisk(raw, 64, [
    fixture('models/mobilenet_v1_0.25_128_quant.tflite'),
    fixture('models/imagenet_labels.txt'),
    fixture('images/grace_hopper.bmp'),
  ]);
  image = readFileSync(raw);
  const config = {
    name: 'classifier',
    target: 'pc-amd64',
    brand: 'acme',
    model: 'acme-pc',
    grade: 'dangerous',
    base: 'core24',
    output: out,
    image: { compression: 'xz' },
    inference: { model: '/f/m.tflite', labels: '/f/l.txt', accelerator: 'none' },
  } as unknown as ProjectConfig;
  await buildImage({
    config,
    stages: [
      defineStage({
        name: 'build-image',
        title: 'the disk above',
        requiredTools: () => [],
        makes: ['image'],
        inputs: () => ({}),
        run: async () => ({ image: raw }),
      }),
      compressImageStage,
      writeManifestStage,
    ],
    run,
    signal: new AbortController().signal,
    options: { snapcraft: false },
    renderer: 'silent',
    workdir: path.join(dir, 'work'),
  });
}, 120_000);

function flashJson(args: string[]) {
  const r = runCli(['flash', ...args, '--yes', '--json'], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as {
    bytesWritten: number;
    imageSize: number;
    writtenRatio: number;
    verified: boolean;
    writer: string;
    sha256: string;
    writeSeconds: number;
  };
}

describe.skipIf(missingDiskTool)('coreforge flash to a file', () => {
  if (missingDiskTool) console.log(`skip: "${missingDiskTool}" is not installed (bash .ci/setup installs it)`);

  it('the build lists the raw image and its block map in manifest.json', () => {
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    expect(m.rawImage).toEqual({
      file: 'acme-pc.img',
      bytes: image.length,
      sha256: createHash('sha256').update(image).digest('hex'),
    });
    expect(m.bmap.file).toBe('acme-pc.img.bmap');
    expect(parseBmap(readFileSync(path.join(out, 'acme-pc.img.bmap'), 'utf8'), 'acme-pc.img.bmap').imageSize).toBe(
      image.length,
    );
  });

  it.skipIf(!hasBmaptool)('the .bmap maps the same blocks as bmaptool create, with the same checksums', () => {
    const theirs = execFileSync('bmaptool', ['create', raw], { encoding: 'utf8' });
    const ours = readFileSync(path.join(out, 'acme-pc.img.bmap'), 'utf8');
    const ranges = (t: string) => [...t.matchAll(/<Range[^>]*>[^<]*<\/Range>/g)].map((m) => m[0]);
    expect(ranges(ours).length).toBeGreaterThan(2);
    expect(ranges(ours)).toEqual(ranges(theirs));
  });

  it('writes bytes identical to the decompressed image and no more than its mapped ranges (builtin writer)', () => {
    const target = path.join(dir, 'card-builtin.img');
    const r = flashJson(['--device', target, '--target-file', '--writer', 'builtin']);
    const bmap = parseBmap(readFileSync(path.join(out, 'acme-pc.img.bmap'), 'utf8'), 'x');
    expect(readFileSync(target).equals(image)).toBe(true);
    expect(r).toMatchObject({
      writer: 'builtin',
      verified: true,
      imageSize: image.length,
      bytesWritten: mappedBytes(bmap),
    });
    expect(r.writtenRatio).toBeLessThan(0.5);
    // The target is sparse too: it occupies about what was written.
    expect(statSync(target).blocks * 512).toBeLessThanOrEqual(mappedBytes(bmap) + 64 * 1024);
    console.log(
      `flash (builtin) of a ${image.length}-byte disk image: bytes written / image size = ${r.bytesWritten}/${r.imageSize} = ${r.writtenRatio.toFixed(3)}`,
    );
  });

  it.skipIf(!hasBmaptool)("bmaptool writes it from the build's .bmap; our read-back verifies it", () => {
    const target = path.join(dir, 'card-bmaptool.img');
    const r = flashJson(['--device', target, '--target-file', '--writer', 'bmaptool']);
    expect(readFileSync(target).equals(image)).toBe(true);
    expect(r).toMatchObject({ writer: 'bmaptool', verified: true });
    console.log(
      `flash (bmaptool): bytes written / image size = ${r.bytesWritten}/${r.imageSize} = ${r.writtenRatio.toFixed(3)}`,
    );
  });

  it('without the .bmap (--no-bmap), writes every byte', () => {
    const target = path.join(dir, 'card-nobmap.img');
    const r = flashJson([manifest, '--device', target, '--target-file', '--no-bmap']);
    expect(readFileSync(target).equals(image)).toBe(true);
    expect(r).toMatchObject({ writer: 'builtin', bytesWritten: image.length, writtenRatio: 1 });
  });

  it('prints bytes, ratio and the verified sha256 for people', () => {
    const r = runCli(
      ['flash', '--device', 'card-human.img', '--target-file', '--yes', '--writer', 'builtin', '-c', 'none.yaml'],
      { cwd: dir },
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^written {3}\d+ of \d+ bytes \(bytes written \/ image size = 0\.\d{3}\) in /m);
    expect(r.stdout).toContain(`verified  `);
    expect(r.stdout).toContain(`sha256 ${createHash('sha256').update(image).digest('hex')}`);
  });

  it('refuses a regular file without --target-file, and --target-file on a block device', () => {
    writeFileSync(path.join(dir, 'existing.img'), 'x');
    const r = runCli(['flash', '--device', 'existing.img', '--yes'], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'error: cannot flash existing.img: it is a regular file, not a block device\nhint: to write the image into a file on purpose, add --target-file\n',
    );
    expect(readFileSync(path.join(dir, 'existing.img'), 'utf8')).toBe('x');
    const disk = parseLsblk(execFileSync('lsblk', ['--json', '--output', 'NAME,PATH,TYPE'], { encoding: 'utf8' })).find(
      (d) => d.type === 'disk',
    );
    if (!disk) return void console.log('skip: lsblk lists no disk on this machine');
    const b = runCli(['flash', '--device', disk.path, '--target-file', '--yes'], { cwd: dir });
    expect(b.stderr).toBe(
      `error: cannot use --target-file with ${disk.path}: it is a block device\nhint: to flash the drive, drop --target-file: coreforge flash --device ${disk.path}\n`,
    );
  });

  it('refuses the disk that holds / on this machine, whatever the flags', () => {
    const devices = parseLsblk(
      execFileSync('lsblk', ['--json', '--output', 'NAME,PATH,TYPE,MOUNTPOINTS'], { encoding: 'utf8' }),
    );
    const holds = (d: (typeof devices)[number]): boolean => d.mountpoints.includes('/') || d.children.some(holds);
    const root = devices.find((d) => d.type === 'disk' && holds(d));
    if (!root) return void console.log('skip: / is not on a disk lsblk lists (a container overlay?)');
    const r = runCli(['flash', '--device', root.path, '--yes', '--unmount', '--force-non-removable'], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: cannot flash ${root.path}: it holds the running system \\(/ is mounted from /dev/\\S+\\)\nhint: choose a removable drive: coreforge flash --list\n$`,
      ),
    );
  });

  it('never picks a drive or confirms by itself without a terminal', () => {
    const pick = runCli(['flash', '--yes'], { cwd: dir });
    expect(pick.exitCode).toBe(1);
    expect(pick.stderr).toMatch(
      /^error: cannot choose a drive without asking: pass --device\nhint: the drives that may be flashed: /,
    );
    const ask = runCli(['flash', '--device', 'card-ask.img', '--target-file'], { cwd: dir });
    expect(ask.stderr).toBe(
      `error: cannot ask for confirmation to erase ${path.join(dir, 'card-ask.img')}: no terminal\nhint: pass --yes to confirm in scripts (check the drive first: coreforge flash --list)\n`,
    );
    expect(existsSync(path.join(dir, 'card-ask.img'))).toBe(false);
  });

  it('refuses an image that does not match the checksum the build recorded, before writing', () => {
    const copy = path.join(dir, 'damaged');
    mkdirSync(copy, { recursive: true });
    for (const f of ['acme-pc.img.xz', 'acme-pc.img.bmap', 'manifest.json'])
      copyFileSync(path.join(out, f), path.join(copy, f));
    const xz = readFileSync(path.join(copy, 'acme-pc.img.xz'));
    xz[xz.length >> 1] = xz[xz.length >> 1]! ^ 1;
    writeFileSync(path.join(copy, 'acme-pc.img.xz'), xz);
    const r = runCli(
      ['flash', path.join(copy, 'manifest.json'), '--device', 'card-damaged.img', '--target-file', '--yes'],
      { cwd: dir },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^error: cannot flash ".*acme-pc\.img\.xz": its sha256 is [0-9a-f]{64}, but the build recorded [0-9a-f]{64}\nhint: the file is damaged or was replaced: rebuild it \(coreforge build\)\n$/,
    );
    expect(existsSync(path.join(dir, 'card-damaged.img'))).toBe(false);
  });

  it('refuses a truncated raw image named on the command line (its .bmap says how long it must be)', () => {
    const copy = path.join(dir, 'truncated');
    mkdirSync(copy, { recursive: true });
    writeFileSync(path.join(copy, 'acme-pc.img'), image.subarray(0, 20 * 1024 * 1024));
    copyFileSync(path.join(out, 'acme-pc.img.bmap'), path.join(copy, 'acme-pc.img.bmap'));
    const r = runCli(
      [
        'flash',
        path.join(copy, 'acme-pc.img'),
        '--device',
        'card-trunc.img',
        '--target-file',
        '--yes',
        '--writer',
        'builtin',
      ],
      { cwd: dir },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      `error: cannot flash the image: it ended after ${20 * 1024 * 1024} of ${image.length} bytes\n`,
    );
    expect(existsSync(path.join(dir, 'card-trunc.img'))).toBe(false);
  });

  it('lists the drives with the reason each one is refused', () => {
    const text = runCli(['flash', '--list'], { cwd: dir });
    expect(text.exitCode).toBe(0);
    for (const line of text.stdout.trim().split('\n'))
      expect(line).toMatch(/^(\/dev\/\S+ +.* (ok|refused: [a-z-, ]+)|no drives found)$/);
    const r = runCli(['flash', '--list', '--json'], { cwd: dir });
    expect(r.exitCode).toBe(0);
    const list = JSON.parse(r.stdout) as { path: string; refusals: { code: string }[] }[];
    for (const d of list) expect(d.path).toMatch(/^\/dev\//);
  });
});
