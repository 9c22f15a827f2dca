// Keys and model commands end to end through the built CLI: permissions, verification, and no leaks.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-keys-'));
const keysDir = path.join(tmp, 'keys');
const env = { COREFORGE_KEYS_DIR: keysDir };
const EXAMPLE = 'examples/classifier/coreforge.yaml';
const outputs: CliResult[] = [];
const cli = (args: string[]) => {
  const r = runCli(args, { env });
  outputs.push(r);
  return r;
};
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('coreforge keys and model', () => {
  it('creates a key as a 0600 file in a 0700 folder and prints only its id', () => {
    const r = cli(['keys', 'create', 'acme-dev']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^created key "acme-dev" \(sign-key-sha3-384: [A-Za-z0-9_-]{64}\)\n$/);
    expect(statSync(path.join(keysDir, 'acme-dev.key')).mode & 0o777).toBe(0o600);
    expect(statSync(keysDir).mode & 0o777).toBe(0o700);
    expect(cli(['keys', 'create', 'acme-dev']).stderr).toBe(
      `error: cannot create key "acme-dev": it already exists in ${keysDir}\nhint: pick another name, or use the existing key\n`,
    );
    expect(cli(['keys', 'list']).stdout).toMatch(/^acme-dev {2}[A-Za-z0-9_-]{64}\n$/);
  });

  it('signs the example model, verifies it with the exported public key, and shows it', () => {
    const pub = path.join(tmp, 'acme-dev.pub');
    expect(cli(['keys', 'export-public', 'acme-dev', '-o', pub]).exitCode).toBe(0);
    const model = path.join(tmp, 'acme.model');
    const signed = cli(['model', 'sign', '-c', EXAMPLE, '-k', 'acme-dev', '-o', model]);
    expect(signed.stderr).toBe('');
    expect(signed.exitCode).toBe(0);
    const text = readFileSync(model, 'utf8');
    expect(text.split('\n').slice(0, 5)).toEqual([
      'type: model',
      'authority-id: acme',
      'series: 16',
      'brand-id: acme',
      'model: acme-classifier-pc',
    ]);
    const verified = cli(['model', 'verify', model, '--key', pub]);
    expect(verified.stdout).toMatch(
      /^.*acme\.model: valid model "acme-classifier-pc" of brand "acme", grade dangerous, signed by [A-Za-z0-9_-]{64}\n$/,
    );
    const shown = cli(['model', 'show', model]).stdout;
    expect(shown).toContain('  classifier           app     latest/stable  (no id)');
    expect(shown).toContain('  pc-kernel            kernel  24/stable      pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza');
    // A one-byte change is refused.
    const tampered = path.join(tmp, 'tampered.model');
    writeFileSync(tampered, text.replace('grade: dangerous', 'grade: dangerouz'));
    const bad = cli(['model', 'verify', tampered, '--key', pub]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe('error: grade for model must be secured|signed|dangerous, not "dangerouz"\n');
    writeFileSync(tampered, text.replace('display-name: Acme Classifier (PC)', 'display-name: Acme Classifier (PD)'));
    expect(cli(['model', 'verify', tampered, '--key', pub]).stderr).toMatch(
      /^error: cannot verify signature: (hash tag doesn't match|RSA signature does not match)\n$/,
    );
  });

  it('prints an account-key-request signed by the key itself', () => {
    const r = cli(['keys', 'account-key-request', 'acme-dev', '--account', 'acme']);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'type: account-key-request',
      expect.stringMatching(/^public-key-sha3-384: [A-Za-z0-9_-]{64}$/),
      'account-id: acme',
      'name: acme-dev',
    ]);
  });

  it('refuses a key file other users can read', () => {
    chmodSync(path.join(keysDir, 'acme-dev.key'), 0o644);
    const r = cli(['model', 'sign', '-c', EXAMPLE, '-k', 'acme-dev', '-o', path.join(tmp, 'x.model')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `error: cannot use key "acme-dev": ${keysDir}/acme-dev.key is readable by other users (mode 644)\nhint: chmod 600 ${keysDir}/acme-dev.key\n`,
    );
    chmodSync(path.join(keysDir, 'acme-dev.key'), 0o600);
  });

  it('never printed private key material', () => {
    const pem = readFileSync(path.join(keysDir, 'acme-dev.key'), 'utf8');
    const chunks = pem.split('\n').filter((l) => l.length > 40);
    const all = outputs.map((o) => o.stdout + o.stderr).join('\n');
    expect(all).not.toContain('PRIVATE KEY');
    for (const c of chunks) expect(all).not.toContain(c);
  });
});
