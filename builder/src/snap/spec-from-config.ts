// ProjectConfig (coreforge.yaml) -> SnapSpec (the pure snaps/ input).
import path from 'node:path';
import { CORAL_CUSTOM_DEVICE } from '@coreforge/gadget';
import type { SnapArch, SnapSpec } from '@coreforge/snaps';
import type { ProjectConfig } from '../config/types.js';

export interface SnapSpecOptions {
  /** Architectures to declare (default: the target's). */
  readonly architectures?: readonly SnapArch[];
  /** The snap's version (default: inference.version, else OFFLINE_DEFAULT_VERSION). */
  readonly version?: string;
  /** The runtime's `npm pack` tarball on this host (default: the name npm gives it, in runtime/). */
  readonly runtimeTarball?: string;
  /** Coral's armoured apt key (checked by readCoralAptKey). */
  readonly coralAptKey?: string;
}

/** What the offline packer writes when coreforge.yaml sets no inference.version (snapcraft runs git describe). */
export const OFFLINE_DEFAULT_VERSION = '0.1.0';

export function snapSpecFromConfig(config: ProjectConfig, options: SnapSpecOptions = {}): SnapSpec {
  const inf = config.inference;
  const coral = inf.accelerator !== 'none';
  return {
    name: inf.snapName,
    version: options.version ?? inf.version ?? OFFLINE_DEFAULT_VERSION,
    summary: `TFLite image classification for ${config.displayName}`.slice(0, 78),
    description:
      `Classifies images with a TensorFlow Lite model on the CPU${coral ? ' or a Coral Edge TPU' : ''}.\n` +
      'Apps: classify (one image) and serve (HTTP daemon). Options: snap set <snap> port=8080 bind=0.0.0.0 threads=4 model=NAME.tflite',
    grade: config.grade === 'dangerous' ? 'devel' : 'stable',
    compression: inf.compression,
    architectures: options.architectures ?? [config.arch],
    runtimeTarball: options.runtimeTarball ?? 'runtime/coreforge-runtime-0.1.0.tgz',
    model: { name: path.basename(inf.model), source: inf.model },
    ...(coral && inf.edgetpuModel
      ? { edgetpuModel: { name: path.basename(inf.edgetpuModel), source: inf.edgetpuModel } }
      : {}),
    labels: { name: path.basename(inf.labels), source: inf.labels },
    ...(coral
      ? {
          coral: {
            runtime: inf.edgetpuRuntime,
            access: inf.coralAccess,
            customDevice: CORAL_CUSTOM_DEVICE,
            aptKey: options.coralAptKey ?? '',
          },
        }
      : {}),
    service: { port: inf.port, bind: inf.bind, threads: inf.threads, topK: inf.topK },
    tflite:
      inf.tflite.kind === 'path'
        ? { kind: 'file', source: inf.tflite.path }
        : { kind: inf.tflite.version === '2.19' ? 'litert' : 'tfjs' },
  };
}
