// Public surface of the boot-test harness (@coreforge/test/harness): re-exports only.
export { ARCHES, defaultCacheDir, fetchBootAssets, type Arch, type BootAssets } from './boot-assets.js';
export { writeCpio, type CpioEntry } from './cpio.js';
export { HarnessError, isHarnessError, type HarnessErrorCode } from './errors.js';
export { buildTestDiskImage, FIRMWARE, runImageBootTest, testDiskGrubCfg, testDiskPartitionArgs, type ImageBootOptions } from './image.js';
export { kvmProbeArgs, probeKvm, probeKvmStatus, type KvmProbeOptions, type KvmProbeResult } from './kvm-probe.js';
export { imageVmArgs, QEMU_BINARY, smokeVmArgs, type ImageVmOptions, type SmokeVmOptions } from './qemu-args.js';
export { humanReport, junitXml, type BootReport } from './report.js';
export { matchesExpected } from './classify-vm.js';
export { runSnapSmokeTest, type SnapSmokeOptions } from './smoke.js';
export type { RunLike, SpawnLike, SpawnedLike } from './process.js';
export type { StepResult } from './report.js';
export { buildSnapdDisk, cachedSnapdDisk, snapdDiskDir, snapdDiskKey, type SnapdDisk } from './snapd-disk.js';
export { loadAllowList, parseDenials, type AllowedDenial, type Denial } from './snapd-denials.js';
export { INFERENCE_SNAP_ALLOWED_DENIALS } from './snapd-allow-list.js';
export { runSnapdTest, SNAPD_STEPS, type SnapdReport, type SnapdStep, type SnapdTestOptions } from './snapd.js';
export { snapdVmArgs, type SnapdVmOptions } from './qemu-args.js';
