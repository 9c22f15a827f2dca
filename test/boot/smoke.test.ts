// The snap smoke VM for real, in CI: the example snap packed offline, booted in QEMU (TCG), classifying
// grace_hopper.bmp inside the VM; and the failure paths, each ending in a clear failure with no QEMU left.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packInferenceSnap } from '../../builder/src/snap/pack.js';
import { run, spawn } from '../../builder/src/tools/run.js';
import { buildTestDiskImage, runImageBootTest } from '../vm/src/image.js';
import {
  defaultCacheDir,
  fetchBootAssets,
  probeKvm,
  runSnapSmokeTest,
  type Arch,
  type BootAssets,
} from '../vm/src/index.js';
import { fixture } from '../helpers/fixtures.js';
import { loadProjectConfig } from '../../builder/src/config/load.js';
import { CLI, REPO_ROOT } from '../helpers/cli.js';

const missing = ['qemu-system-x86_64', 'unsquashfs', 'mksquashfs', 'apt-get', 'dpkg-deb'].filter(
  (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0,
);
const work = mkdtempSync(path.join(tmpdir(), 'coreforge-boot-'));
const cacheDir = defaultCacheDir(process.env);
const photo = readFileSync(fixture('images/grace_hopper.bmp'));
const qemuLeft = (marker: string) => spawnSync('pgrep', ['-f', marker]).stdout.toString().trim();

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(missing.length > 0)(
  `snap smoke VM${missing.length ? ` (skipped: missing ${missing.join(', ')})` : ''}`,
  () => {
    let snapFile: string;
    let assets: BootAssets;
    beforeAll(async () => {
      assets = await fetchBootAssets(run, 'amd64', cacheDir, { hostArch: 'amd64' });
      const config = await loadProjectConfig(path.join(REPO_ROOT, 'examples/classifier/coreforge.yaml'));
      snapFile = (await packInferenceSnap(config, { arch: 'amd64', outDir: path.join(work, 'snaps'), run })).snapFile;
    }, 600_000);

    const smoke = (overrides: Partial<Parameters<typeof runSnapSmokeTest>[0]> & { arch?: Arch } = {}) =>
      runSnapSmokeTest({
        snapFile,
        arch: 'amd64',
        hostArch: 'amd64',
        photo,
        expect: '653',
        timeoutMs: 180_000,
        reportDir: path.join(work, 'report'),
        cacheDir,
        run,
        spawn,
        ...overrides,
      });

    it('classifies grace_hopper.bmp as 653 military uniform inside the VM', async () => {
      const report = await smoke();
      console.log(
        `smoke amd64: boot ${report.bootMs} ms, service ready ${report.serviceReadyMs?.toFixed(0)} ms, first label ${report.firstClassificationMs?.toFixed(0)} ms: ${report.index}:${report.label} ${report.score}`,
      );
      expect(report.failure).toBeUndefined();
      expect(report).toMatchObject({ passed: true, index: 653, label: 'military uniform' });
      expect(report.score).toBeGreaterThanOrEqual(0.85);
      expect(readFileSync(report.serialLog, 'utf8')).toContain('listening on http://0.0.0.0:8080');
      expect(qemuLeft(snapFile)).toBe('');
    });

    it('boots a test-built GPT disk image under OVMF (overlay, forwarded port, serial log) and classifies', async () => {
      if (
        ['sgdisk', 'mkfs.vfat', 'mcopy', 'grub-mkstandalone'].some(
          (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0,
        ) ||
        !existsSync('/usr/share/OVMF') ||
        !existsSync('/usr/lib/grub/x86_64-efi')
      ) {
        console.log('image boot skipped: needs gdisk, dosfstools, mtools, grub-efi-amd64-bin and ovmf');
        return;
      }
      const image = path.join(work, 'disk.img');
      await buildTestDiskImage(run, assets, snapFile, image);
      const before = readFileSync(image);
      const report = await runImageBootTest({
        image,
        arch: 'amd64',
        photo,
        expect: '653',
        timeoutMs: 240_000,
        reportDir: path.join(work, 'report-image'),
        guestPort: 8080,
        spawn,
      });
      console.log(
        `image boot amd64: service ready ${report.serviceReadyMs?.toFixed(0)} ms, first label ${report.firstClassificationMs?.toFixed(0)} ms: ${report.index}:${report.label}`,
      );
      expect(report.failure).toBeUndefined();
      expect(report).toMatchObject({ kind: 'image', passed: true, index: 653 });
      expect(readFileSync(image).equals(before)).toBe(true);
      expect(qemuLeft(image)).toBe('');
    });

    it('coreforge test --snap prints the classification from the VM and writes JSON, JUnit and the serial log', () => {
      // npm test builds first (CI too): a missing CLI is a failure, not a pass.
      expect(existsSync(CLI), `${CLI} is missing: run "npm run build"`).toBe(true);
      const reportDir = path.join(work, 'cli-report');
      const junit = path.join(work, 'junit.xml');
      const started = Date.now();
      const r = spawnSync(
        process.execPath,
        [CLI, 'test', '--snap', snapFile, '--accel', 'tcg', '--json', '--junit', junit, '--report-dir', reportDir],
        { encoding: 'utf8', timeout: 300_000 },
      );
      console.log(`coreforge test --snap (CLI, amd64 TCG): ${Date.now() - started} ms from command start to exit`);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout) as { passed: boolean; index: number; label: string; serialLog: string };
      expect(report).toMatchObject({
        passed: true,
        index: 653,
        label: 'military uniform',
        serialLog: path.join(reportDir, 'serial-amd64.log'),
      });
      expect(readFileSync(report.serialLog, 'utf8')).toContain('coreforge-smoke: starting serve');
      expect(readFileSync(junit, 'utf8')).toMatch(/<testsuites tests="1" failures="0">/);
      expect(JSON.parse(readFileSync(path.join(reportDir, 'report-snap-amd64.json'), 'utf8'))).toMatchObject({
        passed: true,
      });
      expect(qemuLeft(snapFile)).toBe('');
    });

    it('kills QEMU when the run is aborted (Ctrl-C)', async () => {
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 1500);
      const report = await smoke({ signal: controller.signal }).catch((e: unknown) => e);
      console.log(`aborted smoke run ended after ${Date.now() - started} ms`);
      expect(Date.now() - started).toBeLessThan(15_000);
      // Aborted while QEMU runs: a failed report (QEMU killed, the service never answered); aborted before QEMU
      // started (a slow boot-asset check): the CANCELLED error. Never a pass, never a hang.
      if (report instanceof Error) expect(report).toMatchObject({ code: 'CANCELLED' });
      else expect(report).toMatchObject({ passed: false, failure: { code: 'SERVICE_UNREACHABLE' } });
      expect(qemuLeft(snapFile)).toBe('');
    });

    it('probes KVM within 2 s and leaves no QEMU behind (a hanging KVM guest means TCG)', async () => {
      const started = Date.now();
      const works = (await probeKvm({ spawn, arch: 'amd64', kernel: async () => assets.kernel })).usable;
      console.log(`KVM probe: ${works ? 'KVM boots a kernel' : 'no working KVM, TCG'} (${Date.now() - started} ms)`);
      expect(Date.now() - started).toBeLessThan(4000);
      if (!existsSync('/dev/kvm')) expect(works).toBe(false);
      // Only this worker's children: doctor's tests and other suites run the same probe at the same time.
      expect(
        spawnSync('pgrep', ['-P', String(process.pid), '-f', 'earlycon=uart8250'])
          .stdout.toString()
          .trim(),
      ).toBe('');
    });

    it('fails clearly on a wrong expected label', async () => {
      const report = await smoke({ expect: 'macaw' });
      expect(report.passed).toBe(false);
      expect(report.failure?.code).toBe('WRONG_LABEL');
      expect(report.failure?.message).toMatch(/^expected macaw, the VM answered 653:military uniform \(0\.\d{6}\)$/);
      expect(qemuLeft(snapFile)).toBe('');
    });

    it("fails clearly when the snap's service does not start", async () => {
      const tree = path.join(work, 'broken-tree');
      mkdirSync(path.join(tree, 'meta'), { recursive: true });
      mkdirSync(path.join(tree, 'bin'), { recursive: true });
      writeFileSync(
        path.join(tree, 'meta', 'snap.yaml'),
        'name: broken\nversion: "1"\narchitectures: [amd64]\napps:\n  serve:\n    command: bin/serve\n    daemon: simple\n',
      );
      writeFileSync(path.join(tree, 'bin', 'serve'), '#!/bin/sh\necho "broken service: no model" >&2\nexit 3\n');
      chmodSync(path.join(tree, 'bin', 'serve'), 0o755);
      const broken = path.join(work, 'broken_1_amd64.snap');
      execFileSync('mksquashfs', [tree, broken, '-noappend', '-comp', 'xz', '-all-root', '-quiet']);
      const started = Date.now();
      const report = await smoke({ snapFile: broken, timeoutMs: 60_000 });
      expect(report.passed).toBe(false);
      expect(report.failure?.code).toBe('SERVICE_UNREACHABLE');
      expect(report.failure?.message).toContain('the service exited in the VM');
      expect(report.failure?.message).toContain('broken service: no model');
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(qemuLeft(broken)).toBe('');
    });

    it('fails within its timeout when the VM never boots (bad kernel)', async () => {
      const badKernel = path.join(work, 'vmlinuz-bad');
      writeFileSync(badKernel, Buffer.alloc(4 * 1024 * 1024, 0x90));
      const started = Date.now();
      const report = await smoke({ assets: { ...assets, kernel: badKernel }, timeoutMs: 20_000 });
      expect(report.passed).toBe(false);
      expect(['BOOT_TIMEOUT', 'SERVICE_UNREACHABLE']).toContain(report.failure?.code);
      expect(report.failure?.message).toMatch(/did not reach \/init|QEMU exited/);
      expect(Date.now() - started).toBeLessThan(40_000);
      expect(qemuLeft(badKernel)).toBe('');
    });
  },
);

