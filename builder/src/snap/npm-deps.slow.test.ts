// npm itself stages the runtime's production dependencies for each target (real npm, the project's lock).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type Run } from '../tools/run.js';
import { readElfHeader } from './elf.js';
import { stageProductionDeps } from './npm-deps.js';
import { locateRuntime } from './runtime-location.js';

const runtimeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../runtime');
const location = locateRuntime(runtimeDir);
const runtimePackage = JSON.parse(readFileSync(path.join(runtimeDir, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const root = mkdtempSync(path.join(tmpdir(), 'coreforge-npm-deps-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** npm run as the packer runs it, with extra npm configuration in its environment. */
const withNpmEnv =
  (env: Record<string, string>): Run =>
  (tool, args, options) =>
    run(tool, args, { ...options, env: { ...options?.env, ...env } });

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('npm install --os=linux --cpu=... stages the runtime dependencies', () => {
  it("for the host (amd64): offline, from npm's cache, the very files npm ci installed", async () => {
    const staged = await stageProductionDeps(runtimePackage, {
      run: withNpmEnv({ npm_config_offline: 'true' }),
      cacheDir: path.join(root, 'amd64'),
      arch: 'amd64',
      location,
    });
    expect(staged.files).toContain('sharp/package.json');
    expect(staged.files).toContain('@img/sharp-linux-x64/package.json');
    expect(staged.files.filter((f) => f.startsWith('@img/sharp-linux-arm64/'))).toEqual([]);
    const differ = staged.files.filter(
      (f) =>
        !f.startsWith('.') &&
        sha(path.join(staged.dir, f)) !==
          sha(
            path.join(
              location.nodeModules.find((d) => existsSync(path.join(d, f)))!,
              f,
            ),
          ),
    );
    expect(differ).toEqual([]);
    expect(staged.packages).toBe(6);
    // A second stage reuses the verified folder: npm does not run again.
    const again = await stageProductionDeps(runtimePackage, {
      run: () => Promise.reject(new Error('npm ran again')),
      cacheDir: path.join(root, 'amd64'),
      arch: 'amd64',
      location,
    });
    expect(again.files).toEqual(staged.files);
  });

  it("for arm64: sharp's linux-arm64 prebuilt packages, aarch64 ELF files", async () => {
    const staged = await stageProductionDeps(runtimePackage, {
      run,
      cacheDir: path.join(root, 'arm64'),
      arch: 'arm64',
      location,
    });
    const addon = staged.files.find((f) => /^@img\/sharp-linux-arm64\/lib\/sharp-linux-arm64\.node$/.test(f));
    expect(addon).toBeDefined();
    expect((await readElfHeader(path.join(staged.dir, addon!)))?.machine).toBe(183);
    expect(staged.files.some((f) => f.startsWith('@img/sharp-libvips-linux-arm64/lib/'))).toBe(true);
    expect(staged.files.some((f) => f.startsWith('@img/sharp-linux-x64/'))).toBe(false);
  });

  it('an optional dependency npm skips (offline, not in its cache) fails the stage instead of leaving the snap without it', async () => {
    const emptyCache = path.join(root, 'empty-npm-cache');
    await expect(
      stageProductionDeps(
        { optionalDependencies: { '@img/sharp-linux-arm64': '0.34.5' } },
        {
          run: withNpmEnv({ npm_config_offline: 'true', npm_config_cache: emptyCache }),
          cacheDir: path.join(root, 'dropped'),
          arch: 'arm64',
          location: { runtimeDir: path.join(root, 'no-project', 'runtime'), nodeModules: [] },
        },
      ),
    ).rejects.toMatchObject({
      code: 'TOOL_FAILED',
      message: 'cannot stage the runtime for linux arm64: npm did not install "@img/sharp-linux-arm64"',
    });
  });
});
