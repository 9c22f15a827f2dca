// Which libtensorflowlite_c the runtime would load, asked of the runtime itself (same search order).
import { loadTfliteLibrary, locateTfliteLibrary } from '@coreforge/runtime';
import type { TfliteProbe } from './doctor.js';

export async function probeTflite(env: Readonly<Record<string, string | undefined>>): Promise<TfliteProbe> {
  const { found, tried } = locateTfliteLibrary(undefined, env);
  if (!found?.path) return { found: false, detail: `tried: ${tried.join('; ')}` };
  try {
    const lib = loadTfliteLibrary(undefined, env);
    return { found: true, path: lib.path, version: lib.version };
  } catch (error) {
    return { found: false, path: found.path, detail: `${found.path} (${found.source}) exists but does not load: ${(error as Error).message.split('\n')[0]}` };
  }
}
