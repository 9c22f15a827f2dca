// Semantic rules over the normalized project (STYLE P3, step 4): the Ubuntu Core rules users trip on.
// Each rule is a small function that reports problems; none throws.
import { CLOUD_CONF, GADGET_SNAP, KERNEL_SNAP } from '@coreforge/gadget';
import { MAX_LABELS_BYTES, MAX_MODEL_BYTES } from '@coreforge/runtime/limits';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { gadgetChanges } from '../gadget/customisation.js';
import type { ConfigProblem } from './problem.js';
import type { ProjectConfig } from './types.js';

export interface RuleFs {
  /** 'file' (regular), 'dir', 'missing', or 'other' (FIFO, device, socket: never opened). */
  kind(file: string): 'file' | 'dir' | 'missing' | 'other';
  /** Size in bytes (of a regular file). */
  size?(file: string): number;
  /** The first `n` bytes of a file. */
  head(file: string, n: number): Uint8Array;
}

export const nodeRuleFs: RuleFs = {
  kind(file) {
    try {
      const s = statSync(file);
      return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
    } catch {
      return 'missing';
    }
  },
  size(file) {
    return statSync(file).size;
  },
  head(file, n) {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(n);
      return buf.subarray(0, readSync(fd, buf, 0, n, 0));
    } finally {
      closeSync(fd);
    }
  },
};

export interface RuleContext {
  readonly config: ProjectConfig;
  /** Whether the user wrote the key (defaults are not the user's choice). */
  readonly given: (path: string) => boolean;
  readonly fs: RuleFs;
  error(path: string, message: string): void;
  warn(path: string, message: string): void;
}

export type Rule = (ctx: RuleContext) => void;

/** snapd's channel shape for model assertions: track/risk[/branch]; a bare risk has no track and is refused. */
const CHANNEL =
  /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,27})\/(?:stable|candidate|beta|edge)(?:\/[a-zA-Z0-9](?:[a-zA-Z0-9_-]{0,127}))?$/;
const RISKS = new Set(['stable', 'candidate', 'beta', 'edge']);

const securedNeedsEncryption: Rule = ({ config, given, error }) => {
  if (config.grade === 'secured' && given('storage-safety') && config.storageSafety !== 'encrypted')
    error('storage-safety', `grade "secured" requires storage-safety "encrypted", found "${config.storageSafety}"`);
};

const storeSnapsNeedIds: Rule = ({ config, error }) => {
  if (config.grade === 'dangerous') return;
  config.snaps.forEach((s, i) => {
    if (s.id === undefined)
      error(
        `snaps[${i}].id`,
        `snap "${s.name}" needs its store id for grade "${config.grade}" (find it with: snap info ${s.name}), or use grade "dangerous"`,
      );
  });
  if (config.inference.snapId === undefined)
    error(
      'inference.snap-id',
      `the inference snap "${config.inference.snapName}" needs its store id for grade "${config.grade}" (register it with: snapcraft register ${config.inference.snapName}), or use grade "dangerous"`,
    );
};

const channelsWellFormed: Rule = ({ config, error }) => {
  config.snaps.forEach((s, i) => {
    if (CHANNEL.test(s.channel)) return;
    const risk = RISKS.has(s.channel) ? ` (a model assertion needs a track: "latest/${s.channel}")` : '';
    error(
      `snaps[${i}].channel`,
      `expected a channel track/risk[/branch] such as "latest/stable" or "24/edge", found "${s.channel}"${risk}`,
    );
  });
};

const presenceOnlyForApps: Rule = ({ config, error }) => {
  config.snaps.forEach((s, i) => {
    if (s.presence !== undefined && s.type !== 'app')
      error(
        `snaps[${i}].presence`,
        `presence cannot be set for snap "${s.name}" of type "${s.type}" (only app snaps can be optional)`,
      );
  });
};

