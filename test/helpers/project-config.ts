// A normalized ProjectConfig built directly (no loader), for unit and packing tests.
import path from 'node:path';
import type { ProjectConfig } from '@coreforge/builder';
import { fixture } from './fixtures.js';
import { DEFAULT_RELEASE_PLAN } from '../../builder/src/config/normalize.js';

type Overrides = Partial<Omit<ProjectConfig, 'inference'>> & { inference?: Partial<ProjectConfig['inference']> };

export function projectConfig(overrides: Overrides = {}, dir = '/work/project'): ProjectConfig {
  const { inference, ...rest } = overrides;
  const base: ProjectConfig = {
    file: path.join(dir, 'coreforge.yaml'),
    dir,
    name: 'classifier',
    target: 'pc-amd64',
    arch: 'amd64',
    brand: 'acme',
    model: 'acme-classifier-pc',
    displayName: 'Acme Classifier (PC)',
    grade: 'dangerous',
    storageSafety: 'prefer-encrypted',
    base: 'core24',
    snaps: [],
    inference: {
      snapName: 'classifier',
      model: path.join(dir, 'models', 'mobilenet_v2_1.0_224_quant.tflite'),
      labels: path.join(dir, 'models', 'imagenet_labels.txt'),
      accelerator: 'none',
      edgetpuRuntime: 'std',
      coralAccess: 'raw-usb',
      port: 8080,
      bind: '0.0.0.0',
      threads: 1,
      topK: 5,
      compression: 'xz',
      // As normalize does: the fastest library that fits the accelerator.
      tflite: {
        kind: 'version',
        version: (inference?.accelerator ?? 'none') === 'none' ? '2.19' : '2.9',
        defaulted: true,
      },
      ...inference,
    },
    gadget: { kernelCmdline: { append: [], allow: [] }, partitions: [], snapName: 'acme-pc' },
    validationSets: [],
    signing: { key: 'acme-dev', backend: 'coreforge' },
    output: path.join(dir, 'out'),
    image: { compression: 'xz' },
    release: { track: 'latest', plan: DEFAULT_RELEASE_PLAN },
  };
  return { ...base, ...rest, inference: base.inference };
}

/** The example project with the shared fixture model and labels. */
export function fixtureProjectConfig(
  model = 'mobilenet_v2_1.0_224_quant.tflite',
  overrides: Overrides = {},
): ProjectConfig {
  const dir = path.dirname(fixture(`models/${model}`));
  return projectConfig(
    {
      ...overrides,
      inference: {
        model: fixture(`models/${model}`),
        labels: fixture('models/imagenet_labels.txt'),
        ...overrides.inference,
      },
    },
    dir,
  );
}
