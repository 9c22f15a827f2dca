// Builds a snapd oracle (a small Go program under test/oracles/ that imports Debian's snapd packages) once,
// cached by a hash of its source, and runs it. The oracle is our judge in tests, never our code under test.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ORACLES = fileURLToPath(new URL('../oracles', import.meta.url));
const CACHE = fileURLToPath(new URL('../.cache/oracles', import.meta.url));
const SNAPD = '/usr/share/gocode/src/github.com/snapcore/snapd/asserts';

export type OracleBuild = { ok: true; binary: string } | { ok: false; reason: string };

/**
 * Builds test/oracles/<name>; `reason` says why it cannot be built here (missing go or snapd packages). Build tags
 * (e.g. `withtestkeys nosecboot` for the seed oracle) are part of the cache key.
 */
export function buildGoOracle(name: string, tags: readonly string[] = []): OracleBuild {
  const dir = path.join(ORACLES, name);
  if (spawnSync('go', ['version']).error)
    return { ok: false, reason: 'go is not installed (apt-get install golang-go)' };
  if (!existsSync(SNAPD))
    return {
      ok: false,
      reason: 'snapd Go packages are not installed (apt-get install golang-github-snapcore-snapd-dev)',
    };
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(path.join(dir, f)));
  hash.update(`tags:${tags.join(' ')}`);
  const binary = path.join(CACHE, `${name}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(binary)) return { ok: true, binary };
  mkdirSync(CACHE, { recursive: true });
  // Built under a temporary name and renamed, so test files building the same oracle in parallel never see half a file.
  const partial = `${binary}.${process.pid}.partial`;
  const r = spawnSync('go', ['build', ...(tags.length > 0 ? ['-tags', tags.join(' ')] : []), '-o', partial, '.'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: path.join(CACHE, 'gocache') },
  });
  if (r.status !== 0) throw new Error(`cannot build the ${name} oracle:\n${r.stderr}`);
  renameSync(partial, binary);
  return { ok: true, binary };
}

/** Runs an oracle on a JSON request array (after `args`, e.g. a subcommand), returns its parsed JSON answer. */
export function runOracle<T>(binary: string, requests: unknown, args: readonly string[] = []): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-oracle-'));
  try {
    const input = path.join(dir, 'requests.json');
    writeFileSync(input, JSON.stringify(requests));
    const r = spawnSync(binary, [...args, input], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
    if (r.status !== 0) throw new Error(`oracle failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