const snapNamesUnique: Rule = ({ config, error }) => {
  const gadgetKernel = [GADGET_SNAP[config.target], KERNEL_SNAP[config.target]];
  const implicit = new Set([...gadgetKernel, config.base, 'snapd', config.inference.snapName]);
  const seen = new Set<string>();
  config.snaps.forEach((s, i) => {
    if (implicit.has(s.name))
      error(`snaps[${i}].name`, `snap "${s.name}" is already in the model (coreforge adds it); remove it from snaps`);
    else if (seen.has(s.name)) error(`snaps[${i}].name`, `snap "${s.name}" is listed twice`);
    seen.add(s.name);
  });
};

const TFLITE_IDENTIFIER = 'TFL3';

function checkFile(ctx: RuleContext, path: string, file: string | undefined, what: string): boolean {
  if (file === undefined) return false;
  const kind = ctx.fs.kind(file);
  if (kind === 'missing') ctx.error(path, `${what} "${file}" does not exist`);
  else if (kind === 'dir') ctx.error(path, `${what} "${file}" is a folder, expected a file`);
  else if (kind === 'other')
    ctx.error(path, `${what} "${file}" is not a regular file (a FIFO, device or socket), expected a file`);
  else {
    const size = ctx.fs.size?.(file);
    const cap = what === 'labels file' ? MAX_LABELS_BYTES : MAX_MODEL_BYTES;
    if (size !== undefined && size > cap) {
      ctx.error(path, `${what} "${file}" is ${size} bytes, more than the ${cap} the device's runtime loads`);
      return false;
    }
  }
  return kind === 'file';
}

const inferenceFilesExist: Rule = (ctx) => {
  const { inference } = ctx.config;
  for (const [path, file] of [
    ['inference.model', inference.model],
    ['inference.edgetpu-model', inference.edgetpuModel],
  ] as const) {
    if (!checkFile(ctx, path, file, 'model file')) continue;
    const head = Buffer.from(ctx.fs.head(file!, 8));
    if (head.subarray(4, 8).toString('latin1') !== TFLITE_IDENTIFIER)
      ctx.error(path, `"${file}" is not a TensorFlow Lite model (no "${TFLITE_IDENTIFIER}" identifier at byte 4)`);
  }
  checkFile(ctx, 'inference.labels', inference.labels, 'labels file');
};

const acceleratorConsistent: Rule = ({ config, given, warn }) => {
  const { inference } = config;
  if (inference.accelerator !== 'none' && inference.edgetpuModel === undefined)
    warn(
      'inference.edgetpu-model',
      `accelerator "${inference.accelerator}" is set but no Edge TPU model is given: the device will run the CPU model`,
    );
  if (inference.accelerator === 'none' && inference.edgetpuModel !== undefined)
    warn('inference.edgetpu-model', 'an Edge TPU model is given but accelerator is "none": it will not be used');
  if (inference.accelerator === 'none' && given('inference.coral-access'))
    warn('inference.coral-access', 'coral-access has no effect without a Coral accelerator');
};

const tfliteFitsAccelerator: Rule = (ctx) => {
  const { tflite, accelerator } = ctx.config.inference;
  if (tflite.kind === 'path') {
    checkFile(ctx, 'inference.tflite', tflite.path, 'TFLite library');
    return;
  }
  if (accelerator !== 'none' && tflite.version === '2.19')
    ctx.error(
      'inference.tflite',
      `TFLite 2.19 cannot drive a Coral: libedgetpu 16.0 is built against TFLite 2.5 and crashes with 2.12 or newer; use "2.9" (the default with accelerator "${accelerator}")`,
    );
};

const bindIsAddress: Rule = ({ config, error }) => {
  if (isIP(config.inference.bind) === 0)
    error(
      'inference.bind',
      `expected an IPv4 or IPv6 address such as "0.0.0.0" or "127.0.0.1", found "${config.inference.bind}"`,
    );
};

