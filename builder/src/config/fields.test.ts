// Every field of the project file, from the schema to the typed config: its type (tsc, and the value that reaches
// ProjectConfig), every enum value, and its default. The schema is the one definition (project-schema.ts; RawProject
// is derived from it), so this pins what normalize.ts does with each field: a field added to the schema fails here
// until it is listed, with where it lands in ProjectConfig.
import { Ajv } from 'ajv';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from './normalize.js';
import { PROJECT_SCHEMA } from './project-schema.js';
import type { RawProject } from './raw.js';
import type { ProjectConfig } from './types.js';

interface Node {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, Node>>;
  readonly items?: Node;
}

interface Leaf extends Node {
  /** Listed in `required` of its map. */
  readonly isRequired: boolean;
}

/** Leaf fields by path (`inference.port`, `snaps[].modes`): scalars, and lists of scalars. */
function leaves(
  node: Node & { readonly required?: readonly string[] },
  at = '',
  out = new Map<string, Leaf>(),
  isRequired = false,
): Map<string, Leaf> {
  if (node.properties)
    for (const [key, child] of Object.entries(node.properties))
      leaves(child, at ? `${at}.${key}` : key, out, node.required?.includes(key) ?? false);
  else if (node.type === 'array' && node.items?.properties) leaves(node.items, `${at}[]`, out);
  else out.set(at, { ...node, isRequired });
  return out;
}
const LEAVES = leaves(PROJECT_SCHEMA as Node);

const FILE = '/project/coreforge.yaml';
const DIR = path.dirname(FILE);
/** The smallest project with one item in each list. */
const BASE: RawProject = {
  name: 'demo',
  target: 'pc-amd64',
  brand: 'acme',
  model: 'demo-model',
  snaps: [{ name: 'extra' }],
  inference: { model: 'm.tflite', labels: 'l.txt' },
  gadget: { partitions: [{ name: 'more', size: '1G' }] },
  'validation-sets': [{ name: 'set', mode: 'enforce' }],
  release: { plan: [{ channel: 'edge' }], health: { url: 'http://canary/healthz' } },
};

/** `raw` with the field at `at` set (a `[]` step is the list's first item). */
function withField(raw: RawProject, at: string, value: unknown): RawProject {
  const copy = structuredClone(raw) as Record<string, unknown>;
  const steps = at.split('.');
  let node = copy;
  for (const step of steps.slice(0, -1)) {
    const key = step.replace(/\[\]$/, '');
    node[key] ??= step.endsWith('[]') ? [{}] : {};
    node = (step.endsWith('[]') ? (node[key] as Record<string, unknown>[])[0]! : node[key]) as Record<string, unknown>;
  }
  if (value === undefined) delete node[steps.at(-1)!];
  else node[steps.at(-1)!] = value;
  return copy as unknown as RawProject;
}

const normalize = (raw: RawProject) => normalizeConfig(raw, { file: FILE, env: {} });

interface Field {
  /** Where the field lands in ProjectConfig. */
  readonly get: (c: ProjectConfig) => unknown;
  /** A valid value to set, when the schema has no enum to take them from. */
  readonly sample?: unknown;
  /** What normalize makes of a value (default: the value itself). */
  readonly as?: (value: unknown) => unknown;
  /** The value when the field is absent and the schema has no default (computed by normalize). */
  readonly absent?: unknown;
}

const resolved = (v: unknown) => path.resolve(DIR, v as string);
const seconds = (v: unknown) =>
  Number(String(v).slice(0, -1)) * { s: 1, m: 60, h: 3600, d: 86400 }[String(v).slice(-1) as 's']!;

