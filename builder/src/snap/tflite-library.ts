// Where the libtensorflowlite_c a project ships comes from (inference.tflite), for each target architecture:
//   2.19  $COREFORGE_TFLITE_DIR/linux-{x64,arm64}/libtensorflowlite_c.so (LiteRT v2.2.0 built with XNNPACK; the
//         generated snapcraft project builds the same library from LiteRT's sources instead)
//   2.9   the build tfjs-tflite-node ships (npm, a dependency of @coreforge/runtime, found where npm installed it)
//   path  that file (the packer checks its ELF architecture)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NODE_ARCH, type SnapArch } from '@coreforge/snaps';
import type { TfliteChoice } from '../config/types.js';
import { BuilderError } from '../errors.js';

/** The folder of prebuilt 2.19 libraries (one linux-<node arch>/ subfolder per architecture). */
export const TFLITE_DIR_ENV = 'COREFORGE_TFLITE_DIR';

export interface ResolvedTflite {
  readonly file: string;
  /** "2.19", "2.9", or undefined for a user's file (its TfLiteVersion() is read when it is loaded). */
  readonly version?: string;
  /** Where it came from, for messages and `doctor`. */
  readonly source: string;
}

/** The library file for `arch`; throws FILE_NOT_FOUND with the way to get it. */
/** `tfjs29` is tfjs-tflite-node's library for `arch` where npm installed it (runtime-location.ts), if it is installed. */
export function resolveTfliteLibrary(
  choice: TfliteChoice,
  arch: SnapArch,
  tfjs29: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedTflite {
  if (choice.kind === 'path') {
    if (!existsSync(choice.path))
      throw new BuilderError(
        'FILE_NOT_FOUND',
        `cannot find the TFLite library "${choice.path}" (inference.tflite)`,
        'fix inference.tflite, or use "2.19" or "2.9"',
      );
    return { file: choice.path, source: 'inference.tflite' };
  }
  if (choice.version === '2.9') {
    if (!tfjs29 || !existsSync(tfjs29))
      throw new BuilderError(
        'FILE_NOT_FOUND',
        `cannot find TFLite 2.9 for ${arch}: tfjs-tflite-node is not installed${tfjs29 ? ` ("${tfjs29}" does not exist)` : ''}`,
        'reinstall Coreforge (tfjs-tflite-node is a dependency of @coreforge/runtime), or npm ci in a checkout',
      );
    return { file: tfjs29, version: '2.9', source: 'tfjs-tflite-node' };
  }
  const dir = env[TFLITE_DIR_ENV];
  const how = `set ${TFLITE_DIR_ENV} to a folder holding linux-x64/ and linux-arm64/libtensorflowlite_c.so built from LiteRT v2.2.0 (README "Which TFLite"), build the snap with snapcraft ("coreforge snap render", which builds it from source), or set inference.tflite to "2.9"`;
  if (!dir)
    throw new BuilderError('FILE_NOT_FOUND', `cannot find TFLite 2.19 for ${arch}: ${TFLITE_DIR_ENV} is not set`, how);
  const file = path.join(dir, `linux-${NODE_ARCH[arch]}`, 'libtensorflowlite_c.so');
  if (!existsSync(file))
    throw new BuilderError('FILE_NOT_FOUND', `cannot find TFLite 2.19 for ${arch}: "${file}" does not exist`, how);
  return { file, version: '2.19', source: `$${TFLITE_DIR_ENV}` };
}
