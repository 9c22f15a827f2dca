// Finds and loads libtensorflowlite_c, in this order: explicit option, $COREFORGE_TFLITE_LIB, $SNAP/lib,
// the library tfjs-tflite-node ships for this architecture, then the system paths.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { debuglog } from 'node:util';
import { ENV } from './env.js';
import { RuntimeError } from './errors.js';
import { nativeAddon, nativeCode, type XnnpackLayout } from './native.js';

const debug = debuglog('coreforge:runtime');
const LIBRARY = 'libtensorflowlite_c.so';
/** This machine's Debian multiarch triplet (/usr/lib/<triplet>; inside a snap, $SNAP/usr/lib/<triplet>). */
export const HOST_TRIPLET = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
const SYSTEM_DIRS = ['/usr/local/lib', '/usr/lib', `/usr/lib/${HOST_TRIPLET}`];

export interface LibraryCandidate {
  readonly source: string;
  readonly path?: string;
}

export interface LoadedLibrary {
  readonly path: string;
  readonly version: string;
  readonly xnnpack: boolean;
  /** The library generation's XNNPACK options layout ("none": the library has no XNNPACK). */
  readonly xnnpackLayout: XnnpackLayout;
}

function tfjsTfliteLibrary(): string | undefined {
  try {
    const paths = createRequire(import.meta.url)('../scripts/paths.cjs') as {
      libraryFor(arch?: string): string | undefined;
    };
    return paths.libraryFor();
  } catch {
    return undefined;
  }
}

export function libraryCandidates(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): LibraryCandidate[] {
  return [
    { source: 'the tfliteLibrary option', path: explicit },
    { source: `$${ENV.TFLITE_LIB}`, path: env[ENV.TFLITE_LIB] },
    { source: '$SNAP/lib', path: env[ENV.SNAP] ? path.join(env[ENV.SNAP]!, 'lib', LIBRARY) : undefined },
    { source: 'tfjs-tflite-node', path: tfjsTfliteLibrary() },
    ...SYSTEM_DIRS.map((dir) => ({ source: 'system', path: path.join(dir, LIBRARY) })),
  ];
}

/** The first candidate that exists (what `coreforge doctor` reports), without loading it. */
export function locateTfliteLibrary(
  explicit?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { found?: LibraryCandidate; tried: string[] } {
  const tried: string[] = [];
  for (const c of libraryCandidates(explicit, env)) {
    if (!c.path) {
      tried.push(`${c.source} (not set)`);
      continue;
    }
    if (existsSync(c.path)) return { found: c, tried };
    tried.push(`${c.source}: ${c.path} (missing)`);
  }
  return { tried };
}

let loaded: LoadedLibrary | undefined;

export function loadTfliteLibrary(
  explicit?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LoadedLibrary {
  if (loaded) return loaded;
  const addon = nativeAddon();
  const tried: string[] = [];
  for (const c of libraryCandidates(explicit, env)) {
    if (!c.path) continue;
    if (!existsSync(c.path)) {
      tried.push(`${c.source}: ${c.path} (missing)`);
      continue;
    }
    try {
      loaded = addon.loadLibrary(c.path);
      debug('TFLite %s from %s (%s)', loaded.version, loaded.path, c.source);
      return loaded;
    } catch (error) {
      if (nativeCode(error) === 'LIBRARY_UNSUPPORTED')
        throw new RuntimeError(
          'LIBRARY_UNSUPPORTED',
          `cannot use libtensorflowlite_c from ${c.source}: ${(error as Error).message}`,
          `use TFLite 2.19 (inference.tflite: "2.19") or 2.9 (for a Coral), or point ${ENV.TFLITE_LIB} at one of them`,
          { cause: error },
        );
      tried.push(`${c.source}: ${c.path} (${(error as Error).message})`);
    }
  }
  throw new RuntimeError(
    'LIBRARY_NOT_FOUND',
    `cannot load libtensorflowlite_c; tried:\n  ${tried.join('\n  ') || 'no candidate paths'}`,
    `Possible solutions: run "npm ci" (tfjs-tflite-node ships TFLite 2.9 for linux x64 and arm64); or set ${ENV.TFLITE_LIB}=/path/to/${LIBRARY}; inside a snap, ship it in $SNAP/lib`,
  );
}
