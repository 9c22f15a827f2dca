// The image boot test on a disk whose seed snapd wrote: `coreforge build` (dangerous example) with the stand-in
// ubuntu-image (snapd's seed writer, test store), then `coreforge test --image` boots that disk under OVMF. The
// stand-in gadget's bootx64.efi is GRUB (grub-mkstandalone) that loopback-mounts the kernel snap from the seed; the
// stand-in kernel snap holds the Debian cloud kernel and an initramfs that mounts ubuntu-seed and the inference snap
// file snapd put there, and starts its serve app. Only the seed is snapd's: this is not an Ubuntu Core boot (no
// snapd, no install mode), it proves the seed layout ubuntu-image gets from snapd carries a working snap.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../builder/src/tools/run.js';
import { defaultCacheDir, fetchBootAssets, type BootAssets } from '../vm/src/index.js';
import { buildInitramfs } from '../vm/src/initramfs.js';
import { readSnapMeta } from '../vm/src/snap-meta.js';
import { REPO_ROOT, runCli, runCliAsync } from '../helpers/cli.js';
import { withFakeTools } from '../helpers/fake-tools.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import {
  buildSeedOracle,
  PC_GADGET_ASSETS,
  seedSkipReason,
  standInKernel,
  standInStore,
} from '../helpers/seed-store.js';

const oracle = buildSeedOracle();
const missing = ['sgdisk', 'mkfs.vfat', 'mcopy', 'grub-mkstandalone', 'qemu-system-x86_64'].filter(
  (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0,
);
const skip =
  seedSkipReason(oracle) ??
  (missing.length > 0
    ? `missing ${missing.join(', ')}`
    : process.env.COREFORGE_SKIP_BOOT
      ? 'COREFORGE_SKIP_BOOT is set'
      : undefined);
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-seed-boot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The stand-in gadget's boot loader: GRUB, whose embedded grub.cfg boots the kernel snap the test store serves. */
function grubEfi(): Buffer {
  const cfg = path.join(dir, 'grub.cfg');
  // The seed writer puts store snaps at /snaps/<name>_<revision>.snap; the test store serves pc-kernel revision 1.
  // (On Ubuntu Core, snapd's grubenv names the kernel snap; the stand-in ubuntu-image does not run that part.)
  writeFileSync(
    cfg,
    `set timeout=0
search --no-floppy --set=root --file /snaps/pc-kernel_1.snap
loopback loop /snaps/pc-kernel_1.snap
linux (loop)/kernel.img console=ttyS0 quiet panic=-1 coreforge.seed=/dev/vda2
initrd (loop)/initrd.img
boot
`,
  );
  const efi = path.join(dir, 'bootx64.efi');
  execFileSync('grub-mkstandalone', [
    '-O',
    'x86_64-efi',
    '-o',
    efi,
    '--modules=part_gpt fat search search_fs_file loopback squash4 xzio gzio linux normal',
    `boot/grub/grub.cfg=${cfg}`,
  ]);
  return readFileSync(efi);
}

let env: Record<string, string>;
let assets: BootAssets;
const project = path.join(dir, 'coreforge.yaml');

beforeAll(async () => {
  if (skip) return;
  assets = await fetchBootAssets(run, 'amd64', defaultCacheDir(process.env), { hostArch: 'amd64' });
  const keysEnv = { COREFORGE_KEYS_DIR: path.join(dir, 'keys') };
  expect(runCli(['keys', 'create', 'acme-dev'], { env: keysEnv }).exitCode).toBe(0);
  const pub = path.join(dir, 'acme-dev.pub');
  expect(runCli(['keys', 'export-public', 'acme-dev', '-o', pub], { env: keysEnv }).exitCode).toBe(0);
  writeFileSync(project, readFileSync(path.join(REPO_ROOT, 'examples/classifier/coreforge.yaml'), 'utf8'));
  const base = withFakeTools(process.env, { ...keysEnv, COREFORGE_FIXTURES: FIXTURES_DIR });
  // The inference snap first: the stand-in kernel's initramfs starts its serve app.
  const packed = await runCliAsync(['build', '-c', project, '--thru', 'pack-snap'], { env: base, timeout: 1_200_000 });
  expect(packed.exitCode, packed.stderr).toBe(0);
  const meta = await readSnapMeta(run, path.join(dir, 'out', 'classifier_0.1.0_amd64.snap'));
  const kernel = standInKernel({
    'kernel.img': readFileSync(assets.kernel),
    'initrd.img': await buildInitramfs(assets, meta, { seedBoot: true }),
  });
  const store = standInStore(
    path.join(dir, 'store'),
    (oracle as { binary: string }).binary,
    'acme',
    readFileSync(pub, 'utf8').trim(),
    kernel,
    { ...PC_GADGET_ASSETS, 'shim.efi.signed': grubEfi() },
  );
  env = { ...base, ...store.env };
}, 1_800_000);

describe.skipIf(skip !== undefined)(
  `image boot of a disk whose seed snapd wrote${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('builds the example with the stand-in ubuntu-image, boots it under OVMF and classifies', async () => {
      const built = await runCliAsync(['build', '-c', project, '--resume'], { env, timeout: 1_200_000 });
      expect(built.exitCode, built.stderr).toBe(0);
      const xz = path.join(dir, 'out', 'acme-classifier-pc.img.xz');
      execFileSync('xz', ['-dkf', xz]);
      const r = await runCliAsync(
        [
          'test',
          '--image',
          path.join(dir, 'out', 'acme-classifier-pc.img'),
          '--expect',
          '653',
          '--timeout',
          '600',
          '--report-dir',
          path.join(dir, 'report'),
          '--json',
        ],
        { env, timeout: 1_200_000 },
      );
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { passed: boolean; index: number; label: string };
      console.log(`seed image boot: ${JSON.stringify(report).slice(0, 400)}`);
      expect(report).toMatchObject({ passed: true, index: 653 });
    }, 1_800_000);
  },
);
