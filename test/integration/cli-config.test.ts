// The CLI as users run it: exit codes, error text without stack traces, help with examples.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, runCliAsync } from '../helpers/cli.js';
import { fixture } from '../helpers/fixtures.js';
import { TFLITE_DIR } from '../helpers/tflite.js';

const EXAMPLE = 'examples/classifier/coreforge.yaml';
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('coreforge config', () => {
  it('validates the bundled example', () => {
    const r = runCli(['config', 'validate', EXAMPLE]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      `${EXAMPLE}: ok (pc-amd64, grade dangerous, model "acme-classifier-pc", inference snap "classifier")\n`,
    );
    expect(r.exitCode).toBe(0);
  });

  it('reports a broken file with location, expected/found, a hint, exit 1 and no stack trace', () => {
    const file = path.join(tmp, 'coreforge.yaml');
    const example = readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8');
    writeFileSync(file, example.replace('target: pc-amd64', 'target: pc-amd46').replace('  threads: 1', '  thread: 1'));
    const r = runCli(['config', 'validate', 'coreforge.yaml'], { cwd: tmp });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'error: coreforge.yaml has 2 problems:',
        'coreforge.yaml:7:9: target: expected one of pc-amd64|pi-arm64, found "pc-amd46" (did you mean "pc-amd64"?)',
        'coreforge.yaml:21:3: inference.thread: unknown key (did you mean "threads"?); expected one of: snap-name, snap-id, model, edgetpu-model, labels, accelerator, edgetpu-runtime, coral-access, port, bind, threads, top-k, compression, tflite, version, coral-apt-key',
        'hint: see "coreforge config schema" for every field, or the README section "The project file"',
        '',
      ].join('\n'),
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('says how to fix a missing project file', () => {
    const r = runCli(['config', 'validate'], { cwd: tmp + '/..' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'error: cannot read project file "coreforge.yaml": it does not exist\nhint: create one with "coreforge init", or pass the file with --config FILE\n',
    );
  });

  it('prints a JSON report with --json', () => {
    const r = runCli(['config', 'validate', EXAMPLE, '--json']);
    const report = JSON.parse(r.stdout) as { ok: boolean; config: { arch: string; inference: { topK: number } } };
    expect(report.ok).toBe(true);
    expect(report.config.arch).toBe('amd64');
    expect(report.config.inference.topK).toBe(5);
  });

  it('prints the published schema', () => {
    const r = runCli(['config', 'schema']);
    expect(JSON.parse(r.stdout)).toEqual(
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'builder/schemas/coreforge.schema.json'), 'utf8')),
    );
  });
});

