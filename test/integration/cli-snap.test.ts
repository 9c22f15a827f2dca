// coreforge snap render / delta / size as users run them (packing itself is covered by builder's slow tests).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples/classifier/coreforge.yaml');
const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-cli-snap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('coreforge snap', () => {
  it('render --stdout prints a core24 snapcraft.yaml for the example, without the edgetpu part', () => {
    const r = runCli(['snap', 'render', '-c', EXAMPLE, '--arch', 'amd64', 'arm64', '--stdout']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const doc = parse(r.stdout) as { base: string; platforms: Record<string, unknown>; parts: Record<string, unknown> };
    expect(doc.base).toBe('core24');
    expect(Object.keys(doc.platforms)).toEqual(['amd64', 'arm64']);
    expect(Object.keys(doc.parts)).toEqual(['tflite', 'runtime', 'model', 'labels', 'launchers']);
  });

  it('render writes a self-contained project: snap/, an executable configure hook, the runtime tarball, model and labels', () => {
    const r = runCli(['snap', 'render', '-c', EXAMPLE, '-o', tmp]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const yaml = readFileSync(path.join(tmp, 'snap', 'snapcraft.yaml'), 'utf8');
    expect(yaml).toContain('name: classifier\n');
    expect(statSync(path.join(tmp, 'snap', 'hooks', 'configure')).mode & 0o777).toBe(0o755);
    expect(existsSync(path.join(tmp, 'snap', 'local', 'launchers', 'bin', 'serve'))).toBe(true);
    expect(existsSync(path.join(tmp, 'snap', 'local', 'runtime', 'coreforge-runtime-0.1.0.tgz'))).toBe(true);
    expect(statSync(path.join(tmp, 'snap', 'local', 'model', 'mobilenet_v2_1.0_224_quant.tflite')).size).toBe(
      statSync(path.join(REPO_ROOT, '../shared/fixtures/models/mobilenet_v2_1.0_224_quant.tflite')).size,
    );
    // The example sits in coreforge's git checkout and sets no inference.version: git describe gives it.
    const version = (parse(yaml) as { version: string }).version;
    expect(version).toMatch(/^(0\+git\.[0-9a-f]{7,}(-dirty)?|.+\+git\d+\.[0-9a-f]+(-dirty)?|[^+]+)$/);
    expect(r.stdout.split('\n')).toContain(path.join(tmp, 'snap', 'local', 'runtime', 'coreforge-runtime-0.1.0.tgz'));
  });

  it('delta refuses a file that is not a snap, with exit 1 and no stack', () => {
    const bogus = path.join(tmp, 'bogus.snap');
    writeFileSync(bogus, 'x'.repeat(200));
    const r = runCli(['snap', 'delta', bogus, bogus]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`error: cannot read "${bogus}": it is not a squashfs snap\n`);
  });

  it('size names a missing file', () => {
    const r = runCli(['snap', 'size', path.join(tmp, 'nope.snap')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`error: cannot measure "${path.join(tmp, 'nope.snap')}": it does not exist\n`);
  });

  it('has help with examples', () => {
    const r = runCli(['snap', 'pack', '--help']);
    expect(r.stdout).toContain('$ coreforge snap pack --arch arm64 -o out/');
  });
});