const FIELDS: Record<string, Field> = {
  name: { get: (c) => c.name, sample: 'other-name' },
  target: { get: (c) => c.target },
  brand: { get: (c) => c.brand, sample: 'other-brand' },
  model: { get: (c) => c.model, sample: 'other-model' },
  'display-name': { get: (c) => c.displayName, sample: 'Demo Model', absent: 'demo-model' },
  grade: { get: (c) => c.grade },
  'storage-safety': { get: (c) => c.storageSafety, absent: 'prefer-encrypted' },
  base: { get: (c) => c.base },
  'snaps[].name': { get: (c) => c.snaps[0]!.name, sample: 'network-manager' },
  'snaps[].id': { get: (c) => c.snaps[0]!.id, sample: 'a'.repeat(32), absent: undefined },
  'snaps[].type': { get: (c) => c.snaps[0]!.type },
  'snaps[].channel': { get: (c) => c.snaps[0]!.channel, sample: '24/edge' },
  'snaps[].presence': { get: (c) => c.snaps[0]!.presence, absent: undefined },
  'snaps[].modes': { get: (c) => c.snaps[0]!.modes, absent: undefined },
  'inference.snap-name': { get: (c) => c.inference.snapName, sample: 'other-snap', absent: 'demo' },
  'inference.snap-id': { get: (c) => c.inference.snapId, sample: 'b'.repeat(32), absent: undefined },
  'inference.model': { get: (c) => c.inference.model, sample: 'models/x.tflite', as: resolved },
  'inference.edgetpu-model': {
    get: (c) => c.inference.edgetpuModel,
    sample: 'x_edgetpu.tflite',
    as: resolved,
    absent: undefined,
  },
  'inference.labels': { get: (c) => c.inference.labels, sample: 'labels/l.txt', as: resolved },
  'inference.accelerator': { get: (c) => c.inference.accelerator },
  'inference.edgetpu-runtime': { get: (c) => c.inference.edgetpuRuntime },
  'inference.coral-access': { get: (c) => c.inference.coralAccess },
  'inference.port': { get: (c) => c.inference.port, sample: 9000 },
  'inference.bind': { get: (c) => c.inference.bind, sample: '127.0.0.1' },
  'inference.threads': { get: (c) => c.inference.threads, sample: 4 },
  'inference.top-k': { get: (c) => c.inference.topK, sample: 3 },
  'inference.compression': { get: (c) => c.inference.compression },
  'inference.tflite': {
    get: (c) => c.inference.tflite,
    sample: '2.9',
    as: (v) => ({ kind: 'version', version: v, defaulted: false }),
    absent: { kind: 'version', version: '2.19', defaulted: true },
  },
  'inference.version': { get: (c) => c.inference.version, sample: '1.2.3', absent: undefined },
  'inference.coral-apt-key': {
    get: (c) => c.inference.coralAptKey,
    sample: 'keys/coral.asc',
    as: resolved,
    absent: undefined,
  },
  'release.track': { get: (c) => c.release.track, sample: '2' },
  'release.plan[].channel': { get: (c) => c.release.plan[0]!.channel },
  'release.plan[].percent': { get: (c) => c.release.plan[0]!.percent, sample: 20 },
  'release.plan[].soak': { get: (c) => c.release.plan[0]!.soakSeconds, sample: '24h', as: seconds },
  'release.health.url': { get: (c) => c.release.health?.url, sample: 'https://canary/ok' },
  'release.health.command': { get: (c) => c.release.health?.command, sample: ['true'], absent: undefined },
  'release.health.timeout': { get: (c) => c.release.health?.timeoutSeconds, sample: 120 },
  'gadget.kernel-cmdline.append': { get: (c) => c.gadget.kernelCmdline.append, sample: ['quiet'], absent: [] },
  'gadget.kernel-cmdline.allow': { get: (c) => c.gadget.kernelCmdline.allow, sample: ['debug'], absent: [] },
  'gadget.partitions[].name': { get: (c) => c.gadget.partitions[0]!.name, sample: 'data2' },
  'gadget.partitions[].size': { get: (c) => c.gadget.partitions[0]!.size, sample: '256M' },
  'gadget.partitions[].filesystem': { get: (c) => c.gadget.partitions[0]!.filesystem },
  'gadget.cloud-init': { get: (c) => c.gadget.cloudConf, sample: 'user-data', as: resolved, absent: undefined },
  'gadget.base': {
    get: (c) => c.gadget.base,
    sample: 'pc=24/edge',
    as: () => ({ kind: 'store', name: 'pc', channel: '24/edge' }),
    absent: undefined,
  },
  'gadget.snap-name': { get: (c) => c.gadget.snapName, sample: 'acme-gadget', absent: 'acme-pc' },
  'gadget.snap-id': { get: (c) => c.gadget.snapId, sample: 'c'.repeat(32), absent: undefined },
  'validation-sets[].account-id': {
    get: (c) => c.validationSets[0]!.accountId,
    sample: 'other-account',
    absent: 'acme',
  },
  'validation-sets[].name': { get: (c) => c.validationSets[0]!.name, sample: 'other-set' },
  'validation-sets[].sequence': { get: (c) => c.validationSets[0]!.sequence, sample: 3, absent: undefined },
  'validation-sets[].mode': { get: (c) => c.validationSets[0]!.mode },
  'signing.key': { get: (c) => c.signing.key, sample: 'acme-dev' },
  'signing.backend': { get: (c) => c.signing.backend },
  output: { get: (c) => c.output, sample: 'build/out', as: resolved },
  'image.size': { get: (c) => c.image.size, sample: '8G', absent: undefined },
  'image.compression': { get: (c) => c.image.compression },
};

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addKeyword({ keyword: 'x-pattern-message', schemaType: 'string' });
const valid = ajv.compile(PROJECT_SCHEMA);

