// Runs the rendered configure hook and launchers with the real /bin/sh and a recording snapctl on PATH.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderConfigureHook, renderEnvScript, renderServeScript } from '@coreforge/snaps';
import { afterAll, describe, expect, test } from 'vitest';
import { SNAP_SPEC_CASES } from '../../../test/helpers/snap-specs.js';

const spec = SNAP_SPEC_CASES['amd64-cpu']!;
const root = mkdtempSync(path.join(os.tmpdir(), 'coreforge-hook-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function setup(values: Record<string, string>, serviceState = 'inactive') {
  const dir = mkdtempSync(path.join(root, 'case-'));
  const bin = path.join(dir, 'bin');
  const snap = path.join(dir, 'snap');
  const data = path.join(dir, 'data');
  for (const d of [bin, path.join(snap, 'model'), path.join(snap, 'bin'), data]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(snap, 'model', spec.model.name), 'm');
  writeFileSync(path.join(snap, 'model', 'other.tflite'), 'm');
  const cases = Object.entries(values)
    .map(([k, v]) => `    ${k}) printf '%s\\n' '${v}' ;;`)
    .join('\n');
  writeFileSync(
    path.join(bin, 'snapctl'),
    `#!/bin/sh\necho "$*" >> "${dir}/snapctl.log"\ncase "$1" in\n  get)\n  case "$2" in\n${cases}\n    *) echo ;;\n  esac ;;\n` +
      `  services) printf 'Service Startup Current Notes\\nclassifier.serve enabled ${serviceState} -\\n' ;;\nesac\n`,
  );
  chmodSync(path.join(bin, 'snapctl'), 0o755);
  const hook = path.join(dir, 'configure');
  writeFileSync(hook, renderConfigureHook(spec));
  writeFileSync(path.join(snap, 'bin', 'coreforge-env'), renderEnvScript(spec));
  const env = { PATH: `${bin}:/usr/bin:/bin`, SNAP: snap, SNAP_DATA: data, SNAP_INSTANCE_NAME: 'classifier' };
  return { dir, snap, data, hook, env, log: () => readFileSync(path.join(dir, 'snapctl.log'), 'utf8') };
}

describe('configure hook', () => {
  test('saves checked options to $SNAP_DATA/config.env and restarts a running service', () => {
    const c = setup({ port: '9000', bind: '127.0.0.1', threads: '2', model: 'other.tflite' }, 'active');
    const r = spawnSync('/bin/sh', [c.hook], { env: c.env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(c.data, 'config.env'), 'utf8')).toBe(
      `CF_PORT=9000\nCF_BIND=127.0.0.1\nCF_THREADS=2\nCF_MODEL=${c.snap}/model/other.tflite\n`,
    );
    expect(c.log()).toContain('restart classifier.serve');
  });

  test('does not restart the running service when the saved values did not change (install: snapd runs the hook after starting it)', () => {
    const c = setup({}, 'active');
    expect(spawnSync('/bin/sh', [c.hook], { env: c.env }).status).toBe(0);
    expect(readFileSync(path.join(c.data, 'config.env'), 'utf8')).toBe('');
    expect(c.log()).not.toContain('restart');
    const again = setup({ port: '9000' }, 'active');
    writeFileSync(path.join(again.data, 'config.env'), 'CF_PORT=9000\n');
    expect(spawnSync('/bin/sh', [again.hook], { env: again.env }).status).toBe(0);
    expect(again.log()).not.toContain('restart');
  });

  test('restarts the running service when an option is unset (the saved values change back to the defaults)', () => {
    const c = setup({}, 'active');
    writeFileSync(path.join(c.data, 'config.env'), 'CF_PORT=9000\n');
    expect(spawnSync('/bin/sh', [c.hook], { env: c.env }).status).toBe(0);
    expect(c.log()).toContain('restart classifier.serve');
  });

  test('does not restart a service that is not running, and unset options keep the defaults', () => {
    const c = setup({}, 'inactive');
    expect(spawnSync('/bin/sh', [c.hook], { env: c.env }).status).toBe(0);
    expect(readFileSync(path.join(c.data, 'config.env'), 'utf8')).toBe('');
    expect(c.log()).not.toContain('restart');
  });

  test.each([
    [{ port: '70000' }, 'cannot configure classifier: port must be a number from 1 to 65535, not "70000"'],
    [{ port: '80; reboot' }, 'cannot configure classifier: port must be a number from 1 to 65535, not "80; reboot"'],
    [{ threads: '0' }, 'cannot configure classifier: threads must be a number from 1 to 64, not "0"'],
    [{ bind: '$(id)' }, 'cannot configure classifier: bind must be an IPv4 or IPv6 address, not "$(id)"'],
    [{ model: 'missing.tflite' }, 'cannot configure classifier: model "missing.tflite" does not exist'],
    [
      { token: 'short' },
      'cannot configure classifier: token must be 16 to 256 characters long, not 5 (the value is not shown)',
    ],
    [
      { token: 'abcdefghijklmnop$(id)' },
      'cannot configure classifier: token must be 16 to 256 characters from A-Z a-z 0-9 . _ ~ + / = - (the value is not shown)',
    ],
  ])('rejects %o', (values, message) => {
    const c = setup(values as Record<string, string>);
    const r = spawnSync('/bin/sh', [c.hook], { env: c.env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(message);
  });

  test('saves the token apart, mode 0600, never in config.env or on stderr; unsetting it removes the file', () => {
    const token = 'Zm9vYmFyYmF6cXV4LXRva2VuLTEyMzQ1Njc4OTA=';
    const c = setup({ token, port: '9000' });
    const r = spawnSync('/bin/sh', [c.hook], { env: c.env, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    const file = path.join(c.data, 'token');
    expect(readFileSync(file, 'utf8')).toBe(`${token}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(c.data, 'config.env'), 'utf8')).not.toContain(token);
    const bad = setup({ token: `${token}!` });
    const refused = spawnSync('/bin/sh', [bad.hook], { env: bad.env, encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).not.toContain(token);
    // Unset: the hook of a later "snap unset classifier token" gets an empty value.
    const unset = setup({});
    writeFileSync(path.join(unset.data, 'token'), `${token}\n`);
    expect(spawnSync('/bin/sh', [unset.hook], { env: unset.env }).status).toBe(0);
    expect(existsSync(path.join(unset.data, 'token'))).toBe(false);
  });

  test('the serve launcher passes the token file to the runtime when there is one', () => {
    const c = setup({});
    writeFileSync(path.join(c.data, 'token'), 'x'.repeat(20));
    writeFileSync(path.join(c.snap, 'bin', 'node'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n');
    chmodSync(path.join(c.snap, 'bin', 'node'), 0o755);
    writeFileSync(path.join(c.snap, 'bin', 'serve'), renderServeScript(spec));
    const out = execFileSync('/bin/sh', [path.join(c.snap, 'bin', 'serve')], { env: c.env, encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(out.slice(-2)).toEqual(['--token-file', path.join(c.data, 'token')]);
  });

  test('the serve launcher passes the saved options to the runtime', () => {
    const c = setup({});
    writeFileSync(path.join(c.data, 'config.env'), 'CF_PORT=9000\nCF_THREADS=3\n');
    // A stand-in node that prints its arguments.
    writeFileSync(path.join(c.snap, 'bin', 'node'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n');
    chmodSync(path.join(c.snap, 'bin', 'node'), 0o755);
    writeFileSync(path.join(c.snap, 'bin', 'serve'), renderServeScript(spec));
    const out = execFileSync('/bin/sh', [path.join(c.snap, 'bin', 'serve')], { env: c.env, encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(out).toEqual([
      `${c.snap}/runtime/bin/coreforge-runtime.js`,
      'serve',
      '-m',
      `${c.snap}/model/${spec.model.name}`,
      '-l',
      `${c.snap}/model/imagenet_labels.txt`,
      '-k',
      '5',
      '--threads',
      '3',
      '--port',
      '9000',
      '--bind',
      '0.0.0.0',
    ]);
  });
});
