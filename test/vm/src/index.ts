// Public surface of @coreforge/vm, the boot-test harness: re-exports only, and only what `coreforge test` and
// `coreforge doctor` use (builder). The suites under test/boot import the modules they test by path.
export { defaultCacheDir, fetchBootAssets, type Arch, type BootAssets } from './boot-assets.js';
export { HarnessError, isHarnessError, type HarnessErrorCode } from './errors.js';
export { FIRMWARE, runImageBootTest, type ImageBootOptions } from './image.js';
export { probeKvm, type KvmProbeOptions, type KvmProbeResult } from './kvm-probe.js';
export { humanReport, junitXml, type BootReport, type StepResult } from './report.js';
export { runSnapSmokeTest, type SnapSmokeOptions } from './smoke.js';
export type { RunLike, SpawnLike, SpawnedLike } from './process.js';
export { loadAllowList, type AllowedDenial, type Denial } from './snapd-denials.js';
export { INFERENCE_SNAP_ALLOWED_DENIALS } from './snapd-allow-list.js';
export { runSnapdTest, type SnapdReport, type SnapdStep, type SnapdTestOptions } from './snapd.js';