const cloudInitOnlyDangerous: Rule = (ctx) => {
  const { gadget, grade } = ctx.config;
  if (gadget.cloudConf === undefined) return;
  if (grade !== 'dangerous')
    ctx.error('gadget.cloud-init', `cloud-init in the gadget is honoured only for grade "dangerous", not "${grade}"`);
  else checkFile(ctx, 'gadget.cloud-init', gadget.cloudConf, 'cloud-init file');
};

const partitionsFit: Rule = ({ config, error }) => {
  const { partitions } = config.gadget;
  if (partitions.length > 0 && config.target === 'pi-arm64')
    error(
      'gadget.partitions',
      'target "pi-arm64" uses an MBR disk whose four primary partitions are all taken (seed, boot, save, data); use pc-amd64 or no extra partitions',
    );
  const seen = new Set(['ubuntu-seed', 'ubuntu-boot', 'ubuntu-save', 'ubuntu-data']);
  partitions.forEach((p, i) => {
    if (seen.has(p.name)) error(`gadget.partitions[${i}].name`, `partition name "${p.name}" is already used`);
    seen.add(p.name);
  });
};

const RISK_ORDER = ['edge', 'beta', 'candidate', 'stable'];

/** A rollout moves one revision towards stable: risks never go back, and a channel's percentage only grows. */
const releasePlanOrdered: Rule = ({ config, error }) => {
  const plan = config.release.plan;
  plan.forEach((step, i) => {
    if (i === 0) return;
    const prev = plan[i - 1]!;
    const a = RISK_ORDER.indexOf(prev.channel);
    const b = RISK_ORDER.indexOf(step.channel);
    if (b < a)
      error(
        `release.plan[${i}].channel`,
        `a rollout only moves towards stable: "${step.channel}" cannot follow "${prev.channel}"`,
      );
    else if (b === a && step.percent <= prev.percent)
      error(
        `release.plan[${i}].percent`,
        `the ${step.channel} rollout must grow: ${step.percent}% cannot follow ${prev.percent}%`,
      );
  });
  if (config.release.health && config.release.health.url !== undefined && config.release.health.command !== undefined)
    error('release.health', 'give either a url or a command, not both');
};

const brandGadget: Rule = (ctx) => {
  const { config, error } = ctx;
  if (config.gadget.base?.kind === 'file') checkFile(ctx, 'gadget.base', config.gadget.base.file, 'gadget snap');
  if (config.grade === 'dangerous' || config.gadget.snapId !== undefined) return;
  // cloud.conf is refused above dangerous by its own rule.
  const changes = gadgetChanges(config).filter((c) => c !== CLOUD_CONF);
  if (changes.length > 0)
    error(
      'gadget.snap-id',
      `the brand gadget "${config.gadget.snapName}" (derived because of ${changes.join(', ')}) needs its store id for grade "${config.grade}" (register it with: snapcraft register ${config.gadget.snapName}), or use grade "dangerous"`,
    );
};

export const RULES: readonly Rule[] = [
  securedNeedsEncryption,
  storeSnapsNeedIds,
  channelsWellFormed,
  presenceOnlyForApps,
  snapNamesUnique,
  inferenceFilesExist,
  acceleratorConsistent,
  tfliteFitsAccelerator,
  bindIsAddress,
  cloudInitOnlyDangerous,
  partitionsFit,
  releasePlanOrdered,
  brandGadget,
];

export function applyRules(
  config: ProjectConfig,
  given: (path: string) => boolean,
  fs: RuleFs = nodeRuleFs,
): { errors: ConfigProblem[]; warnings: ConfigProblem[] } {
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const ctx: RuleContext = {
    config,
    given,
    fs,
    error: (path, message) => errors.push({ path, message }),
    warn: (path, message) => warnings.push({ path, message }),
  };
  for (const rule of RULES) rule(ctx);
  return { errors, warnings };
}
