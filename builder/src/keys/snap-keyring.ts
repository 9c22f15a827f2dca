// `coreforge keys register`: snapcraft registers keys it finds in the `snap keys` gpg keyring
// ($SNAP_GNUPG_HOME, else ~/.snap/gnupg of the user's home in the password database, not $HOME; snapcraft runs `snap keys --json` and `snap export-key --account=ID NAME`).
// Our RSA key goes into that keyring as an OpenPGP secret key, through gpg's stdin only: the private key is
// never written to a file of ours, a log or an output folder. `snap keys` must then show the same sha3-384 id.
import { mkdir, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { transferableSecretKey, type SigningKey } from '@coreforge/model-assertions';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';

export function snapGnupgHome(env: Readonly<Record<string, string | undefined>>): string {
  return env.SNAP_GNUPG_HOME || path.join(os.userInfo().homedir, '.snap', 'gnupg');
}

interface SnapKey {
  readonly name: string;
  readonly 'sha3-384': string;
}

export async function snapKeys(run: Run, env: Readonly<Record<string, string | undefined>>): Promise<SnapKey[]> {
  const r = await run('snap', ['keys', '--json'], { env, timeout: 60_000 });
  return (JSON.parse(r.stdout || 'null') as SnapKey[] | null) ?? [];
}

/** Imports `key` as `name` unless the keyring already has it; returns whether it was imported. */
export async function importIntoSnapKeyring(
  run: Run,
  name: string,
  key: SigningKey,
  env: Readonly<Record<string, string | undefined>>,
): Promise<boolean> {
  const home = snapGnupgHome(env);
  const existing = (await snapKeys(run, env)).find((k) => k.name === name);
  if (existing) {
    if (existing['sha3-384'] === key.keyId) return false;
    throw new BuilderError(
      'KEY_EXISTS',
      `cannot add key "${name}" to the snap keyring (${home}): it already holds another key of that name (${existing['sha3-384']})`,
      'pick another key name, or remove the old key from that keyring',
    );
  }
  await mkdir(home, { recursive: true, mode: 0o700 });
  await chmod(home, 0o700);
  await run('gpg', ['--homedir', home, '--batch', '--quiet', '--import'], {
    input: transferableSecretKey(key.privateKey, name),
    env,
    timeout: 60_000,
  });
  const listed = (await snapKeys(run, env)).find((k) => k.name === name);
  if (listed?.['sha3-384'] !== key.keyId)
    throw new BuilderError(
      'TOOL_FAILED',
      `gpg imported key "${name}" but "snap keys" reports ${listed ? `id ${listed['sha3-384']}` : 'no such key'}, not ${key.keyId}`,
    );
  return true;
}
