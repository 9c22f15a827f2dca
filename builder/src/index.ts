// Public surface of @coreforge/builder (STYLE P1): re-exports only.
export { BuilderError, isBuilderError, isExpectedError, ToolError, type BuilderErrorCode } from './errors.js';
export {
  loadProjectConfig,
  validateProjectFile,
  formatProblems,
  DEFAULT_PROJECT_FILE,
  type ProjectFileReport,
  type LoadOptions,
} from './config/load.js';
export type { ConfigProblem } from './config/problem.js';
export type * from './config/types.js';
export { run, spawn, type Run, type Spawn, type RunOptions, type RunResult, type Spawned } from './tools/run.js';
export { packInferenceSnap, type PackOptions, type PackResult } from './snap/pack.js';
export { snapSpecFromConfig } from './snap/spec-from-config.js';
export { snapDeltaReport } from './snap/delta.js';
export { snapSizeReport } from './snap/size.js';
// The reports' figures and text are @coreforge/snaps' (pure); re-exported here beside the functions that measure them.
export {
  formatDeltaReport,
  formatSizeReport,
  type DeltaReport,
  type DeltaFigures,
  type SizeReport,
  type PartSize,
} from '@coreforge/snaps';
