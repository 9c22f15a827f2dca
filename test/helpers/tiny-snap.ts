// A small real .snap (Debian's snap pack) with the given name/version/arch, for store tests: snapcraft upload
// reads meta/snap.yaml from the file, and the delta report unpacks two of them.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function tinySnap(
  outDir: string,
  name: string,
  version: string,
  arch = 'amd64',
  payload = `payload of ${version}\n`,
): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-tiny-snap-'));
  try {
    chmodSync(dir, 0o755);
    mkdirSync(path.join(dir, 'meta'), { recursive: true });
    writeFileSync(
      path.join(dir, 'meta', 'snap.yaml'),
      `name: ${name}\nversion: '${version}'\nsummary: test snap\ndescription: test snap\narchitectures:\n  - ${arch}\nconfinement: strict\ngrade: stable\nbase: core24\n`,
    );
    writeFileSync(path.join(dir, 'payload.txt'), payload.repeat(2000));
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `${name}_${version}_${arch}.snap`);
    const r = spawnSync('snap', ['pack', '--filename', path.basename(file), dir, outDir], {
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: '1704067200' },
    });
    if (r.status !== 0) throw new Error(`snap pack failed: ${r.stderr}`);
    return file;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
