// A build stage and what it is given (STYLE P8/P9): a typed context in, the artifacts it made out.
import type { ProjectConfig } from '../config/types.js';
import type { Run } from '../tools/run.js';

export const STAGE_NAMES = ['pack-snap', 'prepare-gadget', 'sign-model', 'build-image', 'compress-image', 'write-manifest'] as const;
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

export interface Stage {
  readonly name: StageName;
  readonly title: string;
  /** Host tools this stage runs; checked for every selected stage before the first one starts. */
  requiredTools(ctx: Pick<BuildContext, 'config' | 'options'>): readonly string[];
  run(ctx: BuildContext): Promise<Partial<Artifacts>>;
}
