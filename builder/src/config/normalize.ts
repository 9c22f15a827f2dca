// Applies defaults and resolves paths: RawProject -> ProjectConfig (STYLE P3, step 3). The defaults are the schema's
// (project-schema.ts, their one definition); the ones computed from other fields are here.
import { GADGET_SNAP } from '@coreforge/gadget';
import { defaultStorageSafety, isSnapName } from '@coreforge/model-assertions';
import path from 'node:path';
import { expandVariables } from './expand.js';
import { PROJECT_SCHEMA } from './project-schema.js';
import type { ConfigProblem } from './problem.js';
import type { RawProject } from './raw.js';
import {
  ARCH_OF_TARGET,
  TFLITE_VERSIONS,
  type Accelerator,
  type GadgetBase,
  type ProjectConfig,
  type ReleaseConfig,
  type ReleaseStep,
  type Target,
  type TfliteChoice,
  type TfliteVersion,
} from './types.js';

/** inference.tflite: the fastest library that fits the accelerator unless the user names one (a version or a file). */
export function tfliteChoice(
  value: unknown,
  accelerator: Accelerator,
  resolvePath: (value: string) => string,
  problem: (message: string) => void,
): TfliteChoice {
  const fallback: TfliteChoice = { kind: 'version', version: accelerator === 'none' ? '2.19' : '2.9', defaulted: true };
  if (value === undefined) return fallback;
  // YAML reads an unquoted 2.19 as a number: accept the known versions either way.
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  if (text !== undefined && (TFLITE_VERSIONS as readonly string[]).includes(text))
    return { kind: 'version', version: text as TfliteVersion, defaulted: false };
  // A path names a file: it has a slash or ends in .so (libtensorflowlite_c.so, .so.2).
  if (typeof value !== 'string' || !/\/|\.so(?:\.\d+)*$/.test(value)) {
    problem(
      `expected a TFLite version coreforge knows how to obtain ("2.19" or "2.9") or a path to libtensorflowlite_c.so, found ${JSON.stringify(value)}`,
    );
    return fallback;
  }
  return { kind: 'path', path: resolvePath(value), defaulted: false };
}

