// The model assertion: composing headers from a ModelSpec, and parseModel() with snapd's rules (asserts/model.go)
// into an immutable ModelAssertion. Only UC20+ models (with the extended "snaps" header) are produced here.
import type { HeaderValue, Headers } from './codec.js';
import { headerError } from './errors.js';
import { ACCOUNT_ID, isSnapName, MODEL_NAME, SNAP_ID, type ValidationSetMode } from './names.js';
import {
  formatTimestamp,
  optionalEnum,
  optionalList,
  optionalString,
  requireAccountId,
  requireString,
  requireTimestamp,
  type RawHeaders,
} from './headers.js';

export const GRADES = ['secured', 'signed', 'dangerous'] as const;
export type Grade = (typeof GRADES)[number];
/** snapd's grade when the model does not say (asserts/model.go). */
export const DEFAULT_GRADE = 'signed' satisfies Grade;
export const STORAGE_SAFETIES = ['prefer-unencrypted', 'prefer-encrypted', 'encrypted'] as const;
export type StorageSafety = (typeof STORAGE_SAFETIES)[number];
/** snapd's storage-safety when the model does not say: encrypted for secured, prefer-encrypted otherwise. */
export function defaultStorageSafety(grade: Grade): StorageSafety {
  return grade === 'secured' ? 'encrypted' : 'prefer-encrypted';
}
export const SNAP_TYPES = ['app', 'base', 'gadget', 'kernel', 'core', 'snapd'] as const;
export type SnapType = (typeof SNAP_TYPES)[number];
export const PRESENCES = ['required', 'optional'] as const;
export type Presence = (typeof PRESENCES)[number];
export const MODES = ['run', 'install', 'recover', 'factory-reset', 'ephemeral'] as const;

export interface ModelSnap {
  readonly name: string;
  readonly id?: string;
  readonly type: SnapType;
  readonly defaultChannel: string;
  readonly presence?: Presence;
  readonly modes?: readonly string[];
}

/** What the caller (builder) composes; the input of modelHeaders(). */
export interface ModelSpec {
  readonly brandId: string;
  readonly model: string;
  readonly displayName?: string;
  readonly architecture: string;
  readonly base: string;
  readonly grade: Grade;
  readonly storageSafety?: StorageSafety;
  readonly snaps: readonly ModelSnap[];
  readonly timestamp: Date;
  readonly revision?: number;
  readonly serialAuthority?: readonly string[];
  readonly systemUserAuthority?: readonly string[] | '*';
  readonly validationSets?: readonly {
    readonly accountId?: string;
    readonly name: string;
    readonly sequence?: number;
    readonly mode: ValidationSetMode;
  }[];
}

export interface ModelAssertion {
  readonly type: 'model';
  readonly authorityId: string;
  readonly brandId: string;
  readonly series: string;
  readonly model: string;
  readonly displayName?: string;
  readonly architecture: string;
  readonly base: string;
  readonly grade: Grade;
  readonly storageSafety: StorageSafety;
  readonly snaps: readonly ModelSnap[];
  readonly timestamp: string;
  readonly signKeySha3384: string;
  readonly headers: Headers;
}

/** The headers of a model, without sign-key-sha3-384 (added when signing), as a map. */
export function modelHeaders(spec: ModelSpec): Record<string, HeaderValue> {
  const h: Record<string, HeaderValue> = {
    type: 'model',
    'authority-id': spec.brandId,
    series: '16',
    'brand-id': spec.brandId,
    model: spec.model,
    architecture: spec.architecture,
    base: spec.base,
    grade: spec.grade,
    snaps: spec.snaps.map((s) => ({
      name: s.name,
      ...(s.id !== undefined && { id: s.id }),
      type: s.type,
      'default-channel': s.defaultChannel,
      ...(s.presence !== undefined && { presence: s.presence }),
      ...(s.modes !== undefined && { modes: [...s.modes] }),
    })),
    timestamp: formatTimestamp(spec.timestamp),
  };
  if (spec.displayName !== undefined) h['display-name'] = spec.displayName;
  if (spec.storageSafety !== undefined) h['storage-safety'] = spec.storageSafety;
  if (spec.revision !== undefined && spec.revision > 0) h.revision = String(spec.revision);
  if (spec.serialAuthority) h['serial-authority'] = [...spec.serialAuthority];
  if (spec.systemUserAuthority)
    h['system-user-authority'] = spec.systemUserAuthority === '*' ? '*' : [...spec.systemUserAuthority];
  if (spec.validationSets)
    h['validation-sets'] = spec.validationSets.map((v) => ({
      ...(v.accountId !== undefined && { 'account-id': v.accountId }),
      name: v.name,
      ...(v.sequence !== undefined && { sequence: String(v.sequence) }),
      mode: v.mode,
    }));
  return h;
}

