// coreforge test / coreforge ci init as a user runs them: argument errors, and the workflow file written atomically.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';

const work = mkdtempSync(path.join(tmpdir(), 'coreforge-cli-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('coreforge test', () => {
  it('needs exactly one of --snap, --snapd or --image', () => {
    const none = runCli(['test'], { cwd: work });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain(
      'cannot run a boot test: pass exactly one of --snap FILE, --snapd FILE or --image FILE',
    );
    const both = runCli(['test', '--snap', 'a.snap', '--image', 'b.img'], { cwd: work });
    expect(both.stderr).toContain('pass exactly one of --snap FILE, --snapd FILE or --image FILE');
    const snapd = runCli(['test', '--snap', 'a.snap', '--snapd', 'a.snap'], { cwd: work });
    expect(snapd.exitCode).toBe(1);
  });

  it('refuses the snapd VM on arm64 and names a missing allow-list', () => {
    writeFileSync(path.join(work, 'x.snap'), 'not a snap');
    const arm = runCli(['test', '--snapd', 'x.snap', '--arch', 'arm64'], { cwd: work });
    expect(arm.exitCode).toBe(1);
    expect(arm.stderr).toContain('cannot run the snapd VM on arm64: it is amd64 only');
    const list = runCli(['test', '--snapd', 'x.snap', '--allow-list', 'nope.json'], { cwd: work });
    expect(list.exitCode).toBe(1);
    expect(list.stderr).toMatch(/cannot read the denial allow-list ".*nope\.json": it does not exist/);
  });

  it('names a missing snap and a bad timeout', () => {
    const missing = runCli(['test', '--snap', 'nope.snap'], { cwd: work });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('cannot boot "nope.snap": it does not exist');
    writeFileSync(path.join(work, 'x.snap'), 'x');
    const timeout = runCli(['test', '--snap', 'x.snap', '--timeout', 'soon'], { cwd: work });
    expect(timeout.stderr).toContain('invalid --timeout "soon": expected seconds, e.g. 240');
  });

  it('documents both boot tests in --help', () => {
    const help = runCli(['test', '--help']);
    expect(help.stdout).toContain('--image <file>');
    expect(help.stdout).toContain('$ coreforge test --snap out/classifier_0.1.0_amd64.snap');
  });
});

describe('coreforge ci init', () => {
  it('writes the workflow, then refuses to overwrite it without --force', () => {
    // A user's repository: the project file inside it, Coreforge a devDependency.
    const example = readFileSync(path.join(REPO_ROOT, 'examples/classifier/coreforge.yaml'), 'utf8');
    writeFileSync(
      path.join(work, 'coreforge.yaml'),
      example.replaceAll('${COREFORGE_FIXTURES:-../../../shared/fixtures}', FIXTURES_DIR),
    );
    writeFileSync(
      path.join(work, 'package.json'),
      JSON.stringify({ name: 'vision', private: true, devDependencies: { '@coreforge/builder': '^0.1.0' } }),
    );
    const config = 'coreforge.yaml';
    const first = runCli(['ci', 'init', '-c', config], { cwd: work });
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const file = path.join(work, '.github/workflows/coreforge.yml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('npx --no-install coreforge test --image out/acme-classifier-pc.img');
    expect(text).toContain('sudo snap install ubuntu-image --classic');
    const again = runCli(['ci', 'init', '-c', config], { cwd: work });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('cannot write ".github/workflows/coreforge.yml": it already exists');
    writeFileSync(file, 'old');
    expect(runCli(['ci', 'init', '-c', config, '--force'], { cwd: work }).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(text);
    const outside = runCli(
      ['ci', 'init', '-c', path.join(REPO_ROOT, 'examples/classifier/coreforge.yaml'), '-o', 'x.yml'],
      { cwd: work },
    );
    expect(outside.stderr).toMatch(
      /^error: cannot write a workflow for ".*coreforge\.yaml": it is outside this folder\nhint: run coreforge ci init at the root of the repository that holds the project file\n$/,
    );
    writeFileSync(path.join(work, 'package.json'), '{}');
    const noDep = runCli(['ci', 'init', '-c', config, '--force'], { cwd: work });
    expect(noDep.stderr).toBe(
      'note: the workflow installs Coreforge with npm ci: add it to this repository with: npm install --save-dev @coreforge/builder\n',
    );
  });
});
