// The TFLite 2.19 builds (LiteRT v2.2.0, XNNPACK) the tests and CI use: $COREFORGE_TFLITE_DIR or ../shared/tflite
// beside the repo, holding linux-x64/ and linux-arm64/libtensorflowlite_c.so. Never copied into the repository.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TFLITE_DIR = path.resolve(
  process.env.COREFORGE_TFLITE_DIR ?? fileURLToPath(new URL('../../../shared/tflite', import.meta.url)),
);

/** The 2.19 library for `arch` (Node's names: x64, arm64); throws with a fix if absent. */
export function tflite219(arch: string = process.arch): string {
  const file = path.join(TFLITE_DIR, `linux-${arch}`, 'libtensorflowlite_c.so');
  if (!existsSync(file))
    throw new Error(
      `TFLite 2.19 for linux-${arch} not found in ${TFLITE_DIR}: set COREFORGE_TFLITE_DIR (see README "Which TFLite")`,
    );
  return file;
}

/** The 2.9 library tfjs-tflite-node ships for the host. */
export function tflite29(): string {
  const paths = createRequire(import.meta.url)('../../runtime/scripts/paths.cjs') as { libraryFor(): string };
  return paths.libraryFor();
}
