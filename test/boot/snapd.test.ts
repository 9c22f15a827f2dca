// The inference snap under Debian's real snapd in a VM (coreforge test --snapd), in CI: the example snap passes
// every step; a configure hook that exits 1 fails at install naming the hook's message; a snap without network-bind
// whose daemon also reads a file outside its confinement fails naming both; a Coral raw-usb plug connects. No QEMU is left.
import { execFile, spawn as spawnChild, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../builder/src/config/load.js';
import { packInferenceSnap } from '../../builder/src/snap/pack.js';
import { run, spawn } from '../../builder/src/tools/run.js';
import { INFERENCE_SNAP_ALLOWED_DENIALS, runSnapdTest, type SnapdReport, type SnapdStep } from '../vm/src/index.js';
import { buildSnapdDisk, type SnapdDisk } from '../vm/src/snapd-disk.js';
import { CLI, REPO_ROOT } from '../helpers/cli.js';
import { fixture } from '../helpers/fixtures.js';

const need = ['qemu-system-x86_64', 'mmdebstrap', 'mkfs.ext4', 'unsquashfs', 'snap', 'tar'];
const missing = need.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const why = missing.length
  ? `missing ${missing.join(', ')}`
  : process.getuid?.() !== 0
    ? 'the VM disk build (mmdebstrap, mkfs.ext4 -d) needs root'
    : undefined;
const cacheDir = path.join(REPO_ROOT, 'test', '.cache', 'snapd');
const work = mkdtempSync(path.join(tmpdir(), 'coreforge-snapd-test-'));
const photo = readFileSync(fixture('images/grace_hopper.bmp'));
const qemuLeft = (marker: string) => spawnSync('pgrep', ['-f', marker]).stdout.toString().trim();

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A variant of the example snap: unpacked, changed by `edit`, packed again with Debian's snap pack. */
// Asynchronous, so the concurrent tests' worker keeps answering vitest while a variant is packed.
const exec = promisify(execFile);
async function variant(snapFile: string, label: string, edit: (tree: string) => void): Promise<string> {
  const tree = path.join(work, `tree-${label}`);
  await exec('unsquashfs', ['-q', '-d', tree, snapFile]);
  edit(tree);
  const out = path.join(work, label);
  await exec('snap', ['pack', '--compression=lzo', `--filename=${label}.snap`, tree, out]);
  rmSync(tree, { recursive: true, force: true });
  return path.join(out, `${label}.snap`);
}

/** At most two VMs at once, however many tests vitest starts together. */
let running = 0;
const waiting: (() => void)[] = [];
async function oneOfTwo<T>(task: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const steps = (r: SnapdReport) =>
  r.steps.map((s) => `${s.name} ${s.passed ? 'ok' : 'FAIL'} ${(s.ms / 1000).toFixed(1)} s`).join(', ');

describe.skipIf(why !== undefined)(`snapd VM${why ? ` (skipped: ${why})` : ''}`, () => {
  let snapFile: string;
  let disk: SnapdDisk;
  beforeAll(async () => {
    const config = await loadProjectConfig(path.join(REPO_ROOT, 'examples/classifier/coreforge.yaml'));
    snapFile = (await packInferenceSnap(config, { arch: 'amd64', outDir: path.join(work, 'snaps'), run })).snapFile;
    const started = Date.now();
    disk = await buildSnapdDisk({ run, spawn, cacheDir, accel: 'tcg' });
    console.log(
      `snapd VM disk ${disk.key}: ${Date.now() - started > 10_000 ? `built in ${((Date.now() - started) / 1000).toFixed(0)} s (${JSON.stringify(disk.built)})` : 'from the cache'}`,
    );
  }, 1_500_000);

  const snapd = (file: string, only?: SnapdStep[]) =>
    oneOfTwo(() =>
      runSnapdTest({
        snapFile: file,
        photo,
        expect: '653',
        timeoutMs: 1_500_000,
        reportDir: path.join(work, `report-${path.basename(file)}`),
        cacheDir,
        disk,
        allowList: INFERENCE_SNAP_ALLOWED_DENIALS,
        run,
        spawn,
        serviceWaitMs: 60_000,
        ...(only && { steps: only }),
      }),
    );

  it.concurrent(
    'coreforge test --snapd passes every step for the example snap and writes JSON and JUnit',
    async () => {
      if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build`);
      const reportDir = path.join(work, 'cli-report');
      const junit = path.join(work, 'junit-snapd.xml');
      const started = Date.now();
      let stdout = '';
      let stderr = '';
      const status = await oneOfTwo(() => {
        const child = spawnChild(
          process.execPath,
          [
            CLI,
            'test',
            '--snapd',
            snapFile,
            '--accel',
            'tcg',
            '--json',
            '--junit',
            junit,
            '--report-dir',
            reportDir,
            '--cache-dir',
            cacheDir,
            '--timeout',
            '2400',
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        return new Promise<number | null>((r) => child.on('close', r));
      });
      const report = JSON.parse(stdout) as SnapdReport;
      console.log(
        `coreforge test --snapd (CLI, TCG, warm disk): ${((Date.now() - started) / 1000).toFixed(0)} s; ${steps(report)}`,
      );
      expect(report.failure).toBeUndefined();
      expect(status).toBe(0);
      expect(stderr).toMatch(/snapd VM: step install/);
      expect(report).toMatchObject({ kind: 'snapd', passed: true, index: 653, label: 'military uniform' });
      expect(report.steps.map((s) => s.name)).toEqual([
        'boot',
        'install',
        'services',
        'started-once',
        'classify-http',
        'configure-set',
        'configure-token',
        'configure-port',
        'configure-bind',
        'configure-threads',
        'configure-model',
        'configure-unset',
        'classify-app',
        'confinement',
        'denials',
      ]);
      expect(report.steps.every((s) => s.passed)).toBe(true);
      expect(report.steps.find((s) => s.name === 'services')?.detail).toMatch(/^classifier\.serve enabled active/);
      expect(report.steps.find((s) => s.name === 'started-once')?.detail).toBe('the install started the daemon once');
      // One snap set of every option restarts the daemon once; each option's step sees its value take effect.
      expect(report.steps.find((s) => s.name === 'configure-set')?.detail).toMatch(
        /restarted the daemon once \(MainPID \d+ -> \d+\)/,
      );
      expect(report.steps.find((s) => s.name === 'configure-token')?.detail).toMatch(/401 without, 200 with/);
      expect(report.steps.find((s) => s.name === 'configure-model')?.detail).toMatch(
        /runs with -m \/snap\/classifier\/current\/model\/\S+\.tflite and classifies 653/,
      );
      expect(report.steps.find((s) => s.name === 'configure-port')?.detail).toMatch(
        /port must be a number from 1 to 65535, not "http"/,
      );
      expect(report.steps.find((s) => s.name === 'confinement')?.detail).toMatch(
        /snap\.classifier\.serve \(enforce\), Seccomp 2/,
      );
      // Node's io_uring probe is refused by seccomp and allow-listed with its reason (no environment setting stops it).
      expect(
        report.denials.filter((d) => d.kind === 'seccomp').every((d) => d.verdict === 'allowed' && d.syscall === 425),
      ).toBe(true);
      expect(report.denials.filter((d) => d.verdict === 'unexpected')).toEqual([]);
      expect(report.confinement).toMatch(/^(strict|partial)$/);
      expect(readFileSync(junit, 'utf8')).toMatch(/<testsuites tests="15" failures="0">/);
      expect(readFileSync(path.join(reportDir, 'snapd-vm', 'journal.txt'), 'utf8')).toContain('snap.classifier.serve');
    },
    2_700_000,
  );

  it.concurrent(
    'fails at install, naming the hook error, when the configure hook exits 1',
    async () => {
      const bad = await variant(snapFile, 'hook-exit-1', (tree) => {
        writeFileSync(
          path.join(tree, 'meta/hooks/configure'),
          '#!/bin/sh\necho "coreforge-test: this configure hook refuses on purpose" >&2\nexit 1\n',
        );
        chmodSync(path.join(tree, 'meta/hooks/configure'), 0o755);
      });
      const report = await snapd(bad, ['denials']);
      console.log(`hook exit 1: ${steps(report)}`);
      expect(report.passed).toBe(false);
      expect(report.failure?.code).toBe('STEP_INSTALL');
      expect(report.failure?.message).toMatch(/run hook "configure"/);
      expect(report.failure?.message).toContain('coreforge-test: this configure hook refuses on purpose');
    },
    1_800_000,
  );

  it.concurrent(
    'fails at services, naming the state and the denials, when the snap forgets network-bind and reads a file outside its confinement; its Coral raw-usb plug connects',
    async () => {
      // One boot for three checks (CI time): the daemon cannot listen without network-bind; its launcher reads
      // /etc/shadow, which AppArmor refuses and the denials step must name as not allow-listed; and a Coral snap's
      // raw-usb plug (with a clearly named test-double libedgetpu, not Coral's) connects to the system slot.
      const bad = await variant(snapFile, 'no-network-bind-coral', (tree) => {
        const yaml = path.join(tree, 'meta/snap.yaml');
        writeFileSync(
          yaml,
          readFileSync(yaml, 'utf8')
            .replace(/\n(\s+)- network-bind/, '\n$1- raw-usb')
            .replace(/(\n(\s+)- home)/, '$1\n$2- raw-usb'),
        );
        writeFileSync(
          path.join(tree, 'lib/libedgetpu.so.1.TEST-DOUBLE-not-coral'),
          'coreforge test double: no Edge TPU runtime here\n',
        );
        const serve = path.join(tree, 'bin/serve');
        writeFileSync(
          serve,
          readFileSync(serve, 'utf8').replace('set -e\n', 'set -e\nhead -c 1 /etc/shadow >/dev/null 2>&1 || true\n'),
        );
      });
      const yaml = (await exec('unsquashfs', ['-cat', bad, 'meta/snap.yaml'])).stdout;
      expect(yaml).not.toContain('network-bind');
      expect(yaml.match(/- raw-usb/g)).toHaveLength(2);
      const report = await snapd(bad, ['coral', 'denials']);
      console.log(`no network-bind + raw-usb: ${steps(report)}`);
      expect(report.passed).toBe(false);
      expect(report.failure?.code).toBe('STEP_SERVICES');
      expect(report.failure?.message).toMatch(/did not answer on port 8080/);
      expect(report.failure?.message).toMatch(/ActiveState=/);
      expect(report.failure?.message).toMatch(/apparmor="DENIED".*family="inet"/);
      expect(report.steps.find((s) => s.name === 'coral-raw-usb')).toMatchObject({ passed: true });
      expect(report.steps.find((s) => s.name === 'coral-raw-usb')?.detail).toMatch(/classifier:raw-usb\s+:raw-usb/);
      const denials = report.steps.find((s) => s.name === 'denials');
      expect(denials?.passed).toBe(false);
      expect(denials?.failure).toMatch(/not on the reviewed allow-list/);
      expect(denials?.failure).toMatch(/apparmor="DENIED" operation="open".*name="\/etc\/shadow"/);
      expect(report.denials.find((d) => d.name === '/etc/shadow')).toMatchObject({
        verdict: 'unexpected',
        profile: 'snap.classifier.serve',
      });
    },
    1_800_000,
  );

  // The three runs above boot concurrently (two at a time): QEMU under TCG keeps one core busy, and CI has two.
  it('leaves no QEMU running after those runs, passed or failed', () => {
    expect(qemuLeft(disk.disk)).toBe('');
  });

  it('kills QEMU when the run is aborted (Ctrl-C)', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 8000);
    const result = await runSnapdTest({
      snapFile,
      photo,
      expect: '653',
      timeoutMs: 600_000,
      reportDir: path.join(work, 'report-abort'),
      cacheDir,
      disk,
      allowList: [],
      run,
      spawn,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    console.log(`aborted snapd run ended after ${Date.now() - started} ms`);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result).toBeDefined();
    expect(qemuLeft(disk.disk)).toBe('');
  });
});
