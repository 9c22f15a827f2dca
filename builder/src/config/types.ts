// The typed, normalized project file (coreforge.yaml after read -> schema -> normalize -> rules).
// YAML keys are kebab-case; TypeScript fields are camelCase. Every path here is absolute.

// Enums and rules owned by a leaf package are imported from it (one definition each); the project file's own are
// here. The JSON Schema (project-schema.ts) is built from these constants, the raw type (raw.ts) is derived from the
// schema, and fields.test.ts checks every field from the schema to this type (type, enum values, default).
import type { GadgetTarget, PartitionFilesystem, TargetArch } from '@coreforge/gadget';
import type {
  MODES,
  Grade as ModelGrade,
  Presence,
  SnapType as ModelSnapType,
  StorageSafety as ModelStorageSafety,
  ValidationSetMode,
} from '@coreforge/model-assertions';
import type { CoralAccessKind, CoralRuntime, SnapCompression as SnapsCompression } from '@coreforge/snaps';

export { ARCH_OF_TARGET, TARGETS } from '@coreforge/gadget';
export type Target = GadgetTarget;
export type Arch = TargetArch;

export {
  GRADES,
  MODES,
  PRESENCES,
  SNAP_TYPES,
  STORAGE_SAFETIES,
  VALIDATION_SET_MODES,
} from '@coreforge/model-assertions';
export { PARTITION_FILESYSTEMS } from '@coreforge/gadget';
export type { PartitionFilesystem, Presence, ValidationSetMode };
export type Grade = ModelGrade;
export type StorageSafety = ModelStorageSafety;
export type SnapType = ModelSnapType;
/** The modes an extra snap may be listed for (`snaps[].modes`). */
export type SnapMode = (typeof MODES)[number];

/** The project's model name: snapd's rule, and at most this long. */
export const MODEL_NAME_MAX_LENGTH = 64;

export const BASES = ['core24'] as const;
export type Base = (typeof BASES)[number];

export const ACCELERATORS = ['none', 'coral-usb', 'coral-pcie'] as const;
export type Accelerator = (typeof ACCELERATORS)[number];

/** libedgetpu1-std or libedgetpu1-max (the snap's Coral runtime). */
export { CORAL_RUNTIMES as EDGETPU_RUNTIMES } from '@coreforge/snaps';
export type EdgetpuRuntime = CoralRuntime;

/** How the inference snap reaches a Coral: the `raw-usb` system slot, or a `custom-device` slot in the gadget. */
export { CORAL_ACCESSES as CORAL_ACCESS } from '@coreforge/snaps';
export type CoralAccess = CoralAccessKind;

export { SNAP_COMPRESSIONS } from '@coreforge/snaps';
export type SnapCompression = SnapsCompression;

export const IMAGE_COMPRESSIONS = ['xz', 'none'] as const;
export type ImageCompression = (typeof IMAGE_COMPRESSIONS)[number];

/** The snap types an extra snap (`snaps:`) may have: the gadget and the kernel come from the target. */
export const EXTRA_SNAP_TYPES = ['app', 'base', 'core', 'snapd'] as const satisfies readonly SnapType[];
export type ExtraSnapType = (typeof EXTRA_SNAP_TYPES)[number];

export const SIGNING_BACKENDS = ['coreforge', 'gpg'] as const;
export type SigningBackend = (typeof SIGNING_BACKENDS)[number];

/** An extra store snap listed in the model assertion. */
export interface ExtraSnap {
  readonly name: string;
  readonly id?: string;
  readonly type: ExtraSnapType;
  readonly channel: string;
  readonly presence?: Presence;
  readonly modes?: readonly SnapMode[];
}

/** The TFLite library generations coreforge knows how to obtain (README "Which TFLite"). */
export const TFLITE_VERSIONS = ['2.19', '2.9'] as const;
export type TfliteVersion = (typeof TFLITE_VERSIONS)[number];

