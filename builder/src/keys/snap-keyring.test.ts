// Our RSA key imported into the `snap keys` keyring must be the key snapd sees: the real `snap keys --json`
// reports the same sha3-384 id, and the real `snap export-key --account` signs an account-key-request with it.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signingKeyFromPem } from '@coreforge/model-assertions';
import { afterAll, describe, expect, test } from 'vitest';
import { run } from '../tools/run.js';
import { importIntoSnapKeyring, snapGnupgHome, snapKeys } from './snap-keyring.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-snapkeys-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const tools = ['gpg', 'snap'].every((t) => spawnSync(t, ['--version']).status === 0);
if (!tools) console.warn('skipping the snap keyring tests: gpg or snap is missing (apt install gnupg snapd)');

describe.skipIf(!tools)('importIntoSnapKeyring (real gpg and snap)', () => {
  const pem = generateKeyPairSync('rsa', { modulusLength: 4096 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const key = signingKeyFromPem(pem);
  const env = { ...process.env, SNAP_GNUPG_HOME: path.join(tmp, '.snap', 'gnupg') };

  test('snap keys lists the imported key under its name with our sha3-384 id, once', async () => {
    expect(snapGnupgHome(env)).toBe(path.join(tmp, '.snap', 'gnupg'));
    expect(await importIntoSnapKeyring(run, 'acme-dev', key, env)).toBe(true);
    expect(await snapKeys(run, env)).toEqual([{ name: 'acme-dev', 'sha3-384': key.keyId }]);
    expect(await importIntoSnapKeyring(run, 'acme-dev', key, env)).toBe(false);
  }, 60_000);

  test('snap export-key signs an account-key-request with it (what snapcraft register-key sends)', () => {
    const r = spawnSync('snap', ['export-key', '--account=acme', 'acme-dev'], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('type: account-key-request');
    expect(r.stdout).toContain(`public-key-sha3-384: ${key.keyId}`);
  }, 60_000);

  test('another key under the same name is refused', async () => {
    const other = signingKeyFromPem(
      generateKeyPairSync('rsa', { modulusLength: 4096 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    );
    await expect(importIntoSnapKeyring(run, 'acme-dev', other, env)).rejects.toMatchObject({ code: 'KEY_EXISTS' });
  }, 60_000);

  test('no file outside the keyring holds the private key', () => {
    const files = readdirSync(tmp, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
    const d = pem.split('\n').slice(1, 3).join('');
    for (const f of files) expect(readFileSync(f).toString('latin1').includes(d), f).toBe(false);
    expect(files.every((f) => f.startsWith(path.join(tmp, '.snap', 'gnupg')))).toBe(true);
  });
});
