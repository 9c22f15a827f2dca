// `npm run lint` checks formatting: its Prettier and clang-format commands, taken from package.json and run in a
// scratch tree with the repository's formatter settings, fail on an unformatted file and pass once it is formatted.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const lint: string = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts.lint;
const step = (tool: string) => {
  const command = lint.split('&&').find((part) => part.trim().startsWith(`${tool} `));
  if (command === undefined) throw new Error(`package.json's lint script has no ${tool} command: ${lint}`);
  return command.trim();
};

const scratch = mkdtempSync(path.join(tmpdir(), 'coreforge-format-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
mkdirSync(path.join(scratch, 'runtime/native'), { recursive: true });
for (const file of ['.prettierrc.json', '.prettierignore', 'runtime/native/.clang-format'])
  copyFileSync(path.join(REPO_ROOT, file), path.join(scratch, file));

const run = (command: string) =>
  spawnSync('sh', ['-c', command], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${path.join(REPO_ROOT, 'node_modules/.bin')}:${process.env.PATH}` },
  });
const hasClangFormat = spawnSync('clang-format', ['--version']).status === 0;

describe('npm run lint checks formatting', () => {
  it('Prettier fails on an unformatted TypeScript file and passes when it is formatted', () => {
    const file = path.join(scratch, 'stage.ts');
    writeFileSync(file, 'export const stage = {name:"pack-snap",needs:[ ]}\n');
    const before = run(step('prettier'));
    expect(before.status, before.stdout + before.stderr).not.toBe(0);
    expect(before.stdout + before.stderr).toContain('stage.ts');
    execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/prettier'), ['--write', file], { cwd: scratch });
    expect(readFileSync(file, 'utf8')).toBe("export const stage = { name: 'pack-snap', needs: [] };\n");
    const after = run(step('prettier'));
    expect(after.status, after.stdout + after.stderr).toBe(0);
  });

  it.skipIf(!hasClangFormat)('clang-format fails on an unformatted native file and passes when it is formatted', () => {
    writeFileSync(path.join(scratch, 'runtime/native/ok.h'), '#pragma once\n');
    const file = path.join(scratch, 'runtime/native/worker.cc');
    writeFileSync(file, 'int  run( int a ){return a+1;}\n');
    const before = run(step('clang-format'));
    expect(before.status, before.stdout + before.stderr).not.toBe(0);
    expect(before.stderr).toContain('worker.cc');
    execFileSync('clang-format', ['-i', file], { cwd: path.dirname(file) });
    expect(readFileSync(file, 'utf8')).toBe('int run(int a) { return a + 1; }\n');
    const after = run(step('clang-format'));
    expect(after.status, after.stdout + after.stderr).toBe(0);
  });
});
if (!hasClangFormat) console.log('format-check: clang-format is not installed (.ci/setup installs it): its test skips');
