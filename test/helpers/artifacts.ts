// What a finished build must look like: every published artifact passes its own tool's check
// (unsquashfs -l, xz -t, sha256sum -c) and matches manifest.json.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

interface Described {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

function matches(out: string, d: Described | undefined): void {
  expect(d, 'manifest entry').toBeDefined();
  const file = path.join(out, d!.file);
  expect(existsSync(file), file).toBe(true);
  expect(statSync(file).size, `${d!.file} bytes`).toBe(d!.bytes);
  expect(sha256(readFileSync(file)), `${d!.file} sha256`).toBe(d!.sha256);
}

/** Checks the published artifacts in `out` (xz-compressed image); throws (test failure) on any mismatch. */
export function checkArtifacts(out: string): void {
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
    image: Described;
    modelAssertion: Described;
    inferenceSnap: Described;
  };
  matches(out, manifest.image);
  matches(out, manifest.modelAssertion);
  matches(out, manifest.inferenceSnap);
  execFileSync('unsquashfs', ['-l', path.join(out, manifest.inferenceSnap.file)], { stdio: 'pipe' });
  execFileSync('xz', ['-t', path.join(out, manifest.image.file)], { stdio: 'pipe' });
  execFileSync('sha256sum', ['-c', `${manifest.image.file}.sha256`], { cwd: out, stdio: 'pipe' });
  // The image embeds (fake ubuntu-image) the sha256 of the snap and model it was built from.
  const raw = execFileSync('xz', ['-dc', path.join(out, manifest.image.file)], { maxBuffer: 1 << 30 }).toString('latin1');
  expect(raw).toContain(`${manifest.inferenceSnap.file} ${manifest.inferenceSnap.sha256}`);
  expect(raw).toContain(`${manifest.modelAssertion.file} ${manifest.modelAssertion.sha256}`);
}
