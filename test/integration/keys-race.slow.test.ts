// Ten `coreforge keys create` of one name at once: one key, nine clear errors, and the key is valid.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-keys-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('10 concurrent creates of one name leave one valid key and 9 clear errors', async () => {
  const env = { COREFORGE_KEYS_DIR: path.join(dir, 'keys') };
  const results = await Promise.all(
    Array.from({ length: 10 }, () => startCli(['keys', 'create', 'acme-dev'], { env }).done),
  );
  const ok = results.filter((r) => r.exitCode === 0);
  const failed = results.filter((r) => r.exitCode !== 0);
  expect(ok).toHaveLength(1);
  expect(failed).toHaveLength(9);
  for (const r of failed) {
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `error: cannot create key "acme-dev": it already exists in ${path.join(dir, 'keys')}\nhint: pick another name, or use the existing key\n`,
    );
  }
  expect(readdirSync(path.join(dir, 'keys'))).toEqual(['acme-dev.key']);
  const id = ok[0]!.stdout.match(/sign-key-sha3-384: (\S+)\)/)![1];
  const list = runCli(['keys', 'list', '--json'], { env });
  expect(JSON.parse(list.stdout)).toEqual([{ name: 'acme-dev', keyId: id }]);
}, 300_000);