describe('coreforge CLI shell', () => {
  it('prints its version', () => {
    const r = runCli(['--version']);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(r.exitCode).toBe(0);
  });

  it('suggests the nearest command for a typo, exit 1', () => {
    const r = runCli(['doctr']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("error: unknown command 'doctr'");
    expect(r.stderr).toContain('(Did you mean doctor?)');
  });

  it('has help with an example on every command', async () => {
    const top = (await runCliAsync(['--help'])).stdout;
    const commands = [...top.matchAll(/^ {2}([a-z][\w-]*)(?: \[options\]| \[command\]| <|\s)/gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['config', 'doctor']));
    const leaves: string[][] = [];
    for (const c of commands) {
      const help = (await runCliAsync([c, '--help'])).stdout;
      const subs = [...help.matchAll(/^ {2}([a-z][\w-]*)(?: \[options\]| <| \[|\s)/gm)]
        .map((m) => m[1]!)
        .filter((s) => s !== 'help');
      if (/^Commands:/m.test(help)) subs.forEach((s) => leaves.push([c, s]));
      else leaves.push([c]);
    }
    for (const leaf of leaves) {
      const help = await runCliAsync([...leaf, '--help']);
      expect(help.exitCode, leaf.join(' ')).toBe(0);
      expect(help.stdout, `${leaf.join(' ')} --help`).toMatch(/Examples?:\n\s+\$ coreforge /);
    }
  }, 180_000); // about 30 CLI starts: 1.5 s each on 2 loaded cores; async, so the vitest worker is not blocked
});

describe('coreforge doctor', () => {
  it('prints one JSON entry per tool with name, found, version and hint', () => {
    const r = runCli(['doctor', '--json', '-c', EXAMPLE]);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      entries: { name: string; found: boolean; version: string | null; hint: string | null }[];
    };
    const names = report.entries.map((e) => e.name);
    for (const tool of [
      'node',
      'snap',
      'snapcraft',
      'ubuntu-image',
      'mksquashfs',
      'unsquashfs',
      'xdelta3',
      'qemu-system-x86_64',
      'qemu-system-aarch64',
      'OVMF firmware',
      'AAVMF firmware',
      'kvm',
      'libtensorflowlite_c',
    ])
      expect(names).toContain(tool);
    for (const e of report.entries) expect(typeof e.found).toBe('boolean');
    expect(r.exitCode).toBe(report.ok ? 0 : 1);
  });

  it('reports the TFLite library the project gets: inference.tflite, its source and its TfLiteVersion()', async () => {
    type Entry = { name: string; found: boolean; version: string | null; detail?: string; hint: string | null };
    const lib = async (env: Record<string, string | undefined>) =>
      (
        JSON.parse((await runCliAsync(['doctor', '--json', '-c', EXAMPLE], { env })).stdout) as { entries: Entry[] }
      ).entries.find((e) => e.name === 'libtensorflowlite_c')!;
    const found = await lib({ COREFORGE_TFLITE_DIR: TFLITE_DIR, COREFORGE_TFLITE_LIB: undefined });
    expect(found).toMatchObject({ found: true, version: '2.19.0' });
    expect(found.detail).toBe(
      `${path.join(TFLITE_DIR, 'linux-x64', 'libtensorflowlite_c.so')} (project: inference.tflite default "2.19" for amd64, from $COREFORGE_TFLITE_DIR)`,
    );
    const missing = await lib({ COREFORGE_TFLITE_DIR: undefined });
    expect(missing.found).toBe(false);
    expect(missing.detail).toContain(
      'inference.tflite default "2.19": cannot find TFLite 2.19 for amd64: COREFORGE_TFLITE_DIR is not set',
    );
  });

  it('prints a readable table with a verdict', () => {
    const r = runCli(['doctor', '-c', EXAMPLE]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^tool\s+status\s+version\s+needed for\s+notes$/);
    expect(lines.at(-1)).toMatch(/^(ready|not ready): /);
  });
});

describe('coreforge init', () => {
  it('writes a project file that validates, non-interactively, and refuses to overwrite it', () => {
    const dir = mkdtempSync(path.join(tmp, 'init-'));
    copyFileSync(fixture('models/mobilenet_v1_0.25_128_quant.tflite'), path.join(dir, 'model.tflite'));
    copyFileSync(fixture('models/imagenet_labels.txt'), path.join(dir, 'labels.txt'));
    const args = [
      'init',
      '--yes',
      '--name',
      'vision',
      '--brand',
      'acme',
      '--model-file',
      'model.tflite',
      '--labels',
      'labels.txt',
      '--key',
      'acme-dev',
    ];
    const r = runCli(args, { cwd: dir, env: { COREFORGE_KEYS_DIR: path.join(dir, 'keys') } });
    expect(r.stderr).toBe(
      'note: signing key "acme-dev" does not exist yet: create it with: coreforge keys create acme-dev\n',
    );
    expect(r.stdout).toBe('wrote coreforge.yaml\n');
    expect(r.exitCode).toBe(0);
    const text = readFileSync(path.join(dir, 'coreforge.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=.*builder\/schemas\/coreforge\.schema\.json$/,
    );
    expect(runCli(['config', 'validate'], { cwd: dir }).exitCode).toBe(0);
    const again = runCli(args, { cwd: dir });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toBe(
      'error: cannot create "coreforge.yaml": it already exists\nhint: pass --force to overwrite it, or -o OTHER.yaml\n',
    );
  });
});

describe('coreforge gadget render', () => {
  it("writes meta/gadget.yaml, meta/snap.yaml and the dangerous image's cloud.conf", () => {
    const dir = mkdtempSync(path.join(tmp, 'gadget-'));
    writeFileSync(path.join(dir, 'model.tflite'), Buffer.from([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33]));
    writeFileSync(path.join(dir, 'labels.txt'), 'background\n');
    writeFileSync(path.join(dir, 'user-data'), '#cloud-config\nusers: [{name: dev}]\n');
    writeFileSync(
      path.join(dir, 'coreforge.yaml'),
      'name: vision\ntarget: pc-amd64\nbrand: acme\nmodel: vision-pc\ngrade: dangerous\ninference:\n  model: model.tflite\n  labels: labels.txt\ngadget:\n  cloud-init: user-data\n',
    );
    const r = runCli(['gadget', 'render', '-o', 'g'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(readFileSync(path.join(dir, 'g', 'cloud.conf'), 'utf8')).toBe('#cloud-config\nusers: [{name: dev}]\n');
    expect(readFileSync(path.join(dir, 'g', 'meta', 'gadget.yaml'), 'utf8')).toContain('bootloader: grub');
    // Like snap pack, validate refuses a gadget folder whose boot assets are missing, before packing.
    const missing = runCli(['gadget', 'validate', 'g/meta/gadget.yaml'], { cwd: dir });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(
      `error: invalid volume "pc": structure #0 ("mbr"), content "pc-boot.img": source path does not exist in ${path.join(dir, 'g')}\nhint: copy the boot assets of the reference gadget, or use "coreforge gadget derive" on the upstream gadget snap\n`,
    );
    for (const f of ['pc-boot.img', 'pc-core.img', 'grubx64.efi', 'shim.efi.signed'])
      writeFileSync(path.join(dir, 'g', f), 'x');
    expect(runCli(['gadget', 'validate', 'g/meta/gadget.yaml'], { cwd: dir }).stdout).toBe(
      'g/meta/gadget.yaml: valid\n',
    );
  });
});

describe('Coral custom-device mode', () => {
  it("says in doctor and in the gadget's snap.yaml that it needs snapd 2.66", () => {
    const dir = mkdtempSync(path.join(tmp, 'coral-'));
    writeFileSync(path.join(dir, 'model.tflite'), Buffer.from([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33]));
    writeFileSync(path.join(dir, 'labels.txt'), 'background\n');
    writeFileSync(
      path.join(dir, 'coreforge.yaml'),
      'name: vision\ntarget: pc-amd64\nbrand: acme\nmodel: vision-pc\ngrade: dangerous\ninference:\n  model: model.tflite\n  labels: labels.txt\n  accelerator: coral-usb\n  coral-access: custom-device\n',
    );
    const doctor = runCli(['doctor', '--json'], { cwd: dir });
    expect(doctor.stderr).toBe(
      'note: inference.coral-access "custom-device" needs snapd 2.66 or newer on the device (udev-tagging "for-device"); use "raw-usb" for older snapd\n',
    );
    runCli(['gadget', 'render', '-o', 'g'], { cwd: dir });
    expect(readFileSync(path.join(dir, 'g', 'meta', 'snap.yaml'), 'utf8').split('\n')[0]).toBe(
      '# The coral-usb custom-device slot uses udev-tagging "for-device", which needs snapd 2.66 or newer on the device.',
    );
  });
});