/** snapd's header order: type, authority-id, revision, the primary key, the rest sorted, body-length, sign-key-sha3-384. */
export function orderModelHeaders(h: Readonly<Record<string, HeaderValue>>): [string, HeaderValue][] {
  const first = ['type', 'authority-id', 'revision', 'series', 'brand-id', 'model'];
  const last = ['body-length', 'sign-key-sha3-384'];
  const rest = Object.keys(h)
    .filter((k) => !first.includes(k) && !last.includes(k))
    .sort();
  return [...first, ...rest, ...last].filter((k) => h[k] !== undefined).map((k) => [k, h[k]!]);
}

/** snapd's validModel (any case); uppercase is refused after it, with its own message. */
const MODEL_NAME_ANY_CASE = new RegExp(MODEL_NAME.source, 'i');
const RISKS = ['stable', 'candidate', 'beta', 'edge'];
/** Bases snapd knows the snap id of (snap/naming/wellknown.go; core24 from snapd 2.61). */
const WELL_KNOWN_BASES = ['core', 'core18', 'core20', 'core22', 'core24'];

function checkChannel(name: string, channel: string): void {
  const parts = channel.split('/');
  const invalid = () =>
    headerError(`invalid default channel for snap "${name}": invalid risk in channel name: ${channel}`);
  if (parts.length === 1) {
    if (RISKS.includes(parts[0]!)) throw headerError(`default channel for snap "${name}" must specify a track`);
    throw invalid();
  }
  if (parts.length > 3 || parts.some((p) => p === ''))
    throw headerError(`invalid default channel for snap "${name}": invalid channel name: ${channel}`);
  if (!RISKS.includes(parts[1]!)) {
    if (parts.length === 2 && RISKS.includes(parts[0]!))
      throw headerError(`default channel for snap "${name}" must specify a track`);
    throw invalid();
  }
}

function parseSnap(entry: HeaderValue, grade: Grade): ModelSnap {
  if (typeof entry !== 'object' || Array.isArray(entry)) throw headerError('"snaps" header must be a list of maps');
  const m = entry as RawHeaders;
  const name = optionalString(m, 'name');
  if (name === undefined || name === '') throw headerError('"name" of snap is mandatory');
  if (!isSnapName(name)) throw headerError(`invalid snap name "${name}"`);
  const id = optionalString(m, 'id');
  if (id === undefined && grade !== 'dangerous')
    throw headerError(`"id" of snap "${name}" is mandatory for ${grade} grade model`);
  if (id !== undefined && !SNAP_ID.test(id))
    throw headerError(`"id" of snap "${name}" contains invalid characters: "${id}"`);
  const type = optionalEnum(m, 'type', SNAP_TYPES, `type of snap "${name}"`) ?? 'app';
  const channel = optionalString(m, 'default-channel') ?? 'latest/stable';
  checkChannel(name, channel);
  const presence = optionalEnum(m, 'presence', PRESENCES, `presence of snap "${name}"`);
  const modes = optionalList(m, 'modes')?.map((x) => {
    if (typeof x !== 'string') throw headerError(`"modes" of snap "${name}" must be a list of strings`);
    return x;
  });
  if ((presence !== undefined || modes !== undefined) && ['snapd', 'kernel', 'gadget', 'base', 'core'].includes(type))
    throw headerError(`essential snaps are always available, cannot specify modes or presence for snap "${name}"`);
  return {
    name,
    ...(id !== undefined && { id }),
    type,
    defaultChannel: channel,
    ...(presence && { presence }),
    ...(modes && { modes }),
  };
}

