// The .assert file `snap download` writes beside a snap: a stream of assertions, among them the snap-revision whose
// snap-sha3-384 is the snap file's digest. Only the link between file and assertion is checked here; signatures
// are the store's and the seed writer's business.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** snapd's snap digest: SHA3-384 of the file, base64url without padding (asserts.SnapFileSHA3_384). */
export async function snapFileSha3384(file: string): Promise<string> {
  const hash = createHash('sha3-384');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64url');
}

/** The snap id and revision of the snap-revision in `text` whose digest is `digest`, if there is one. */
export function snapRevisionFor(text: string, digest: string): { snapId: string; revision: string } | undefined {
  for (const block of text.split(/\n\n/)) {
    const header = (name: string) => new RegExp(`^${name}: (.+)$`, 'm').exec(block)?.[1]?.trim();
    if (header('type') !== 'snap-revision' || header('snap-sha3-384') !== digest) continue;
    const snapId = header('snap-id');
    const revision = header('snap-revision');
    if (snapId && revision) return { snapId, revision };
  }
  return undefined;
}
