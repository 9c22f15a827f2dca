// The JSON Schema (project-schema.ts, which builds it from the constants) against the one definition of each fact
// (the leaf packages, types.ts), field by field: every enum, every pattern and every default in the schema is
// listed here, so a new or changed one fails until it is tied to its owner (or said to be the schema's own).
import * as gadget from '@coreforge/gadget';
import { CORAL_CUSTOM_DEVICE, type GadgetCustomisation } from '@coreforge/gadget';
import * as ma from '@coreforge/model-assertions';
import * as snaps from '@coreforge/snaps';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from './normalize.js';
import { DURATION } from './project-schema.js';
import type { RawProject } from './raw.js';
import { PROJECT_SCHEMA } from './schema.js';
import * as t from './types.js';

interface Node {
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly default?: unknown;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly properties?: Readonly<Record<string, Node>>;
  readonly items?: Node;
}

/** Every schema node, by path: `inference.port`, `snaps[].name`, `snaps[].modes[]`. */
function walk(node: Node, at = '', out = new Map<string, Node>()): Map<string, Node> {
  if (at) out.set(at, node);
  for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, at ? `${at}.${key}` : key, out);
  if (node.items) walk(node.items, `${at}[]`, out);
  return out;
}
const NODES = walk(PROJECT_SCHEMA as Node);
const withKeyword = (k: keyof Node) =>
  [...NODES]
    .filter(([, n]) => n[k] !== undefined)
    .map(([p]) => p)
    .sort();

/** Schema enum -> the constant that defines it (compared as sets: the schema keeps its own order for messages). */
const ENUMS: Record<string, readonly string[]> = {
  target: t.TARGETS,
  grade: t.GRADES,
  'storage-safety': t.STORAGE_SAFETIES,
  base: t.BASES,
  'snaps[].type': t.EXTRA_SNAP_TYPES,
  'snaps[].presence': t.PRESENCES,
  'snaps[].modes[]': t.MODES,
  'inference.accelerator': t.ACCELERATORS,
  'inference.edgetpu-runtime': t.EDGETPU_RUNTIMES,
  'inference.coral-access': t.CORAL_ACCESS,
  'inference.compression': t.SNAP_COMPRESSIONS,
  'gadget.partitions[].filesystem': t.PARTITION_FILESYSTEMS,
  'validation-sets[].mode': t.VALIDATION_SET_MODES,
  'signing.backend': t.SIGNING_BACKENDS,
  'image.compression': t.IMAGE_COMPRESSIONS,
  'release.plan[].channel': t.RISKS,
};

/** Schema pattern -> the RegExp that defines it; null: a rule only the project file has (defined in the schema). */
const PATTERNS: Record<string, RegExp | null> = {
  name: ma.SNAP_NAME,
  brand: ma.ACCOUNT_ID,
  model: ma.MODEL_NAME,
  'snaps[].name': ma.SNAP_NAME,
  'snaps[].id': ma.SNAP_ID,
  'inference.snap-name': ma.SNAP_NAME,
  'inference.snap-id': ma.SNAP_ID,
  'gadget.partitions[].name': null,
  'gadget.partitions[].size': null,
  'gadget.base': null,
  'gadget.snap-name': ma.SNAP_NAME,
  'gadget.snap-id': ma.SNAP_ID,
  'validation-sets[].account-id': ma.ACCOUNT_ID,
  'validation-sets[].name': ma.VALIDATION_SET_NAME,
  'signing.key': ma.SNAP_NAME,
  'image.size': null,
  'inference.version': snaps.SNAP_VERSION,
  'release.track': null,
  'release.plan[].soak': DURATION,
  'release.health.url': null,
};

/** Length limits that come from a rule (the others are the schema's own). */
const LENGTHS: Record<string, { min?: number; max?: number }> = {
  name: ma.SNAP_NAME_LENGTH,
  'snaps[].name': ma.SNAP_NAME_LENGTH,
  'inference.snap-name': ma.SNAP_NAME_LENGTH,
  'gadget.snap-name': ma.SNAP_NAME_LENGTH,
  model: { max: t.MODEL_NAME_MAX_LENGTH },
};

