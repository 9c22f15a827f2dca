// The build, in order (STYLE P8). Stage names are stable: they are values of --until and --thru.
import type { Stage } from './stage.js';
import { buildImageStage } from './stages/build-image.js';
import { compressImageStage } from './stages/compress-image.js';
import { packSnapStage } from './stages/pack-snap.js';
import { prepareGadgetStage } from './stages/prepare-gadget.js';
import { signModelStage } from './stages/sign-model.js';
import { writeManifestStage } from './stages/write-manifest.js';

export const STAGES: readonly Stage[] = [
  packSnapStage,
  prepareGadgetStage,
  signModelStage,
  buildImageStage,
  compressImageStage,
  writeManifestStage,
];
