// Verified caches with the real npm and tar: a damaged tarball, unpacked file or stripped binary is
// noticed on use and fetched, unpacked or made again, never used.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../tools/run.js';
import { unpackedNpmPackage, verifyFolder } from './npm-cache.js';

const cache = mkdtempSync(path.join(tmpdir(), 'coreforge-npm-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('the npm cache', () => {
  it('refetches a tarball that does not match its integrity, and re-unpacks a truncated file', async () => {
    const log: string[] = [];
    const onProgress = (m: string) => log.push(m);
    const dir = await unpackedNpmPackage(run, cache, 'semver', '7.6.0', { onProgress });
    expect(log).toEqual(['fetching semver@7.6.0 with npm pack']);
    const main = path.join(dir, 'index.js');
    const good = readFileSync(main);
    expect(await verifyFolder(dir)).toBe(true);

    // A file cut short in the unpacked folder: unpacked again from the (verified) tarball.
    truncateSync(main, 10);
    log.length = 0;
    await unpackedNpmPackage(run, cache, 'semver', '7.6.0', { onProgress });
    expect(log).toEqual(['the cached semver@7.6.0 does not match its checksums: unpacking it again']);
    expect(readFileSync(main)).toEqual(good);

    // A damaged tarball and a damaged folder: fetched again.
    writeFileSync(path.join(cache, 'semver-7.6.0.tgz'), 'not a tarball');
    truncateSync(main, 10);
    log.length = 0;
    await unpackedNpmPackage(run, cache, 'semver', '7.6.0', { onProgress });
    expect(log).toEqual([
      'the cached semver@7.6.0 does not match its checksums: unpacking it again',
      'the cached semver-7.6.0.tgz does not match its checksum: fetching it again',
      'fetching semver@7.6.0 with npm pack',
    ]);
    expect(readFileSync(main)).toEqual(good);
  }, 300_000);
});
