// A build stage and what it is given (STYLE P8/P9): a typed context in, the artifacts it made out.
// Each stage declares the artifacts it needs (made by an earlier stage, always), the ones it uses when an earlier
// stage made them, the ones it makes and the ones it may make; the runner checks that chain once, when it plans,
// and hands a stage only the artifacts it declared (by type and at run time). Each stage also declares its
// other inputs (files by content, config fields, values such as a key id); the runner fingerprints them with the
// declared artifacts and reruns a stage only when they changed or one of its outputs is missing or altered.
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

/** Files made by stages, absolute paths. */
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

/** What a stage is given: the artifacts it needs (present) and those it uses (present when an earlier stage made them). */
export type GivenArtifacts<Needs extends ArtifactName, Uses extends ArtifactName> = {
  readonly [K in Needs]: string;
} & { readonly [K in Uses]?: string };
/** What a stage returns: every artifact it makes, and those it may make. */
export type MadeArtifacts<Makes extends ArtifactName, MayMake extends ArtifactName> = {
  readonly [K in Makes]: string;
} & { readonly [K in MayMake]?: string };

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

/** What a stage runs with; `artifacts` holds only what the stage declared. */
export interface BuildContext<A = Artifacts> {
  readonly config: ProjectConfig;
  /** Scratch folder for this build (state file, ubuntu-image workdir). */
  readonly workdir: string;
  /** Temp folder of this run (staging, partial outputs): removed when the build ends, or by the next one if it died. */
  readonly tempDir: string;
  readonly run: Run;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
  readonly options: BuildOptions;
  readonly artifacts: A;
  /** Progress for the stage's task line. */
  log(line: string): void;
  /** A warning the user must see at the end of the build. */
  warn(line: string): void;
}

/** What a stage reads besides artifacts. Every entry is named: the name is what `--dry-run` prints when it changed. */
export interface StageInputs {
  /** Files, by content (undefined entries are ignored). */
  readonly files?: Readonly<Record<string, string | undefined>>;
  /** Folders, by the content and executable bit of every file in them. */
  readonly dirs?: Readonly<Record<string, string | undefined>>;
  /** Config fields (dotted names) and their values. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Other values: a key id, a pinned version. */
  readonly values?: Readonly<Record<string, unknown>>;
}

/** The part of the context a stage's `inputs` sees (it runs before the runner decides whether the stage runs). */
export type InputContext<A = Artifacts> = Pick<BuildContext<A>, 'config' | 'options' | 'env' | 'artifacts'>;

/**
 * A stage as the runner sees it (made by `defineStage`). The artifact lists are the chain the runner checks when it
 * plans; the declared artifacts, by the hash of their content, are inputs of the stage's fingerprint.
 */
export interface Stage {
  readonly name: StageName;
  readonly title: string;
  /** Artifacts the stage reads and cannot do without: an earlier stage always makes each. */
  readonly needs: readonly ArtifactName[];
  /** Artifacts the stage reads when an earlier stage made them. */
  readonly uses: readonly ArtifactName[];
  /** Artifacts the stage always makes. */
  readonly makes: readonly ArtifactName[];
  /** Artifacts the stage makes only for some projects (no .xz when compression is none, no gadget without changes). */
  readonly mayMake: readonly ArtifactName[];
  /** Host tools this stage runs; checked for every selected stage before the first one starts, and fingerprinted. */
  requiredTools(ctx: Pick<BuildContext, 'config' | 'options'>): readonly string[];
  /** What the stage reads besides artifacts; called before deciding whether it runs. */
  inputs(ctx: InputContext): Promise<StageInputs> | StageInputs;
  run(ctx: BuildContext): Promise<Artifacts>;
}

/** A stage as it is written: its context and its result are typed by what it declares. */
export interface StageDefinition<
  Needs extends ArtifactName,
  Uses extends ArtifactName,
  Makes extends ArtifactName,
  MayMake extends ArtifactName,
> {
  readonly name: StageName;
  readonly title: string;
  readonly needs?: readonly Needs[];
  readonly uses?: readonly Uses[];
  readonly makes: readonly Makes[];
  readonly mayMake?: readonly MayMake[];
  requiredTools(ctx: Pick<BuildContext, 'config' | 'options'>): readonly string[];
  inputs(ctx: InputContext<NoInfer<GivenArtifacts<Needs, Uses>>>): Promise<StageInputs> | StageInputs;
  run(ctx: BuildContext<NoInfer<GivenArtifacts<Needs, Uses>>>): Promise<NoInfer<MadeArtifacts<Makes, MayMake>>>;
}

/** Only the named artifacts of `all`: the runner gives each stage these, so a cast cannot reach an undeclared one. */
export function pickArtifacts(all: Artifacts, names: readonly ArtifactName[]): Artifacts {
  const out: Partial<Record<ArtifactName, string>> = {};
  for (const name of names) if (all[name] !== undefined) out[name] = all[name];
  return out;
}

/**
 * Types a stage by its declarations: `ctx.artifacts` has exactly the artifacts it needs (strings) and uses
 * (optional), and `run` must return every artifact it makes. The runner holds it to them at run time: it plans only
 * chains where each need is made earlier, passes a stage only its declared artifacts, and records only declared ones.
 */
export function defineStage<
  Needs extends ArtifactName = never,
  Uses extends ArtifactName = never,
  Makes extends ArtifactName = never,
  MayMake extends ArtifactName = never,
>(definition: StageDefinition<Needs, Uses, Makes, MayMake>): Stage {
  // Sound because the runner guarantees the needs and passes no other artifact (runner.ts, chain.ts).
  return {
    ...definition,
    needs: definition.needs ?? [],
    uses: definition.uses ?? [],
    mayMake: definition.mayMake ?? [],
  } as unknown as Stage;
}

/** The artifacts a stage reads, needed first (their order is the order `--dry-run` names a pending one in). */
export function artifactsRead(stage: Stage): readonly ArtifactName[] {
  return [...stage.needs, ...stage.uses];
}

/** The artifacts a stage may make. */
export function artifactsMade(stage: Stage): readonly ArtifactName[] {
  return [...stage.makes, ...stage.mayMake];
}