export interface NormalizeContext {
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The schema's fields, for their defaults. */
const FIELDS = PROJECT_SCHEMA.properties;
const INFERENCE = FIELDS.inference.properties;
const SNAP = FIELDS.snaps.items.properties;
const RELEASE = FIELDS.release.properties;

const SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
export const RELEASE_DEFAULTS = {
  track: RELEASE.track.default,
  percent: RELEASE.plan.items.properties.percent.default,
  soak: RELEASE.plan.items.properties.soak.default,
  healthTimeoutSeconds: RELEASE.health.properties.timeout.default,
} as const;

/** `24h` -> 86400 (the schema has checked the form). */
export function parseDuration(text: string): number {
  return Number(text.slice(0, -1)) * SECONDS[text.slice(-1) as keyof typeof SECONDS];
}

/** The default plan walks every risk: edge, beta 20% -> 50% -> 100%, candidate, stable. */
export const DEFAULT_RELEASE_PLAN: readonly ReleaseStep[] = [
  { channel: 'edge', percent: 100, soakSeconds: 0 },
  { channel: 'beta', percent: 20, soakSeconds: 86400 },
  { channel: 'beta', percent: 50, soakSeconds: 86400 },
  { channel: 'beta', percent: 100, soakSeconds: 86400 },
  { channel: 'candidate', percent: 100, soakSeconds: 86400 },
  { channel: 'stable', percent: 100, soakSeconds: 0 },
];

function normalizeRelease(raw: RawProject['release']): ReleaseConfig {
  const r = raw ?? {};
  const plan =
    r.plan?.map((s) => ({
      channel: s.channel,
      percent: s.percent ?? RELEASE_DEFAULTS.percent,
      soakSeconds: parseDuration(s.soak ?? RELEASE_DEFAULTS.soak),
    })) ?? DEFAULT_RELEASE_PLAN;
  const health =
    r.health && (r.health.url !== undefined || r.health.command !== undefined)
      ? {
          ...(r.health.url !== undefined && { url: r.health.url }),
          ...(r.health.command !== undefined && { command: r.health.command }),
          timeoutSeconds: r.health.timeout ?? RELEASE_DEFAULTS.healthTimeoutSeconds,
        }
      : undefined;
  return { track: r.track ?? RELEASE_DEFAULTS.track, plan, ...(health && { health }) };
}

export function normalizeConfig(
  raw: RawProject,
  ctx: NormalizeContext,
): { config: ProjectConfig; problems: ConfigProblem[] } {
  const dir = path.dirname(ctx.file);
  const problems: ConfigProblem[] = [];
  const resolvePath = (value: string, fieldPath: string): string => {
    const expanded = expandVariables(value, ctx.env);
    if (!expanded.ok) {
      problems.push({ path: fieldPath, message: expanded.message });
      return path.resolve(dir, value);
    }
    return path.resolve(dir, expanded.value);
  };
  const grade = raw.grade ?? FIELDS.grade.default;
  const inf = raw.inference;
  const g = raw.gadget ?? {};
  const config: ProjectConfig = {
    file: ctx.file,
    dir,
    name: raw.name,
    target: raw.target,
    arch: ARCH_OF_TARGET[raw.target],
    brand: raw.brand,
    model: raw.model,
    displayName: raw['display-name'] ?? raw.model,
    grade,
    storageSafety: raw['storage-safety'] ?? defaultStorageSafety(grade),
    base: raw.base ?? FIELDS.base.default,
    snaps: (raw.snaps ?? []).map((s) => ({
      name: s.name,
      ...(s.id !== undefined && { id: s.id }),
      type: s.type ?? SNAP.type.default,
      channel: s.channel ?? SNAP.channel.default,
      ...(s.presence !== undefined && { presence: s.presence }),
      ...(s.modes !== undefined && { modes: s.modes }),
    })),
    inference: {
      snapName: inf['snap-name'] ?? raw.name,
      ...(inf['snap-id'] !== undefined && { snapId: inf['snap-id'] }),
      model: resolvePath(inf.model, 'inference.model'),
      ...(inf['edgetpu-model'] !== undefined && {
        edgetpuModel: resolvePath(inf['edgetpu-model'], 'inference.edgetpu-model'),
      }),
      labels: resolvePath(inf.labels, 'inference.labels'),
      accelerator: inf.accelerator ?? INFERENCE.accelerator.default,
      edgetpuRuntime: inf['edgetpu-runtime'] ?? INFERENCE['edgetpu-runtime'].default,
      coralAccess: inf['coral-access'] ?? INFERENCE['coral-access'].default,
      port: inf.port ?? INFERENCE.port.default,
      bind: inf.bind ?? INFERENCE.bind.default,
      threads: inf.threads ?? INFERENCE.threads.default,
      topK: inf['top-k'] ?? INFERENCE['top-k'].default,
      compression: inf.compression ?? INFERENCE.compression.default,
      tflite: tfliteChoice(
        inf.tflite,
        inf.accelerator ?? INFERENCE.accelerator.default,
        (v) => resolvePath(v, 'inference.tflite'),
        (message) => problems.push({ path: 'inference.tflite', message }),
      ),
      ...(inf.version !== undefined && { version: inf.version }),
      ...(inf['coral-apt-key'] !== undefined && {
        coralAptKey: resolvePath(inf['coral-apt-key'], 'inference.coral-apt-key'),
      }),
    },
    gadget: {
      kernelCmdline: { append: g['kernel-cmdline']?.append ?? [], allow: g['kernel-cmdline']?.allow ?? [] },
      partitions: (g.partitions ?? []).map((p) => ({
        name: p.name,
        size: p.size,
        filesystem: p.filesystem ?? FIELDS.gadget.properties.partitions.items.properties.filesystem.default,
      })),
      ...(g['cloud-init'] !== undefined && { cloudConf: resolvePath(g['cloud-init'], 'gadget.cloud-init') }),
      ...(g.base !== undefined && { base: gadgetBase(g.base, (v) => resolvePath(v, 'gadget.base')) }),
      snapName: g['snap-name'] ?? defaultGadgetSnapName(raw.brand, raw.name, raw.target),
      ...(g['snap-id'] !== undefined && { snapId: g['snap-id'] }),
    },
    validationSets: (raw['validation-sets'] ?? []).map((v) => ({
      accountId: v['account-id'] ?? raw.brand,
      name: v.name,
      ...(v.sequence !== undefined && { sequence: v.sequence }),
      mode: v.mode,
    })),
    signing: {
      key: raw.signing?.key ?? FIELDS.signing.properties.key.default,
      backend: raw.signing?.backend ?? FIELDS.signing.properties.backend.default,
    },
    output: resolvePath(raw.output ?? FIELDS.output.default, 'output'),
    image: {
      ...(raw.image?.size !== undefined && { size: raw.image.size }),
      compression: raw.image?.compression ?? FIELDS.image.properties.compression.default,
    },
    release: normalizeRelease(raw.release),
  };
  return { config, problems };
}

/** gadget.base: `NAME=TRACK/RISK` is a store snap; anything else (the schema wants `.snap`) a file. */
function gadgetBase(value: string, resolve: (v: string) => string): GadgetBase {
  const store = /^([a-z0-9-]+)=([a-z0-9.-]+\/[a-z]+)$/.exec(value);
  return store ? { kind: 'store', name: store[1]!, channel: store[2]! } : { kind: 'file', file: resolve(value) };
}

/** BRAND-pc / BRAND-pi, or PROJECT-pc when the brand id is not usable in a snap name (a 32-character id). */
export function defaultGadgetSnapName(brand: string, project: string, target: Target): string {
  const board = GADGET_SNAP[target];
  const byBrand = `${brand}-${board}`;
  return isSnapName(byBrand) && brand.length < 32 ? byBrand : `${project}-${board}`.slice(0, 40);
}
