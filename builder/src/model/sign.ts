// Signing the project's model: natively with a coreforge key, or with `snap sign -k` for keys that live in gpg.
import {
  modelHeaders,
  parseModel,
  signModel as signWithKey,
  splitAssertion,
  type ModelSpec,
} from '@coreforge/model-assertions';
import { readFile } from 'node:fs/promises';
import type { ProjectConfig } from '../config/types.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { defaultKeysDir, KeyStore } from '../keys/store.js';
import type { Run } from '../tools/run.js';
import { composeModel } from './compose.js';
import { nextModelRevision } from './revision.js';

/** The model to sign next: composed from the project, with its revision raised over the model in `previousFile` when what is signed changed. */
export async function composeNextModel(
  config: ProjectConfig,
  previousFile: string,
  timestamp: Date,
): Promise<ModelSpec> {
  const previous = await readFile(previousFile, 'utf8').catch(() => undefined);
  return composeModel(config, timestamp, { revision: nextModelRevision(previous, composeModel(config, timestamp)) });
}

export interface SignModelOptions {
  readonly outFile: string;
  readonly run: Run;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly keysDir?: string;
  readonly timestamp?: Date;
  /** Overrides the project's signing.key. */
  readonly key?: string;
}

export async function signProjectModel(
  config: ProjectConfig,
  o: SignModelOptions,
): Promise<{ file: string; keyId: string }> {
  const spec = await composeNextModel(config, o.outFile, o.timestamp ?? new Date());
  const keyName = o.key ?? config.signing.key;
  let text: string;
  if (config.signing.backend === 'gpg') {
    const result = await o.run('snap', ['sign', '-k', keyName], {
      input: JSON.stringify(modelHeaders(spec)),
      timeout: 120_000,
    });
    text = result.stdout;
  } else {
    const key = await new KeyStore(o.keysDir ?? defaultKeysDir(o.env)).load(keyName);
    text = signWithKey(spec, key);
  }
  const model = parseModel(splitAssertion(text).headers);
  await writeFileAtomic(o.outFile, text);
  return { file: o.outFile, keyId: model.signKeySha3384 };
}