/** The values a test sets: every enum value, or the sample (a list field gets its items' enum values as one list). */
function values(at: string, node: Node): unknown[] {
  if (node.enum) return [...node.enum];
  if (node.type === 'array' && node.items?.enum) return [[...node.items.enum]];
  const sample = FIELDS[at]!.sample;
  if (sample === undefined) throw new Error(`${at}: no enum, so the table needs a sample`);
  return [sample];
}

describe('every field of the project file, schema -> ProjectConfig', () => {
  it('the table lists every field of the schema, and only those', () => {
    expect([...LEAVES.keys()].sort()).toEqual(Object.keys(FIELDS).sort());
  });

  it('is valid as the smallest project', () => {
    expect(valid(BASE), JSON.stringify(valid.errors)).toBe(true);
  });

  it.each([...LEAVES])('%s: each valid value reaches ProjectConfig with the type the schema gives it', (at, node) => {
    const field = FIELDS[at]!;
    for (const value of values(at, node)) {
      const raw = withField(BASE, at, value);
      expect(valid(raw), `${at}=${JSON.stringify(value)}: ${JSON.stringify(valid.errors)}`).toBe(true);
      const { config, problems } = normalize(raw);
      expect(problems).toEqual([]);
      const got = field.get(config);
      expect(got, at).toEqual(field.as ? field.as(value) : value);
      // The type: what the schema admits is what the config holds, unless the table says how it is converted.
      if (!field.as) {
        if (node.type === 'integer') expect(Number.isInteger(got), at).toBe(true);
        else if (node.type === 'array') expect(Array.isArray(got), at).toBe(true);
        else if (node.type === 'string' || node.enum) expect(typeof got, at).toBe('string');
      }
    }
  });

  it.each([...LEAVES])('%s: absent, it takes the schema default (or what normalize computes)', (at, node) => {
    const field = FIELDS[at]!;
    if (node.isRequired) {
      expect(node.default, at).toBeUndefined();
      return;
    }
    const raw = withField(BASE, at, undefined);
    expect(valid(raw), `${at} absent: ${JSON.stringify(valid.errors)}`).toBe(true);
    const { config } = normalize(raw);
    if (node.default !== undefined)
      expect(field.get(config), at).toEqual(field.as ? field.as(node.default) : node.default);
    else expect(field.get(config), at).toEqual(field.absent);
  });
});

