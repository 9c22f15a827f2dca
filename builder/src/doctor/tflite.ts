// Which libtensorflowlite_c the runtime would load, asked of the runtime itself (same search order). With a project,
// the library the project ships (inference.tflite) is the one probed: loaded when it is for this machine, so its
// TfLiteVersion() is reported, else described from where it comes from.
import { loadTfliteLibrary, locateTfliteLibrary } from '@coreforge/runtime';
import { snapArchOfNode, type SnapArch } from '@coreforge/snaps';
import type { TfliteChoice } from '../config/types.js';
import { BuilderError } from '../errors.js';
import { locateRuntime, tfliteLibraryFor } from '../snap/runtime-location.js';
import { resolveTfliteLibrary } from '../snap/tflite-library.js';
import type { TfliteProbe } from './doctor.js';

const HOST_ARCH: SnapArch | undefined = snapArchOfNode(process.arch);

export interface ProjectTflite {
  readonly choice: TfliteChoice;
  readonly arch: SnapArch;
}

function describeChoice(choice: TfliteChoice): string {
  return choice.kind === 'path'
    ? `inference.tflite "${choice.path}"`
    : `inference.tflite ${choice.defaulted ? 'default ' : ''}"${choice.version}"`;
}

export async function probeTflite(
  env: Readonly<Record<string, string | undefined>>,
  project?: ProjectTflite,
): Promise<TfliteProbe> {
  let explicit: string | undefined;
  let note = '';
  if (project) {
    try {
      const lib = resolveTfliteLibrary(
        project.choice,
        project.arch,
        tfliteLibraryFor(locateRuntime(), project.arch),
        env,
      );
      note = ` (project: ${describeChoice(project.choice)} for ${project.arch}, from ${lib.source})`;
      if (project.arch !== HOST_ARCH)
        return {
          found: true,
          path: lib.file,
          ...(lib.version && { version: lib.version }),
          detail: `${lib.file}${note}`,
        };
      explicit = lib.file;
    } catch (error) {
      if (!(error instanceof BuilderError)) throw error;
      return {
        found: false,
        detail: `${describeChoice(project.choice)}: ${error.message}; ${error.hint ?? ''}`.trim(),
      };
    }
  }
  const { found, tried } = locateTfliteLibrary(explicit, env);
  if (!found?.path) return { found: false, detail: `tried: ${tried.join('; ')}` };
  try {
    const lib = loadTfliteLibrary(explicit, env);
    return { found: true, path: lib.path, version: lib.version, ...(note && { detail: `${lib.path}${note}` }) };
  } catch (error) {
    return {
      found: false,
      path: found.path,
      detail: `${found.path} (${found.source}) exists but does not load: ${(error as Error).message.split('\n')[0]}`,
    };
  }
}
