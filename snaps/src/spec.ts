// SnapSpec: everything the inference snap is made from, independent of coreforge.yaml (builder maps to it).
import { SnapSpecError } from './errors.js';

export const SNAP_ARCHES = ['amd64', 'arm64'] as const;
export type SnapArch = (typeof SNAP_ARCHES)[number];

/** The Debian multiarch triplet of each architecture (`$SNAP/usr/lib/<triplet>`, cross toolchains' prefix). */
export const ARCH_TRIPLET = { amd64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' } as const satisfies Record<
  SnapArch,
  string
>;

/** Node's name of each architecture (`process.arch`), which npm's `--cpu` and package.json `cpu` use too. */
export const NODE_ARCH = { amd64: 'x64', arm64: 'arm64' } as const satisfies Record<SnapArch, string>;

/** The snap architecture of a Node architecture name (`process.arch`), when it is one we build for. */
export function snapArchOfNode(nodeArch: string): SnapArch | undefined {
  return SNAP_ARCHES.find((a) => NODE_ARCH[a] === nodeArch);
}

export const SNAP_COMPRESSIONS = ['xz', 'lzo'] as const;
export type SnapCompression = (typeof SNAP_COMPRESSIONS)[number];

export const SNAP_GRADES = ['stable', 'devel'] as const;
export type SnapGrade = (typeof SNAP_GRADES)[number];

export const CORAL_RUNTIMES = ['std', 'max'] as const;
export type CoralRuntime = (typeof CORAL_RUNTIMES)[number];

export const CORAL_ACCESSES = ['raw-usb', 'custom-device'] as const;
export type CoralAccessKind = (typeof CORAL_ACCESSES)[number];

/** A file shipped in `$SNAP/model/`: `name` inside the snap, `source` the file on this host (copied into the project). */
export interface SnapFile {
  readonly name: string;
  readonly source: string;
}

export interface CoralSpec {
  /** `libedgetpu1-std` (throttled) or `libedgetpu1-max`. */
  readonly runtime: CoralRuntime;
  readonly access: CoralAccessKind;
  /** The `custom-device` value shared with the gadget's slot (access "custom-device"). */
  readonly customDevice: string;
  /** Coral's apt repository key, ASCII-armoured (snapcraft reads it from snap/keys/). */
  readonly aptKey: string;
}

export interface ServiceSpec {
  readonly port: number;
  readonly bind: string;
  readonly threads: number;
  readonly topK: number;
}

/**
 * Where $SNAP/lib/libtensorflowlite_c.so comes from: `litert` builds TFLite 2.19 from LiteRT's sources (CMake plugin),
 * `tfjs` takes TFLite 2.9 from npm's tfjs-tflite-node (for a Coral), `file` copies the project's own (project-relative).
 */
export type TfliteSource =
  { readonly kind: 'litert' } | { readonly kind: 'tfjs' } | { readonly kind: 'file'; readonly source: string };

export interface SnapSpec {
  readonly name: string;
  readonly version: string;
  readonly summary: string;
  readonly description: string;
  readonly grade: SnapGrade;
  readonly compression: SnapCompression;
  readonly architectures: readonly SnapArch[];
  /** The runtime package as `npm pack` makes it (a .tgz on this host), the source of snapcraft's npm part. */
  readonly runtimeTarball: string;
  readonly model: SnapFile;
  readonly edgetpuModel?: SnapFile;
  readonly labels: SnapFile;
  readonly coral?: CoralSpec;
  readonly service: ServiceSpec;
  /** The TFLite library (default `tfjs`, TFLite 2.9). */
  readonly tflite?: TfliteSource;
}

/**
 * snapd's snap-name rule. Owned by @coreforge/model-assertions (names.ts), which this leaf may not import: this copy
 * is spelled the same and pinned to it by builder/src/config/leaf-facts.test.ts.
 */
export const SNAP_NAME = /^(?:[a-z0-9]+-?)*[a-z](?:-?[a-z0-9])*$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** snapd's rule for a snap version (snap/validate.go ValidateVersion): at most 32 characters. */
export const SNAP_VERSION = /^[a-zA-Z0-9](?:[a-zA-Z0-9:.+~-]{0,30}[a-zA-Z0-9+~])?$/;
const BIND = /^[0-9A-Fa-f.:]+$/;
const CUSTOM_DEVICE = /^[a-z](?:-?[a-z0-9])*$/;
const TARBALL = /(^|\/)[A-Za-z0-9][A-Za-z0-9._-]*\.tgz$/;

function invalid(field: string, reason: string): SnapSpecError {
  return new SnapSpecError('SPEC_INVALID', `cannot use snap spec: ${field} ${reason}`);
}

function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw invalid(field, `must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
}

/** Checks the invariants rendering relies on; throws SnapSpecError SPEC_INVALID naming the field. */
export function validateSnapSpec(spec: SnapSpec): SnapSpec {
  if (spec.name.length < 2 || spec.name.length > 40 || !SNAP_NAME.test(spec.name))
    throw invalid('name', `must be 2-40 lowercase letters, digits and single dashes, not "${spec.name}"`);
  if (!SNAP_VERSION.test(spec.version))
    throw invalid('version', `must be a snap version (at most 32 characters), not "${spec.version}"`);
  if (spec.summary.length === 0 || spec.summary.length > 78) throw invalid('summary', 'must be 1-78 characters');
  if (spec.architectures.length === 0) throw invalid('architectures', 'must list at least one architecture');
  for (const arch of spec.architectures)
    if (!SNAP_ARCHES.includes(arch)) throw invalid('architectures', `must be amd64 or arm64, not "${String(arch)}"`);
  if (!SNAP_COMPRESSIONS.includes(spec.compression))
    throw invalid('compression', `must be xz or lzo, not "${String(spec.compression)}"`);
  for (const [field, file] of [
    ['model', spec.model],
    ['labels', spec.labels],
    ['edgetpuModel', spec.edgetpuModel],
  ] as const) {
    if (file === undefined) continue;
    if (!FILE_NAME.test(file.name)) throw invalid(`${field}.name`, `must be a plain file name, not "${file.name}"`);
  }
  if (spec.labels.name === spec.model.name || spec.edgetpuModel?.name === spec.model.name)
    throw invalid('labels.name', `must differ from the model file name "${spec.model.name}"`);
  checkInteger('service.port', spec.service.port, 1, 65535);
  checkInteger('service.threads', spec.service.threads, 1, 64);
  checkInteger('service.topK', spec.service.topK, 1, 1000);
  if (!BIND.test(spec.service.bind))
    throw invalid('service.bind', `must be an IPv4 or IPv6 address, not "${spec.service.bind}"`);
  if (spec.coral) {
    if (!CORAL_RUNTIMES.includes(spec.coral.runtime))
      throw invalid('coral.runtime', `must be std or max, not "${String(spec.coral.runtime)}"`);
    if (!CORAL_ACCESSES.includes(spec.coral.access))
      throw invalid('coral.access', `must be raw-usb or custom-device, not "${String(spec.coral.access)}"`);
    if (!CUSTOM_DEVICE.test(spec.coral.customDevice))
      throw invalid(
        'coral.customDevice',
        `must be lowercase letters, digits and dashes, not "${spec.coral.customDevice}"`,
      );
  }
  if (spec.edgetpuModel && !spec.coral) throw invalid('edgetpuModel', 'needs a Coral accelerator');
  if (!TARBALL.test(spec.runtimeTarball))
    throw invalid('runtimeTarball', `must be an npm pack tarball (.tgz), not "${spec.runtimeTarball}"`);
  if (spec.coral && !spec.coral.aptKey.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----'))
    throw invalid('coral.aptKey', 'must be an ASCII-armoured OpenPGP public key');
  return spec;
}
