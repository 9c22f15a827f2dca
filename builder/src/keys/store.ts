// The signing-key store: one PKCS#8 PEM file per key, 0600, in a 0700 folder. Private material is
// never printed, logged or copied into outputs; a key file readable by others is refused.
import { accountKeyRequest, publicKeyOf, SNAP_NAME, signingKeyFromPem, type SigningKey } from '@coreforge/model-assertions';
import { generateKeyPair } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BuilderError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';

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

export class KeyStore {
  constructor(readonly dir: string) {}

  private file(name: string): string {
    if (!KEY_NAME.test(name))
      throw new BuilderError('INPUT_INVALID', `invalid key name "${name}": use lowercase letters, digits and single dashes, with at least one letter`);
    return path.join(this.dir, `${name}${SUFFIX}`);
  }

  async create(name: string): Promise<KeyInfo> {
    const file = this.file(name);
    if (await stat(file).then(() => true, () => false))
      throw new BuilderError('KEY_EXISTS', `cannot create key "${name}": it already exists in ${this.dir}`, 'pick another name, or use the existing key');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 4096, publicExponent: 0x10001 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFileAtomic(file, pem, { mode: 0o600 });
    return { name, keyId: signingKeyFromPem(pem).keyId };
  }

  async load(name: string): Promise<SigningKey> {
    const file = this.file(name);
    let mode: number;
    try {
      mode = (await stat(file)).mode;
    } catch {
      throw new BuilderError('KEY_NOT_FOUND', `cannot find signing key "${name}" in ${this.dir}`, `create it with: coreforge keys create ${name}`);
    }
    if ((mode & 0o077) !== 0)
      throw new BuilderError('KEY_INSECURE', `cannot use key "${name}": ${file} is readable by other users (mode ${(mode & 0o777).toString(8)})`, `chmod 600 ${file}`);
    return signingKeyFromPem(await readFile(file, 'utf8'));
  }

  async list(): Promise<KeyInfo[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((f) => f.endsWith(SUFFIX)).map((f) => f.slice(0, -SUFFIX.length)).sort();
    const out: KeyInfo[] = [];
    for (const name of names) out.push({ name, keyId: (await this.load(name)).keyId });
    return out;
  }

  async exportPublic(name: string): Promise<string> {
    return publicKeyOf(await this.load(name));
  }

  async accountKeyRequest(name: string, accountId: string, since = new Date()): Promise<string> {
    return accountKeyRequest(accountId, name, await this.load(name), since);
  }
}