/** Checks model headers with snapd's rules and returns the frozen, typed model. */
export function parseModel(h: RawHeaders): ModelAssertion {
  if (optionalString(h, 'type') !== 'model') throw headerError('assertion type must be "model"');
  const authorityId = requireString(h, 'authority-id');
  const brandId = requireAccountId(h, 'brand-id');
  if (authorityId !== brandId)
    throw headerError(
      `authority-id and brand-id must match, model assertions are expected to be signed by the brand: "${authorityId}" != "${brandId}"`,
    );
  requireString(h, 'series');
  const model = requireString(h, 'model');
  if (!MODEL_NAME_ANY_CASE.test(model)) throw headerError(`"model" header contains invalid characters: "${model}"`);
  if (model !== model.toLowerCase()) throw headerError('"model" header cannot contain uppercase letters');
  const architecture = requireString(h, 'architecture');
  const displayName = optionalString(h, 'display-name');
  const grade = optionalEnum(h, 'grade', GRADES, 'grade for model') ?? DEFAULT_GRADE;
  const given = optionalEnum(h, 'storage-safety', STORAGE_SAFETIES, 'storage-safety for model');
  if (grade === 'secured' && given !== undefined && given !== 'encrypted')
    throw headerError('secured grade model must not have storage-safety overridden, only "encrypted" is valid');
  const storageSafety = given ?? defaultStorageSafety(grade);
  const base = requireString(h, 'base');
  const list = optionalList(h, 'snaps');
  if (list === undefined) throw headerError('"snaps" header is mandatory for a model with a grade');
  const snaps = list.map((s) => parseSnap(s, grade));
  const seen = new Set<string>();
  for (const s of snaps) {
    if (seen.has(s.name)) throw headerError(`cannot list the same snap "${s.name}" multiple times`);
    seen.add(s.name);
  }
  for (const kind of ['gadget', 'kernel', 'snapd'] as const) {
    const of = snaps.filter((s) => s.type === kind);
    if (of.length > 1)
      throw headerError(`cannot specify multiple ${kind} snaps: "${of[0]!.name}" and "${of[1]!.name}"`);
  }
  const baseSnap = snaps.find((s) => s.name === base);
  if (baseSnap && baseSnap.type !== 'base')
    throw headerError(`boot base "${base}" must specify type "base", not "${baseSnap.type}"`);
  if (!snaps.some((s) => s.type === 'gadget'))
    throw headerError('one "snaps" header entry must specify the model gadget');
  if (!snaps.some((s) => s.type === 'kernel'))
    throw headerError('one "snaps" header entry must specify the model kernel');
  if (!baseSnap && !WELL_KNOWN_BASES.includes(base) && grade !== 'dangerous')
    throw headerError(`cannot specify not well-known base "${base}" without a corresponding "snaps" header entry`);
  const timestamp = requireTimestamp(h, 'timestamp');
  const signKeySha3384 = requireString(h, 'sign-key-sha3-384');
  for (const name of ['serial-authority', 'system-user-authority'] as const) {
    const v = h[name];
    if (v === undefined || (name === 'system-user-authority' && v === '*')) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !ACCOUNT_ID.test(x)))
      throw headerError(
        `"${name}" header must be ${name === 'system-user-authority' ? "'*' or " : ''}a list of account ids`,
      );
  }
  return Object.freeze({
    type: 'model',
    authorityId,
    brandId,
    series: h.series as string,
    model,
    ...(displayName !== undefined && { displayName }),
    architecture,
    base,
    grade,
    storageSafety,
    snaps: Object.freeze(snaps),
    timestamp,
    signKeySha3384,
    headers: Object.freeze({ ...h }) as Headers,
  });
}
