// The runtime package as snapcraft's npm plugin receives it: the tarball `npm pack` makes of runtime/ (its
// package.json `files` decide what is inside: the compiled TS, the bin, and the native sources node-gyp builds).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';

/** npm's tarball name: `@scope/name` + version -> `scope-name-VERSION.tgz`. */
export function npmTarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

export async function runtimeTarballName(runtimeDir: string): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(runtimeDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return npmTarballName(pkg.name, pkg.version);
}

/** Runs `npm pack` in `runtimeDir` into `destDir` and returns the tarball's path. */
export async function packRuntime(
  run: Run,
  runtimeDir: string,
  destDir: string,
  signal?: AbortSignal,
): Promise<string> {
  const result = await run('npm', ['pack', '--json', '--pack-destination', destDir], {
    cwd: runtimeDir,
    timeout: 300_000,
    ...(signal && { signal }),
  });
  let name: string | undefined;
  try {
    name = (JSON.parse(result.stdout) as { filename: string }[])[0]?.filename;
  } catch {
    name = undefined;
  }
  if (!name) throw new BuilderError('TOOL_FAILED', `"npm pack" in "${runtimeDir}" printed no tarball name`);
  return path.join(destDir, path.basename(name));
}
