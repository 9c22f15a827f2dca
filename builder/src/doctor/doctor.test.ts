import { describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import type { Run, RunResult } from '../tools/run.js';
import { renderDoctorTable, runDoctor } from './doctor.js';

/** A `run` that answers from a table; tools not in it are missing (TOOL_NOT_FOUND, as run.ts throws). */
function tableRun(answers: Record<string, Partial<RunResult>>): Run & { calls: string[] } {
  const calls: string[] = [];
  const run = (async (tool, args) => {
    calls.push([tool, ...args].join(' '));
    const a = answers[tool];
    if (!a) throw new BuilderError('TOOL_NOT_FOUND', `cannot run "${tool}": command not found`);
    return { command: tool, exitCode: 0, stdout: '', stderr: '', ...a };
  }) as Run & { calls: string[] };
  run.calls = calls;
  return run;
}

const HOST = {
  snap: { stdout: 'Usage:\n  snap pack [pack-OPTIONS] <snap-dir> [<target-dir>]\n' },
  'dpkg-query': { stdout: '2.57.6-2' },
  mksquashfs: { stdout: 'mksquashfs version 4.5.1 (2022/03/17)\n' },
  unsquashfs: { stdout: 'unsquashfs version 4.5.1 (2022/03/17)\n' },
  xdelta3: { stderr: 'Xdelta version 3.1.0, Copyright (C) Joshua MacDonald\n' },
  'qemu-system-x86_64': { stdout: 'QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)\n' },
  'qemu-img': { stdout: 'qemu-img version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)\n' },
  'apt-get': { stdout: 'apt 2.6.1 (amd64)\n' },
  gpg: { stdout: 'gpg (GnuPG) 2.2.40\nlibgcrypt 1.10.1\n' },
  git: { stdout: 'git version 2.39.5\n' },
  npm: { stdout: '11.19.1\n' },
  xz: { stdout: 'xz (XZ Utils) 5.4.1\nliblzma 5.4.1\n' },
  'x86_64-linux-gnu-strip': { stdout: 'GNU strip (GNU Binutils for Debian) 2.40\n' },
  'dpkg-deb': { stdout: "Debian 'dpkg-deb' package archive backend version 1.21.22 (amd64).\n" },
};

const HANGS =
  "a Linux guest hangs under KVM: the boot tests' amd64 kernel (-cpu host) printed nothing in 2 s: boot tests use TCG (slower)";

const options = (run: Run, extra: object = {}) => ({
  run,
  nodeVersion: '20.20.2',
  tflite: async () => ({ found: true, path: '/x/libtensorflowlite_c.so', version: '2.9.0' }),
  kvm: async () => ({ usable: false, detail: HANGS }),
  exists: async (f: string) => f === '/usr/share/OVMF/OVMF_CODE_4M.fd',
  ...extra,
});

describe('doctor', () => {
  it('is ready for amd64 when only store tools, aarch64 tools and AAVMF are missing, and reports versions', async () => {
    const report = await runDoctor(options(tableRun(HOST), { arch: 'amd64' }));
    expect(report.ok).toBe(true);
    const byName = Object.fromEntries(report.entries.map((e) => [e.name, e]));
    expect(byName.snap).toMatchObject({ found: true, version: '2.57.6-2', required: true, hint: null });
    expect(byName.xdelta3).toMatchObject({ found: true, version: '3.1.0' });
    expect(byName['qemu-system-x86_64']).toMatchObject({ found: true, version: '7.2.19', required: true });
    expect(byName.snapcraft).toMatchObject({
      found: false,
      required: false,
      hint: 'sudo snap install snapcraft --classic',
    });
    expect(byName['ubuntu-image']).toMatchObject({
      found: false,
      required: false,
      hint: 'sudo snap install ubuntu-image --classic',
    });
    expect(byName['qemu-system-aarch64']).toMatchObject({
      found: false,
      required: false,
      hint: 'sudo apt-get install qemu-system-arm',
    });
    expect(byName['OVMF firmware']).toMatchObject({ found: true, detail: '/usr/share/OVMF/OVMF_CODE_4M.fd' });
    expect(byName['AAVMF firmware']).toMatchObject({ found: false, required: false });
    expect(byName.libtensorflowlite_c).toMatchObject({ found: true, version: '2.9.0', required: true });
    expect(byName.kvm).toMatchObject({ found: false, required: false, detail: HANGS });
    expect(byName.node).toMatchObject({ found: true, version: '20.20.2' });
    expect(byName.npm).toMatchObject({ found: true, version: '11.19.1', required: true });
    expect(byName.xz).toMatchObject({ found: true, version: '5.4.1', required: false });
    expect(byName['x86_64-linux-gnu-strip']).toMatchObject({ found: true, version: '2.40', required: true });
    expect(byName['aarch64-linux-gnu-strip']).toMatchObject({
      found: false,
      required: false,
      hint: 'sudo apt-get install binutils-aarch64-linux-gnu',
    });
    expect(byName.git).toMatchObject({ required: false }); // needed by build --snapcraft (the version rule), not by this project
    expect(report.entries.map((e) => e.name)).toHaveLength(24);
    const caps = Object.fromEntries(report.capabilities.map((c) => [c.name, c]));
    expect(caps['build the image (coreforge build)']).toMatchObject({
      ok: false,
      required: false,
      reason: 'missing ubuntu-image',
    });
    expect(caps['KVM acceleration for the boot tests']).toMatchObject({ ok: false, reason: HANGS });
    expect(caps['boot-test the amd64 snap (coreforge test --snap)']).toMatchObject({
      ok: true,
      required: true,
      reason: null,
    });
    expect(renderDoctorTable(report)).toContain(`  no   KVM acceleration for the boot tests: ${HANGS}`);
  });

  it('says what mmdebstrap is for and what the first snapd VM disk build costs', async () => {
    const missing = Object.fromEntries(
      (await runDoctor(options(tableRun(HOST), { arch: 'amd64' }))).entries.map((e) => [e.name, e]),
    );
    expect(missing.mmdebstrap).toMatchObject({ found: false, required: false, neededFor: ['snapd-vm'] });
    expect(missing.mmdebstrap?.hint).toMatch(/^sudo apt-get install mmdebstrap \(for coreforge test --snapd/);
    const found = Object.fromEntries(
      (
        await runDoctor(options(tableRun({ ...HOST, mmdebstrap: { stdout: 'mmdebstrap 1.3.5\n' } }), { arch: 'amd64' }))
      ).entries.map((e) => [e.name, e]),
    );
    expect(found.mmdebstrap).toMatchObject({ found: true, version: '1.3.5' });
    expect(found.mmdebstrap?.detail).toMatch(
      /first coreforge test --snapd builds its VM disk .* \(cached afterwards\)/,
    );
  });

  it('is not ready for arm64 without the cross compiler and qemu-system-aarch64', async () => {
    const report = await runDoctor(options(tableRun(HOST), { arch: 'arm64' }));
    expect(report.ok).toBe(false);
    const missing = report.entries.filter((e) => !e.found && e.required).map((e) => e.name);
    expect(missing).toEqual(['aarch64-linux-gnu-strip', 'aarch64-linux-gnu-g++', 'qemu-system-aarch64']);
    const table = renderDoctorTable(report);
    expect(table).toContain('qemu-system-aarch64      MISSING');
    expect(table).toContain('install: sudo apt-get install g++-aarch64-linux-gnu');
    expect(table).toContain('  no   boot-test the image (coreforge test --image): a pi-arm64 image boots with piboot');
    expect(table.split('\n').at(-1)).toBe(
      'not ready: 3 required tool(s) missing; cannot pack the arm64 snap offline (coreforge snap pack); boot-test the arm64 snap (coreforge test --snap)',
    );
  });

  it('is not ready for a Coral project without snapcraft, even with every offline tool: its offline pack is refused', async () => {
    const offline = await runDoctor(options(tableRun(HOST), { arch: 'amd64' }));
    expect(offline.ok).toBe(true);
    const report = await runDoctor(options(tableRun(HOST), { arch: 'amd64', coral: true }));
    expect(report.ok).toBe(false);
    expect(report.entries.find((e) => e.name === 'snapcraft')).toMatchObject({ found: false, required: true });
    const pack = report.capabilities.find((c) => c.name.startsWith('pack the amd64 snap offline'))!;
    expect(pack).toMatchObject({ ok: false, required: false });
    expect(pack.reason).toMatch(/^the Edge TPU runtime comes from Coral's apt repository/);
    const table = renderDoctorTable(report);
    expect(table.split('\n').at(-1)).toBe(
      'not ready: 1 required tool(s) missing; cannot pack the snap with snapcraft (coreforge build --snapcraft)',
    );
    const withSnapcraft = await runDoctor(
      options(tableRun({ ...HOST, snapcraft: { stdout: 'snapcraft 8.4.1\n' } }), { arch: 'amd64', coral: true }),
    );
    expect(withSnapcraft.ok).toBe(true);
    expect(renderDoctorTable(withSnapcraft).split('\n').at(-1)).toBe(
      "ready: the amd64 Coral project's steps marked yes above can run here",
    );
  });

  it('fails on an old Node and a missing TFLite library, with install hints', async () => {
    const report = await runDoctor(
      options(tableRun(HOST), {
        nodeVersion: '18.19.0',
        tflite: async () => ({ found: false, detail: 'tried: $COREFORGE_TFLITE_LIB (unset)' }),
      }),
    );
    expect(report.ok).toBe(false);
    const node = report.entries.find((e) => e.name === 'node')!;
    expect(node).toMatchObject({
      found: false,
      hint: 'install Node.js 20.17 or newer',
      detail: 'Node 18.19.0 is older than 20.17',
    });
    const lib = report.entries.find((e) => e.name === 'libtensorflowlite_c')!;
    expect(lib.hint).toMatch(/^set COREFORGE_TFLITE_DIR/);
  });

  it('prints JSON-serialisable entries with name, found, version and hint', async () => {
    const report = await runDoctor(options(tableRun(HOST)));
    const parsed = JSON.parse(JSON.stringify(report)) as typeof report;
    for (const e of parsed.entries)
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['name', 'found', 'version', 'hint', 'required']));
    // Serialisable means nothing is lost on the way: no undefined field, no function, no Map (toStrictEqual sees them).
    expect(parsed).toStrictEqual(report);
  });
});
