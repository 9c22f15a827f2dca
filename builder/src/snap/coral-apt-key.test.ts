import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { projectConfig } from '../../../test/helpers/project-config.js';
import { run } from '../tools/run.js';
import { fingerprintsFromColons, readCoralAptKey } from './coral-apt-key.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-aptkey-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const coral = (key?: string) =>
  projectConfig({ inference: { accelerator: 'coral-usb', ...(key && { coralAptKey: key }) } }, tmp);

describe('Coral apt key', () => {
  test('fingerprints come from pub records, not subkeys', () => {
    const colons = [
      'pub:-:2048:1:C0BA5CE6DC6315A3:1620152580:::-:::scSC::::::23::0:',
      'fpr:::::::::35BAA0B33E9EB396F59CA838C0BA5CE6DC6315A3:',
      'uid:-::::1620152580::X::Artifact Registry Repository Signer::::::::::0:',
      'sub:-:2048:1:AAAA:1::::::e::::::23:',
      'fpr:::::::::1111111111111111111111111111111111111111:',
    ].join('\n');
    expect(fingerprintsFromColons(colons)).toEqual(['35BAA0B33E9EB396F59CA838C0BA5CE6DC6315A3']);
  });

  test('a Coral project without the key is refused with the download as a hint', async () => {
    await expect(readCoralAptKey(coral(), run)).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: `cannot write the snapcraft project: ${path.join(tmp, 'coreforge.yaml')}: inference.coral-apt-key is needed with accelerator "coral-usb" (snapcraft verifies Coral's repository with it)`,
      hint: expect.stringContaining('https://packages.cloud.google.com/apt/doc/apt-key.gpg'),
    });
  });

  const hasGpg = spawnSync('gpg', ['--version']).status === 0;
  test.skipIf(!hasGpg)(
    "a key that is not Coral's repository key is refused, naming what it holds (real gpg)",
    async () => {
      const home = path.join(tmp, 'gnupg');
      spawnSync('mkdir', ['-m', '700', home]);
      const gen = spawnSync('gpg', [
        '--batch',
        '--homedir',
        home,
        '--passphrase',
        '',
        '--quick-gen-key',
        'not-coral@example.com',
        'ed25519',
        'sign',
        'never',
      ]);
      expect(gen.status).toBe(0);
      const armored = spawnSync('gpg', ['--homedir', home, '--armor', '--export', 'not-coral@example.com'], {
        encoding: 'utf8',
      }).stdout;
      const file = path.join(tmp, 'wrong.asc');
      writeFileSync(file, armored);
      const fpr = fingerprintsFromColons(
        spawnSync('gpg', ['--homedir', home, '--with-colons', '--list-keys'], { encoding: 'utf8' }).stdout,
      )[0]!;
      await expect(readCoralAptKey(coral(file), run)).rejects.toMatchObject({
        code: 'INPUT_INVALID',
        message: `inference.coral-apt-key "${file}" does not hold Coral's repository key 35BAA0B33E9EB396F59CA838C0BA5CE6DC6315A3 (found ${fpr})`,
      });
    },
  );
});
