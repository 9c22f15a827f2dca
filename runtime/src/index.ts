// Public surface of @coreforge/runtime (STYLE P1): re-exports only.
export { openClassifier, checkModelData } from './classifier.js';
export { isRuntimeError, RuntimeError, type RuntimeErrorCode } from './errors.js';
export { locateTfliteLibrary, loadTfliteLibrary, type LoadedLibrary } from './library.js';
export { ENV, SERVE_ENV } from './env.js';
export { parseLabels } from './labels.js';
export { listEdgetpuDevices, type EdgetpuDeviceInfo } from './edgetpu.js';
export type * from './types.js';
export {
  createInferenceServer,
  type InferenceServer,
  type InferenceServerOptions,
  type ClassifierSource,
} from './serve/server.js';
export { DEFAULT_SERVER_OPTIONS, type ServerOptions } from './serve/options.js';
