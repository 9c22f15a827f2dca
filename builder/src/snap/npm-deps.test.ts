import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { Run } from '../tools/run.js';
import { npmStageArgs, projectLockFile, stageProductionDeps } from './npm-deps.js';

const root = mkdtempSync(path.join(tmpdir(), 'coreforge-npm-deps-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const neverRun: Run = () => {
  throw new Error('no tool should run');
};

test("npm's staging install: the target's os, cpu and libc, production only, no scripts, no bin links, cache first", () => {
  expect(npmStageArgs('arm64')).toEqual([
    'install',
    '--omit=dev',
    '--os=linux',
    '--cpu=arm64',
    '--libc=glibc',
    '--ignore-scripts',
    '--no-bin-links',
    '--prefer-offline',
    '--no-workspaces',
    '--no-audit',
    '--no-fund',
    '--loglevel=warn',
  ]);
  expect(npmStageArgs('amd64')).toContain('--cpu=x64');
});

test("the project's lock: a checkout's root, or the project whose node_modules holds the runtime; none for a global install", () => {
  const project = path.join(root, 'project');
  const runtimeDir = path.join(project, 'node_modules', '@coreforge', 'runtime');
  mkdirSync(runtimeDir, { recursive: true });
  writeFileSync(path.join(project, 'node_modules', 'package-lock.json'), '{}');
  expect(projectLockFile(runtimeDir)).toBeUndefined();
  writeFileSync(path.join(project, 'package-lock.json'), '{}');
  expect(projectLockFile(runtimeDir)).toBe(path.join(project, 'package-lock.json'));
  mkdirSync(path.join(project, 'runtime'));
  expect(projectLockFile(path.join(project, 'runtime'))).toBe(path.join(project, 'package-lock.json'));
  // npm install -g --prefix: no lock of its own, and a lock above the prefix belongs to another project.
  const global = path.join(project, 'prefix', 'lib', 'node_modules', '@coreforge', 'runtime');
  mkdirSync(global, { recursive: true });
  expect(projectLockFile(global)).toBeUndefined();
});

test('a production dependency that is not installed is named before npm runs', async () => {
  const runtimeDir = path.join(root, 'bare', 'runtime');
  mkdirSync(runtimeDir, { recursive: true });
  await expect(
    stageProductionDeps(
      { dependencies: { sharp: '^0.34.5', 'node-addon-api': '^8.5.0' } },
      { run: neverRun, cacheDir: path.join(root, 'cache'), arch: 'arm64', location: { runtimeDir, nodeModules: [] } },
    ),
  ).rejects.toMatchObject({
    code: 'FILE_NOT_FOUND',
    message: 'cannot stage the runtime: dependency "sharp" is not installed',
    hint: 'npm install',
  });
});
