// The gpg backend: brands whose registered key lives in gpg sign through Debian's real `snap sign -k`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeModel, splitAssertion, verifyModel } from '@coreforge/model-assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureProjectConfig } from '../../../test/helpers/project-config.js';
import { run } from '../tools/run.js';
import { signProjectModel } from './sign.js';

const home = mkdtempSync(path.join(tmpdir(), 'coreforge-gpg-backend-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const missing = ['snap', 'gpg'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);

describe.skipIf(missing.length > 0)(
  `gpg signing backend${missing.length ? ` (skipped: missing ${missing.join(', ')})` : ''}`,
  () => {
    it('signs the project model with snap sign -k, and the result verifies with the exported key', async () => {
      const env = { SNAP_GNUPG_HOME: home, GNUPGHOME: home };
      const gen = spawnSync(
        'gpg',
        [
          '--homedir',
          home,
          '--batch',
          '--pinentry-mode',
          'loopback',
          '--passphrase',
          '',
          '--quick-gen-key',
          'brand-key',
          'rsa4096',
          'sign',
          'never',
        ],
        { encoding: 'utf8' },
      );
      expect(gen.status, gen.stderr).toBe(0);
      const config = { ...fixtureProjectConfig(), signing: { key: 'brand-key', backend: 'gpg' as const } };
      const outFile = path.join(home, 'm.model');
      const withEnv: typeof run = (tool, args, o = {}) => run(tool, args, { ...o, env: { ...o.env, ...env } });
      const { keyId } = await signProjectModel(config, { outFile, run: withEnv, env: process.env });
      const text = readFileSync(outFile, 'utf8');
      expect(decodeModel(text).signKeySha3384).toBe(keyId);
      const exported = spawnSync('snap', ['export-key', '--account=acme', 'brand-key'], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      expect(verifyModel(text, splitAssertion(exported.stdout).body).model).toBe('acme-classifier-pc');
    });
  },
);