const missingArm = ['qemu-system-aarch64', 'aarch64-linux-gnu-g++', 'unsquashfs', 'apt-get'].filter(
  (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0,
);

describe.skipIf(missingArm.length > 0)(
  `arm64 snap smoke VM${missingArm.length ? ` (skipped: missing ${missingArm.join(', ')})` : ''}`,
  () => {
    it('classifies grace_hopper.bmp as 653 inside an emulated Cortex-A72', async () => {
      const config = await loadProjectConfig(path.join(REPO_ROOT, 'examples/classifier/coreforge.yaml'));
      const { snapFile } = await packInferenceSnap(config, {
        arch: 'arm64',
        outDir: path.join(work, 'snaps-arm64'),
        run,
      });
      const report = await runSnapSmokeTest({
        snapFile,
        arch: 'arm64',
        hostArch: 'amd64',
        photo,
        expect: 'military uniform',
        timeoutMs: 300_000,
        reportDir: path.join(work, 'report-arm64'),
        cacheDir,
        run,
        spawn,
      });
      console.log(
        `smoke arm64: boot ${report.bootMs} ms, service ready ${report.serviceReadyMs?.toFixed(0)} ms, first label ${report.firstClassificationMs?.toFixed(0)} ms: ${report.index}:${report.label} ${report.score}`,
      );
      expect(report.failure).toBeUndefined();
      expect(report).toMatchObject({ passed: true, index: 653 });
      expect(qemuLeft(snapFile)).toBe('');
    });
  },
);
