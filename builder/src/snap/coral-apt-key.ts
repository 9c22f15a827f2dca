// Coral's apt repository key for snapcraft (snap/keys/). snapcraft imports it and checks that its fingerprint is
// the `key-id` of the repository; we check the same thing first, with gpg, so a wrong file fails here.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { CORAL_APT } from '@coreforge/snaps';
import type { ProjectConfig } from '../config/types.js';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';

const KEY_HINT =
  'download it once: curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg | gpg --armor --export > coral-apt-key.asc ' +
  '(check its fingerprint), then set inference.coral-apt-key: coral-apt-key.asc';

/** Fingerprints of the primary keys in gpg `--with-colons` output. */
export function fingerprintsFromColons(text: string): string[] {
  const out: string[] = [];
  let primary = false;
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === 'pub') primary = true;
    else if (f[0] === 'sub') primary = false;
    else if (f[0] === 'fpr' && primary) out.push(f[9] ?? '');
  }
  return out;
}

/** The armoured key text, after checking that it holds the pinned key id. */
export async function readCoralAptKey(config: ProjectConfig, run: Run): Promise<string> {
  const file = config.inference.coralAptKey;
  if (file === undefined)
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot write the snapcraft project: ${config.file}: inference.coral-apt-key is needed with accelerator "${config.inference.accelerator}" (snapcraft verifies Coral's repository with it)`,
      KEY_HINT,
    );
  const text = await readFile(file, 'utf8').catch(() => {
    throw new BuilderError('FILE_NOT_FOUND', `cannot read inference.coral-apt-key "${file}"`, KEY_HINT);
  });
  if (!text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----'))
    throw new BuilderError(
      'INPUT_INVALID',
      `inference.coral-apt-key "${file}" is not an ASCII-armoured public key`,
      KEY_HINT,
    );
  const home = await mkdtemp(path.join(os.tmpdir(), 'coreforge-gpg-'));
  try {
    const shown = await run('gpg', ['--batch', '--with-colons', '--show-keys', file], {
      env: { GNUPGHOME: home },
      timeout: 30_000,
    });
    const fingerprints = fingerprintsFromColons(shown.stdout);
    if (!fingerprints.includes(CORAL_APT.keyId))
      throw new BuilderError(
        'INPUT_INVALID',
        `inference.coral-apt-key "${file}" does not hold Coral's repository key ${CORAL_APT.keyId} (found ${fingerprints.join(', ') || 'no key'})`,
        KEY_HINT,
      );
  } finally {
    await rm(home, { recursive: true, force: true });
  }
  return text;
}
