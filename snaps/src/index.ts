// Public surface of @coreforge/snaps: re-exports only (STYLE P1).
export { isSnapSpecError, SnapSpecError, type SnapSpecErrorCode } from './errors.js';
export {
  validateSnapSpec,
  SNAP_ARCHES,
  SNAP_COMPRESSIONS,
  SNAP_GRADES,
  CORAL_RUNTIMES,
  CORAL_ACCESSES,
  type SnapSpec,
  type SnapArch,
  type SnapCompression,
  type SnapGrade,
  type SnapFile,
  type CoralSpec,
  type ServiceSpec,
  type TfliteSource,
} from './spec.js';
export {
  aptKeyFile,
  PROJECT_LAYOUT,
  renderSnapcraftYaml,
  renderSnapcraftProject,
  type ProjectFile,
} from './render-snapcraft.js';
export { renderSnapYaml } from './render-snap-yaml.js';
export {
  renderEnvScript,
  renderClassifyScript,
  renderServeScript,
  renderConfigureHook,
  SNAP_LAYOUT,
} from './scripts.js';
export { NODE_VERSION, TFLITE_PACKAGE, CORAL_APT, LITERT, TENSORFLOW_FOR_LITERT } from './pins.js';
export { renderTfliteCmake, TFLITE_CMAKE_FILE } from './tflite-part.js';
export {
  ARCH_TRIPLET,
  NODE_ARCH,
  snapArchOfNode,
  SNAP_NAME,
  SNAP_VERSION,
  type CoralAccessKind,
  type CoralRuntime,
} from './spec.js';