/** inference.tflite: a known version, or a library file (absolute). `defaulted`: the user did not choose. */
export type TfliteChoice =
  | { readonly kind: 'version'; readonly version: TfliteVersion; readonly defaulted: boolean }
  | { readonly kind: 'path'; readonly path: string; readonly defaulted: false };

export interface InferenceConfig {
  /** Name of the inference snap (defaults to the project name). */
  readonly snapName: string;
  /** Store snap id of the inference snap, when it is registered (needed for non-dangerous grades). */
  readonly snapId?: string;
  readonly model: string;
  readonly edgetpuModel?: string;
  readonly labels: string;
  readonly accelerator: Accelerator;
  readonly edgetpuRuntime: EdgetpuRuntime;
  readonly coralAccess: CoralAccess;
  readonly port: number;
  readonly bind: string;
  readonly threads: number;
  readonly topK: number;
  readonly compression: SnapCompression;
  /** Snap version; when absent, git describe of the project folder (see snap/version.ts). */
  readonly version?: string;
  /** Absolute path of Coral's armoured apt key (copied to snap/keys/). */
  readonly coralAptKey?: string;
  /** Which libtensorflowlite_c the snap ships (default: 2.19; 2.9 with a Coral). */
  readonly tflite: TfliteChoice;
}

export const RISKS = ['edge', 'beta', 'candidate', 'stable'] as const;
export type Risk = (typeof RISKS)[number];

/** One step of the rollout plan: release to `channel` for `percent` of its devices, then wait `soakSeconds`. */
export interface ReleaseStep {
  readonly channel: Risk;
  readonly percent: number;
  readonly soakSeconds: number;
}

export interface HealthGate {
  readonly url?: string;
  readonly command?: readonly string[];
  readonly timeoutSeconds: number;
}

export interface ReleaseConfig {
  readonly track: string;
  readonly plan: readonly ReleaseStep[];
  readonly health?: HealthGate;
}

export interface ExtraPartition {
  readonly name: string;
  readonly size: string;
  readonly filesystem: PartitionFilesystem;
}

export interface GadgetConfig {
  readonly kernelCmdline: { readonly append: readonly string[]; readonly allow: readonly string[] };
  readonly partitions: readonly ExtraPartition[];
  /** Absolute path of a cloud-init file baked into the gadget (dangerous grade only). */
  readonly cloudConf?: string;
  /** The gadget a brand gadget is derived from (gadget.base); undefined: the target's reference gadget from the store. */
  readonly base?: GadgetBase;
  /** Name of the derived brand gadget snap. */
  readonly snapName: string;
  readonly snapId?: string;
}

/** gadget.base: `pc=24/stable` (a store snap, fetched with snap download) or a local .snap file (absolute). */
export type GadgetBase =
  | { readonly kind: 'store'; readonly name: string; readonly channel: string }
  | { readonly kind: 'file'; readonly file: string };

export interface ValidationSet {
  readonly accountId: string;
  readonly name: string;
  readonly sequence?: number;
  readonly mode: ValidationSetMode;
}

export interface SigningConfig {
  /** Name of the signing key in the coreforge key store (or in gpg with backend "gpg"). */
  readonly key: string;
  readonly backend: SigningBackend;
}

export interface ImageConfig {
  readonly size?: string;
  readonly compression: ImageCompression;
}

export interface ProjectConfig {
  /** Absolute path of the project file. */
  readonly file: string;
  /** Folder of the project file; relative paths resolve against it. */
  readonly dir: string;
  readonly name: string;
  readonly target: Target;
  readonly arch: Arch;
  readonly brand: string;
  readonly model: string;
  readonly displayName: string;
  readonly grade: Grade;
  readonly storageSafety: StorageSafety;
  readonly base: Base;
  readonly snaps: readonly ExtraSnap[];
  readonly inference: InferenceConfig;
  readonly gadget: GadgetConfig;
  readonly validationSets: readonly ValidationSet[];
  readonly signing: SigningConfig;
  readonly output: string;
  readonly image: ImageConfig;
  readonly release: ReleaseConfig;
}