// The smallest project with one of each list, normalized: every schema default must be what normalize applies.
const FILE = '/project/coreforge.yaml';
const RAW: RawProject = {
  name: 'demo',
  target: 'pc-amd64',
  brand: 'acme',
  model: 'demo-model',
  snaps: [{ name: 'extra' }],
  inference: { model: 'm.tflite', labels: 'l.txt' },
  gadget: { partitions: [{ name: 'more', size: '1G' }] },
  release: { plan: [{ channel: 'edge' }], health: { url: 'http://canary/healthz' } },
};
const { config } = normalizeConfig(RAW, { file: FILE, env: {} });
const DEFAULTS: Record<string, unknown> = {
  grade: config.grade,
  base: config.base,
  'snaps[].type': config.snaps[0]!.type,
  'snaps[].channel': config.snaps[0]!.channel,
  'inference.accelerator': config.inference.accelerator,
  'inference.edgetpu-runtime': config.inference.edgetpuRuntime,
  'inference.coral-access': config.inference.coralAccess,
  'inference.port': config.inference.port,
  'inference.bind': config.inference.bind,
  'inference.threads': config.inference.threads,
  'inference.top-k': config.inference.topK,
  'inference.compression': config.inference.compression,
  'gadget.partitions[].filesystem': config.gadget.partitions[0]!.filesystem,
  'signing.key': config.signing.key,
  'signing.backend': config.signing.backend,
  // A path: the schema's default, resolved against the project folder.
  output: path.relative(path.dirname(FILE), config.output),
  'image.compression': config.image.compression,
  'release.track': config.release.track,
  'release.plan[].percent': config.release.plan[0]!.percent,
  // A duration: what normalize applied, spelled in seconds.
  'release.plan[].soak': `${config.release.plan[0]!.soakSeconds}s`,
  'release.health.timeout': config.release.health?.timeoutSeconds,
};

describe('the schema says what the owners of its facts say, field by field', () => {
  it('every enum is its constant', () => {
    expect(withKeyword('enum')).toEqual(Object.keys(ENUMS).sort());
    for (const [at, values] of Object.entries(ENUMS))
      expect([...NODES.get(at)!.enum!].sort(), at).toEqual([...values].sort());
  });

  it("every pattern is its RegExp (or is listed as the schema's own)", () => {
    expect(withKeyword('pattern')).toEqual(Object.keys(PATTERNS).sort());
    for (const [at, re] of Object.entries(PATTERNS)) if (re) expect(NODES.get(at)!.pattern, at).toBe(re.source);
    // The two size fields share one spelling.
    expect(NODES.get('gadget.partitions[].size')!.pattern).toBe(NODES.get('image.size')!.pattern);
  });

  it("length limits of names are the rule's", () => {
    for (const [at, { min, max }] of Object.entries(LENGTHS)) {
      expect(NODES.get(at)!.minLength, at).toBe(min);
      expect(NODES.get(at)!.maxLength, at).toBe(max);
    }
  });

  it('every default is what normalize applies', () => {
    expect(withKeyword('default')).toEqual(Object.keys(DEFAULTS).sort());
    for (const [at, value] of Object.entries(DEFAULTS)) expect(NODES.get(at)!.default, at).toEqual(value);
  });
});

describe('leaves that may not import each other keep copies spelled like the owner', () => {
  it('snap names and snap ids (owner: model-assertions)', () => {
    expect(snaps.SNAP_NAME.source).toBe(ma.SNAP_NAME.source);
    expect(gadget.SNAP_ID.source).toBe(ma.SNAP_ID.source);
    const snapcraftSchema = createRequire(import.meta.url)('@coreforge/snaps/schemas/snapcraft.schema.json') as {
      properties: { name: Node };
    };
    expect(snapcraftSchema.properties.name).toMatchObject({
      pattern: ma.SNAP_NAME.source,
      minLength: ma.SNAP_NAME_LENGTH.min,
      maxLength: ma.SNAP_NAME_LENGTH.max,
    });
  });

  it('the Coral access kinds of the gadget and of the snap are one type (checked by tsc), and one plug name', () => {
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    const same: Same<NonNullable<GadgetCustomisation['coral']>, snaps.CoralAccessKind> = true;
    expect(same).toBe(true);
    expect(snaps.CORAL_ACCESSES.map((a) => gadget.coralPlugName(a))).toEqual(['raw-usb', CORAL_CUSTOM_DEVICE]);
  });

  it('the arch of each target is a snap arch with a triplet', () => {
    for (const target of gadget.TARGETS)
      expect(snaps.ARCH_TRIPLET[gadget.ARCH_OF_TARGET[target]], target).toMatch(/-linux-gnu$/);
    expect(Object.keys(snaps.ARCH_TRIPLET).sort()).toEqual([...snaps.SNAP_ARCHES].sort());
  });

  it("the reference gadget ids are the board snaps' ids", () => {
    for (const target of gadget.TARGETS)
      expect(gadget.GADGET_SNAP_ID[target]).toBe(gadget.BOARD_SNAP_IDS[gadget.GADGET_SNAP[target]]);
    for (const target of gadget.TARGETS)
      expect(gadget.BOARD_SNAP_IDS[gadget.KERNEL_SNAP[target]], target).toMatch(ma.SNAP_ID);
  });
});
