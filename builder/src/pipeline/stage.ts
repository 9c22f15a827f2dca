// A build stage and what it is given (STYLE P8/P9): a typed context in, the artifacts it made out.
// Each stage declares its inputs (files by content, config fields, values such as a key id, earlier
// artifacts) and its outputs; the runner fingerprints the inputs and reruns a stage only when they changed
// or one of its outputs is missing or altered.
import type { ProjectConfig } from '../config/types.js';
import type { Run } from '../tools/run.js';

export const STAGE_NAMES = [
  'pack-snap',
  'prepare-gadget',
  'sign-model',
  'build-image',
  'compress-image',
  'write-manifest',
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** Files made by stages, absolute paths. Later stages read earlier stages' artifacts from here. */
export interface Artifacts {
  readonly snap?: string;
  /** The derived brand gadget snap (prepare-gadget), when the project changes the gadget. */
  readonly gadget?: string;
  readonly model?: string;
  readonly image?: string;
  readonly imageXz?: string;
  /** The raw image's block map (bmaptool format), beside it: <model>.img.bmap. */
  readonly bmap?: string;
  readonly sha256?: string;
  readonly manifest?: string;
}
export type ArtifactName = keyof Artifacts;

export interface BuildOptions {
  /** Build the inference snap with snapcraft (needs the store's build bases) instead of the offline packer. */
  readonly snapcraft: boolean;
  /** Folder of the coreforge key store (default: the user's). */
  readonly keysDir?: string;
  /** More local snap files for the image (--snap): asserted ones (with the .assert snap download writes) or extras. */
  readonly snaps?: readonly string[];
  /** ubuntu-image --channel: overrides every snap's channel (dangerous grade only). */
  readonly channel?: string;
  /** Model snaps the image takes from the store even though the build made them locally (--from-store). */
  readonly fromStore?: readonly string[];
}

export interface BuildContext {
  readonly config: ProjectConfig;
  /** Scratch folder for this build (state file, ubuntu-image workdir). */
  readonly workdir: string;
  /** Temp folder of this run (staging, partial outputs): removed when the build ends, or by the next one if it died. */
  readonly tempDir: string;
  readonly run: Run;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
  readonly options: BuildOptions;
  readonly artifacts: Artifacts;
  /** Progress for the stage's task line. */
  log(line: string): void;
  /** A warning the user must see at the end of the build. */
  warn(line: string): void;
}

/** What a stage reads. Every entry is named: the name is what `--dry-run` prints when it changed. */
export interface StageInputs {
  /** Files, by content (undefined entries are ignored). */
  readonly files?: Readonly<Record<string, string | undefined>>;
  /** Folders, by the content and executable bit of every file in them. */
  readonly dirs?: Readonly<Record<string, string | undefined>>;
  /** Config fields (dotted names) and their values. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Other values: a key id, a pinned version. */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Earlier stages' outputs, by the hash of their content. */
  readonly artifacts?: readonly ArtifactName[];
}

export interface Stage {
  readonly name: StageName;
  readonly title: string;
  /** Host tools this stage runs; checked for every selected stage before the first one starts, and fingerprinted. */
  requiredTools(ctx: Pick<BuildContext, 'config' | 'options'>): readonly string[];
  /** The artifacts this stage makes (a stage may make fewer, e.g. no .xz when compression is none). */
  readonly outputs: readonly ArtifactName[];
  /**
   * What the stage reads; called before deciding whether it runs. `artifacts` are the files earlier stages
   * recorded (for inputs that sit beside them, such as the .assert of a snap).
   */
  inputs(ctx: Pick<BuildContext, 'config' | 'options' | 'env' | 'artifacts'>): Promise<StageInputs> | StageInputs;
  run(ctx: BuildContext): Promise<Partial<Artifacts>>;
}