// The same, for tsc (npm run typecheck): each field the config takes over unchanged has the type RawProject, derived
// from the schema, gives it.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Raw = Required<RawProject>;
type RawOf<K extends keyof Raw> = NonNullable<Raw[K]>;
type Item<T> = T extends readonly (infer I)[] ? I : never;
type Inference = Required<Raw['inference']>;
type Snap = Required<Item<RawOf<'snaps'>>>;
type Plan = Required<Item<NonNullable<RawOf<'release'>['plan']>>>;
type Partition = Required<Item<NonNullable<RawOf<'gadget'>['partitions']>>>;
type ValidationSet = Required<Item<RawOf<'validation-sets'>>>;
type C = ProjectConfig;
type ReadonlyList<T> = T extends readonly (infer I)[] ? readonly I[] : T;
type AllTrue<T extends readonly boolean[]> = false extends T[number] ? false : true;
const typesAgree: AllTrue<
  [
    Same<Raw['name'], C['name']>,
    Same<Raw['target'], C['target']>,
    Same<Raw['brand'], C['brand']>,
    Same<Raw['model'], C['model']>,
    Same<RawOf<'display-name'>, C['displayName']>,
    Same<RawOf<'grade'>, C['grade']>,
    Same<RawOf<'storage-safety'>, C['storageSafety']>,
    Same<RawOf<'base'>, C['base']>,
    Same<Snap['name'], C['snaps'][number]['name']>,
    Same<NonNullable<Snap['id']>, NonNullable<C['snaps'][number]['id']>>,
    Same<NonNullable<Snap['type']>, C['snaps'][number]['type']>,
    Same<NonNullable<Snap['channel']>, C['snaps'][number]['channel']>,
    Same<NonNullable<Snap['presence']>, NonNullable<C['snaps'][number]['presence']>>,
    Same<ReadonlyList<NonNullable<Snap['modes']>>, NonNullable<C['snaps'][number]['modes']>>,
    Same<NonNullable<Inference['snap-name']>, C['inference']['snapName']>,
    Same<NonNullable<Inference['snap-id']>, NonNullable<C['inference']['snapId']>>,
    Same<Inference['model'], C['inference']['model']>,
    Same<NonNullable<Inference['edgetpu-model']>, NonNullable<C['inference']['edgetpuModel']>>,
    Same<Inference['labels'], C['inference']['labels']>,
    Same<NonNullable<Inference['accelerator']>, C['inference']['accelerator']>,
    Same<NonNullable<Inference['edgetpu-runtime']>, C['inference']['edgetpuRuntime']>,
    Same<NonNullable<Inference['coral-access']>, C['inference']['coralAccess']>,
    Same<NonNullable<Inference['port']>, C['inference']['port']>,
    Same<NonNullable<Inference['bind']>, C['inference']['bind']>,
    Same<NonNullable<Inference['threads']>, C['inference']['threads']>,
    Same<NonNullable<Inference['top-k']>, C['inference']['topK']>,
    Same<NonNullable<Inference['compression']>, C['inference']['compression']>,
    Same<NonNullable<Inference['version']>, NonNullable<C['inference']['version']>>,
    Same<NonNullable<Inference['coral-apt-key']>, NonNullable<C['inference']['coralAptKey']>>,
    Same<NonNullable<RawOf<'release'>['track']>, C['release']['track']>,
    Same<Plan['channel'], C['release']['plan'][number]['channel']>,
    Same<NonNullable<Plan['percent']>, C['release']['plan'][number]['percent']>,
    Same<
      NonNullable<Required<NonNullable<RawOf<'release'>['health']>>['timeout']>,
      NonNullable<C['release']['health']>['timeoutSeconds']
    >,
    Same<Partition['name'], C['gadget']['partitions'][number]['name']>,
    Same<Partition['size'], C['gadget']['partitions'][number]['size']>,
    Same<NonNullable<Partition['filesystem']>, C['gadget']['partitions'][number]['filesystem']>,
    Same<NonNullable<RawOf<'gadget'>['snap-name']>, C['gadget']['snapName']>,
    Same<NonNullable<ValidationSet['account-id']>, C['validationSets'][number]['accountId']>,
    Same<ValidationSet['mode'], C['validationSets'][number]['mode']>,
    Same<NonNullable<ValidationSet['sequence']>, NonNullable<C['validationSets'][number]['sequence']>>,
    Same<NonNullable<RawOf<'signing'>['key']>, C['signing']['key']>,
    Same<NonNullable<RawOf<'signing'>['backend']>, C['signing']['backend']>,
    Same<NonNullable<RawOf<'image'>['compression']>, C['image']['compression']>,
    Same<NonNullable<RawOf<'image'>['size']>, NonNullable<C['image']['size']>>,
  ]
> = true;
it("the fields the config takes over unchanged have the schema's types (checked by tsc)", () => {
  expect(typesAgree).toBe(true);
});
