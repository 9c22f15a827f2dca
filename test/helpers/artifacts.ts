// What a finished build must look like: every published artifact passes its own tool's check
// (unsquashfs -l, xz -t, sha256sum -c) and matches manifest.json; and the image was made from them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { readSeed, type SeedVerdict } from './seed-store.js';

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

interface Described {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface BuildManifest {
  readonly image: Described;
  readonly modelAssertion: Described;
  readonly inferenceSnap: Described;
}

function matches(out: string, d: Described | undefined): void {
  expect(d, 'manifest entry').toBeDefined();
  const file = path.join(out, d!.file);
  expect(existsSync(file), file).toBe(true);
  expect(statSync(file).size, `${d!.file} bytes`).toBe(d!.bytes);
  expect(sha256(readFileSync(file)), `${d!.file} sha256`).toBe(d!.sha256);
}

/** Checks the published artifacts in `out` (xz-compressed image); throws (test failure) on any mismatch. */
export function checkArtifacts(out: string): BuildManifest {
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as BuildManifest;
  matches(out, manifest.image);
  matches(out, manifest.modelAssertion);
  matches(out, manifest.inferenceSnap);
  execFileSync('unsquashfs', ['-l', path.join(out, manifest.inferenceSnap.file)], { stdio: 'pipe' });
  execFileSync('xz', ['-t', path.join(out, manifest.image.file)], { stdio: 'pipe' });
  execFileSync('sha256sum', ['-c', `${manifest.image.file}.sha256`], { cwd: out, stdio: 'pipe' });
  return manifest;
}

/**
 * checkArtifacts, and the image the fault-injection fake (test/fake-bin-faults) wrote ends with the sha256 of
 * the published snap and model (and of `extraSnaps`, e.g. the brand gadget): it was made from them.
 */
export function checkFaultFakeArtifacts(out: string, extraSnaps: readonly string[] = []): BuildManifest {
  const manifest = checkArtifacts(out);
  const raw = execFileSync('xz', ['-dc', path.join(out, manifest.image.file)], { maxBuffer: 1 << 30 }).toString(
    'latin1',
  );
  expect(raw).toContain(`${manifest.inferenceSnap.file} ${manifest.inferenceSnap.sha256}`);
  expect(raw).toContain(`${manifest.modelAssertion.file} ${manifest.modelAssertion.sha256}`);
  for (const f of extraSnaps) expect(raw).toContain(`${path.basename(f)} ${sha256(readFileSync(f))}`);
  return manifest;
}

/**
 * checkArtifacts, and snapd's seed reader on the seed inside the stand-in's raw image (test/fake-bin/ubuntu-image):
 * the seed opens, its model is the published model assertion, and the seeded copy of each of `localSnaps` (the
 * published inference snap, a derived gadget) is byte for byte the published file.
 */
export function checkSeededArtifacts(
  out: string,
  oracle: string,
  scratch: string,
  localSnaps: readonly string[],
): SeedVerdict {
  const manifest = checkArtifacts(out);
  // The raw image beside the .xz (the one the .xz was made from, by the manifest's sha256).
  const raw = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).rawImage as Described;
  matches(out, raw);
  const image = path.join(out, raw.file);
  rmSync(scratch, { recursive: true, force: true });
  // The seed partition of the stand-in's pc layout starts after mbr and BIOS Boot, at 2 MiB.
  const seedDir = path.join(scratch, 'seed');
  mkdirSync(seedDir, { recursive: true });
  execFileSync('mcopy', ['-s', '-n', '-i', `${image}@@2M`, '::/systems', '::/snaps', seedDir]);
  const label = readdirSync(path.join(seedDir, 'systems'))[0]!;
  const seed = readSeed(oracle, seedDir, label);
  expect(seed).toMatchObject({ result: 'ok', readBack: 'ok' });
  expect(readFileSync(path.join(seedDir, 'systems', label, 'model'), 'utf8').trim(), "the seed's model").toBe(
    readFileSync(path.join(out, manifest.modelAssertion.file), 'utf8').trim(),
  );
  const seeded = new Map(seed.snaps!.map((s) => [s.name, s.path]));
  for (const file of localSnaps) {
    const name = /^name: *['"]?([^'"\n]+)/m.exec(
      execFileSync('unsquashfs', ['-cat', file, 'meta/snap.yaml'], { encoding: 'utf8' }),
    )![1]!;
    const copy = seeded.get(name);
    expect(copy, `${name} in the seed`).toBeDefined();
    expect(sha256(readFileSync(path.join(seedDir, copy!))), `${name}: seeded copy of ${path.basename(file)}`).toBe(
      sha256(readFileSync(file)),
    );
  }
  rmSync(scratch, { recursive: true, force: true });
  return seed;
}
