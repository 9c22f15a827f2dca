// The key store against the attacks of issue 12, on the real filesystem.
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { KeyStore } from './store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'coreforge-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as BuilderError,
  );
const isRoot = process.getuid?.() === 0;
// Files owned by another user can only be made by root; elsewhere these cases print why they skip.
const asRoot = isRoot ? it : it.skip;
if (!isRoot) console.log('skipping the other-owner key tests: they need root to chown files to another user');

describe('key store', () => {
  it('creates a 0600 key in a 0700 folder and loads it', async () => {
    const store = new KeyStore(path.join(dir, 'keys'));
    const info = await store.create('acme-dev');
    expect((await store.load('acme-dev')).keyId).toBe(info.keyId);
    expect(await failure(store.create('acme-dev'))).toMatchObject({
      code: 'KEY_EXISTS',
      message: `cannot create key "acme-dev": it already exists in ${path.join(dir, 'keys')}`,
    });
  }, 60_000);

  it('refuses a folder that others can reach', async () => {
    const keys = path.join(dir, 'keys');
    mkdirSync(keys, { mode: 0o755 });
    chmodSync(keys, 0o755);
    expect(await failure(new KeyStore(keys).create('k'))).toMatchObject({
      code: 'KEY_INSECURE',
      message: `cannot use key folder ${keys}: other users can reach it (mode 755)`,
      hint: `chmod 700 ${keys}`,
    });
  });

  it('refuses a key file that is a symlink, or readable by others, and names it', async () => {
    const store = new KeyStore(path.join(dir, 'keys'));
    await store.create('real');
    const keys = path.join(dir, 'keys');
    writeFileSync(path.join(dir, 'elsewhere.key'), readFileSync(path.join(keys, 'real.key')), { mode: 0o600 });
    symlinkSync(path.join(dir, 'elsewhere.key'), path.join(keys, 'linked.key'));
    expect(await failure(store.load('linked'))).toMatchObject({
      code: 'KEY_INSECURE',
      message: `cannot use key "linked": ${path.join(keys, 'linked.key')} is a symlink`,
    });
    chmodSync(path.join(keys, 'real.key'), 0o644);
    expect(await failure(store.load('real'))).toMatchObject({
      code: 'KEY_INSECURE',
      hint: `chmod 600 ${path.join(keys, 'real.key')}`,
    });
  }, 60_000);

  it('lists every usable key, and the reason for each unusable one', async () => {
    const store = new KeyStore(path.join(dir, 'keys'));
    const good = await store.create('good');
    writeFileSync(path.join(dir, 'keys', 'broken.key'), 'not a key', { mode: 0o600 });
    writeFileSync(path.join(dir, 'keys', 'open.key'), 'x', { mode: 0o644 });
    chmodSync(path.join(dir, 'keys', 'open.key'), 0o644);
    expect(await store.list()).toEqual([
      {
        name: 'broken',
        error: `cannot use key "broken": ${path.join(dir, 'keys', 'broken.key')} is not a PEM private key`,
      },
      { name: 'good', keyId: good.keyId },
      {
        name: 'open',
        error: `cannot use key "open": ${path.join(dir, 'keys', 'open.key')} is readable by other users (mode 644)`,
      },
    ]);
  }, 60_000);

  asRoot('refuses a key folder reached through a symlink to a folder another user owns', async () => {
    const theirs = path.join(dir, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    symlinkSync(theirs, path.join(dir, 'keys'));
    const e = await failure(new KeyStore(path.join(dir, 'keys')).load('acme-dev'));
    expect(e).toMatchObject({
      code: 'KEY_INSECURE',
      message: `cannot use key folder ${path.join(dir, 'keys')}: it is owned by another user (uid 65534)`,
    });
    // A symlink another user owns is refused even when it points at our own folder.
    const ours = path.join(dir, 'ours');
    mkdirSync(ours, { mode: 0o700 });
    symlinkSync(ours, path.join(dir, 'their-link'));
    // lchown: the link itself belongs to the other user.
    (await import('node:fs')).lchownSync(path.join(dir, 'their-link'), 65534, 65534);
    expect(await failure(new KeyStore(path.join(dir, 'their-link')).create('k'))).toMatchObject({
      code: 'KEY_INSECURE',
      message: `cannot use key folder ${path.join(dir, 'their-link')}: it is a symlink owned by another user (uid 65534)`,
    });
  });

  asRoot(
    'refuses a key file swapped for one another user owns',
    async () => {
      const store = new KeyStore(path.join(dir, 'keys'));
      await store.create('acme-dev');
      chownSync(path.join(dir, 'keys', 'acme-dev.key'), 65534, 65534);
      expect(await failure(store.load('acme-dev'))).toMatchObject({
        code: 'KEY_INSECURE',
        message: `cannot use key "acme-dev": ${path.join(dir, 'keys', 'acme-dev.key')} is owned by another user (uid 65534)`,
      });
    },
    60_000,
  );
});
