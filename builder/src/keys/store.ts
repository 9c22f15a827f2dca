// The signing-key store: one PKCS#8 PEM file per key, 0600, in a 0700 folder, both owned by the current
// user. Private material is never printed, logged or copied into outputs. A key is created under a temp
// name (O_EXCL) and published with link(2), which, unlike rename(2), never replaces an existing key: of
// two concurrent creates of one name, one wins and the other fails clearly. Keys are opened with
// O_NOFOLLOW and checked on the open descriptor, so a swapped file or symlink cannot slip in between.
import {
  accountKeyRequest,
  publicKeyOf,
  SNAP_NAME,
  signingKeyFromPem,
  type SigningKey,
} from '@coreforge/model-assertions';
import { generateKeyPair, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BuilderError } from '../errors.js';

/** Key names follow the snap-name rule (without its length limit). */
const KEY_NAME = SNAP_NAME;
const SUFFIX = '.key';

export function defaultKeysDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.COREFORGE_KEYS_DIR) return env.COREFORGE_KEYS_DIR;
  const data = env.XDG_DATA_HOME || path.join(env.HOME || homedir(), '.local', 'share');
  return path.join(data, 'coreforge', 'keys');
}

export interface KeyInfo {
  readonly name: string;
  readonly keyId: string;
}

/** A `keys list` row: a key, or why a file in the store cannot be used. */
export type KeyListEntry = KeyInfo | { readonly name: string; readonly error: string };

const uid = () => process.getuid?.() ?? -1;
const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

export class KeyStore {
  constructor(readonly dir: string) {}

  private file(name: string): string {
    if (!KEY_NAME.test(name))
      throw new BuilderError(
        'INPUT_INVALID',
        `invalid key name "${name}": use lowercase letters, digits and single dashes, with at least one letter`,
      );
    return path.join(this.dir, `${name}${SUFFIX}`);
  }

  /** The folder (and a symlink to it) must be ours, a directory, and closed to others (0700). */
  private async checkDir(): Promise<void> {
    const link_ = await lstat(this.dir);
    if (link_.isSymbolicLink() && link_.uid !== uid())
      throw new BuilderError(
        'KEY_INSECURE',
        `cannot use key folder ${this.dir}: it is a symlink owned by another user (uid ${link_.uid})`,
        `use a key folder you own: --keys-dir DIR`,
      );
    const s = await stat(this.dir);
    if (!s.isDirectory())
      throw new BuilderError('KEY_INSECURE', `cannot use key folder ${this.dir}: it is not a directory`);
    if (s.uid !== uid())
      throw new BuilderError(
        'KEY_INSECURE',
        `cannot use key folder ${this.dir}: it is owned by another user (uid ${s.uid})`,
        'use a key folder you own: --keys-dir DIR',
      );
    if ((s.mode & 0o077) !== 0)
      throw new BuilderError(
        'KEY_INSECURE',
        `cannot use key folder ${this.dir}: other users can reach it (mode ${octal(s.mode)})`,
        `chmod 700 ${this.dir}`,
      );
  }

  async create(name: string): Promise<KeyInfo> {
    const file = this.file(name);
    const exists = () =>
      new BuilderError(
        'KEY_EXISTS',
        `cannot create key "${name}": it already exists in ${this.dir}`,
        'pick another name, or use the existing key',
      );
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.checkDir();
    if (
      await lstat(file).then(
        () => true,
        () => false,
      )
    )
      throw exists();
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 4096, publicExponent: 0x10001 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const temp = path.join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      await handle.writeFile(pem);
      await handle.sync();
      await handle.close();
      await link(temp, file).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EEXIST' ? exists() : error;
      });
    } finally {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
    const dir = await open(this.dir, 'r');
    await dir.sync().catch(() => undefined);
    await dir.close();
    return { name, keyId: signingKeyFromPem(pem).keyId };
  }

  async load(name: string): Promise<SigningKey> {
    const file = this.file(name);
    try {
      await this.checkDir();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new BuilderError(
          'KEY_NOT_FOUND',
          `cannot find signing key "${name}": the key folder ${this.dir} does not exist`,
          `create it with: coreforge keys create ${name}`,
        );
      throw error;
    }
    let handle;
    try {
      handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new BuilderError(
          'KEY_NOT_FOUND',
          `cannot find signing key "${name}" in ${this.dir}`,
          `create it with: coreforge keys create ${name}`,
        );
      if (code === 'ELOOP')
        throw new BuilderError(
          'KEY_INSECURE',
          `cannot use key "${name}": ${file} is a symlink`,
          `keep the key file itself in ${this.dir}`,
        );
      throw new BuilderError(
        'KEY_INSECURE',
        `cannot read key "${name}": ${(error as Error).message}`,
        `check the owner and mode of ${file}`,
      );
    }
    try {
      const s = await handle.stat();
      if (!s.isFile())
        throw new BuilderError('KEY_INSECURE', `cannot use key "${name}": ${file} is not a regular file`);
      if (s.uid !== uid())
        throw new BuilderError(
          'KEY_INSECURE',
          `cannot use key "${name}": ${file} is owned by another user (uid ${s.uid})`,
          `remove it and create the key again`,
        );
      if ((s.mode & 0o077) !== 0)
        throw new BuilderError(
          'KEY_INSECURE',
          `cannot use key "${name}": ${file} is readable by other users (mode ${octal(s.mode)})`,
          `chmod 600 ${file}`,
        );
      if (s.size > 64 * 1024)
        throw new BuilderError('KEY_INSECURE', `cannot use key "${name}": ${file} is ${s.size} bytes, not a key`);
      const pem = await handle.readFile('utf8');
      try {
        return signingKeyFromPem(pem);
      } catch (cause) {
        throw new BuilderError(
          'KEY_INSECURE',
          `cannot use key "${name}": ${file} is not a PEM private key`,
          'remove it and create the key again',
          { cause },
        );
      }
    } finally {
      await handle.close();
    }
  }

  /** Every key of the store; a file that cannot be used is listed with the reason instead of failing the list. */
  async list(): Promise<KeyListEntry[]> {
    try {
      await this.checkDir();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const names = (await readdir(this.dir))
      .filter((f) => f.endsWith(SUFFIX) && !f.startsWith('.'))
      .map((f) => f.slice(0, -SUFFIX.length))
      .sort();
    const out: KeyListEntry[] = [];
    for (const name of names) {
      try {
        out.push({ name, keyId: (await this.load(name)).keyId });
      } catch (error) {
        out.push({ name, error: (error as Error).message });
      }
    }
    return out;
  }

  async exportPublic(name: string): Promise<string> {
    return publicKeyOf(await this.load(name));
  }

  async accountKeyRequest(name: string, accountId: string, since = new Date()): Promise<string> {
    return accountKeyRequest(accountId, name, await this.load(name), since);
  }
}
