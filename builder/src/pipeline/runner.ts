// Runs the selected stages in order as listr2 tasks. Before each stage, its declared inputs are hashed:
// the stage is skipped when the fingerprint and its recorded outputs are unchanged, and runs otherwise
// (with or without --resume, which is kept as an alias). Preflight checks the tools of every stage that
// may run, the state file is written after each stage, --dry-run prints the decisions and why.
import { Listr, type ListrRendererValue } from 'listr2';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectConfig } from '../config/types.js';
import { BuilderError, isBuilderError, isExpectedError } from '../errors.js';
import { checkTools, pathLocator, type LocateTool } from '../tools/preflight.js';
import type { Run } from '../tools/run.js';
import { acquireBuildLock, type BuildLock } from './build-lock.js';
import { checkChain } from './chain.js';
import { artifactsOf, decide, recordOutputs, type Decision } from './decide.js';
import { fingerprintOf, hashInputs, type InputHashes } from './fingerprint.js';
import { buildTempDir, removeLeftovers } from './leftovers.js';
import { selectStages, type StageSelection } from './select.js';
import { readState, writeState, type BuildState, type StageRecord } from './state-file.js';
import {
  artifactsMade,
  artifactsRead,
  pickArtifacts,
  type ArtifactName,
  type Artifacts,
  type BuildContext,
  type BuildOptions,
  type Stage,
  type StageName,
} from './stage.js';

export interface BuildRequest extends StageSelection {
  readonly config: ProjectConfig;
  readonly stages: readonly Stage[];
  readonly run: Run;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How preflight finds tools (default: on $PATH of `env`). */
  readonly locateTool?: LocateTool;
  readonly signal: AbortSignal;
  readonly options: BuildOptions;
  /** Default: <output>/.coreforge-build. */
  readonly workdir?: string;
  /** Kept for old scripts: every build is incremental now. */
  readonly resume?: boolean;
  /** Run every selected stage whatever the fingerprints say. */
  readonly force?: boolean;
  /** listr2 renderer: 'default' on a TTY, 'simple' in CI logs, 'silent' for --json, 'test' in tests. */
  readonly renderer?: ListrRendererValue;
}

export interface BuildPlanEntry {
  readonly name: StageName;
  readonly title: string;
  readonly action: 'run' | 'skip';
  readonly reason: string;
}

export interface BuildResult {
  readonly workdir: string;
  readonly artifacts: Artifacts;
  readonly ran: readonly StageName[];
  readonly skipped: readonly StageName[];
  readonly warnings: readonly string[];
}

export function defaultWorkdir(config: ProjectConfig): string {
  return path.join(config.output, '.coreforge-build');
}

type PlanRequest = Omit<BuildRequest, 'run' | 'signal' | 'renderer' | 'locateTool'>;

/** Hashes a stage's inputs; `pending` names artifacts an earlier stage is about to remake. */
class Evaluator {
  private readonly memo = new Map<string, Promise<string>>();
  constructor(
    private readonly request: PlanRequest,
    private readonly state: () => BuildState,
  ) {}

  artifactHash(name: ArtifactName): string | undefined {
    for (const record of Object.values(this.state().stages))
      if (record?.outputs[name]) return record.outputs[name].sha256;
    return undefined;
  }

  /** The files earlier stages recorded, by artifact name. */
  artifactFiles(): Artifacts {
    let files: Artifacts = {};
    for (const record of Object.values(this.state().stages)) if (record) files = { ...files, ...artifactsOf(record) };
    return files;
  }

  async evaluate(
    stage: Stage,
    pending: ReadonlyMap<ArtifactName, StageName>,
  ): Promise<{ hashes: InputHashes; decision: Decision }> {
    const { config, options } = this.request;
    const env = this.request.env ?? process.env;
    const read = artifactsRead(stage);
    const inputs = await stage.inputs({ config, options, env, artifacts: pickArtifacts(this.artifactFiles(), read) });
    const hashes = await hashInputs({ ...inputs, artifacts: read }, stage.requiredTools({ config, options }), {
      pathVar: env.PATH,
      artifactHash: (name) => this.artifactHash(name as ArtifactName),
      memo: this.memo,
    });
    const record = this.state().stages[stage.name];
    const waiting = read.find((a) => pending.has(a));
    if (waiting && !this.request.force) {
      const decision = await decide(record, hashes, false, stage.makes);
      if (decision.action === 'skip')
        return { hashes, decision: { action: 'run', reason: `runs if ${pending.get(waiting)} changes ${waiting}` } };
      return { hashes, decision };
    }
    return { hashes, decision: await decide(record, hashes, Boolean(this.request.force), stage.makes) };
  }
}

export async function planBuild(request: PlanRequest): Promise<readonly BuildPlanEntry[]> {
  const selected = selectStages(request.stages, request);
  // Once, before anything is hashed or run: every artifact a selected stage needs is made before it.
  checkChain(selected, request.stages);
  const workdir = request.workdir ?? defaultWorkdir(request.config);
  const state = await readState(workdir);
  const evaluator = new Evaluator(request, () => state);
  const pending = new Map<ArtifactName, StageName>();
  const plan: BuildPlanEntry[] = [];
  for (const stage of selected) {
    const { decision } = await evaluator.evaluate(stage, pending);
    if (decision.action === 'run') for (const o of artifactsMade(stage)) pending.set(o, stage.name);
    plan.push({ name: stage.name, title: stage.title, ...decision });
  }
  return plan;
}

const DISK_FULL_HINT =
  'free space on that filesystem, or build into a bigger one (output: in the project file, --workdir for the scratch files)';

function stageError(stage: Stage, error: unknown): Error {
  if (isBuilderError(error)) return error;
  const errno = error as NodeJS.ErrnoException & { dest?: string };
  if (errno?.code === 'ENOSPC') {
    // copyFile's error names the source in `path` and the file it could not write in `dest`.
    const file = errno.dest ?? errno.path;
    return new BuilderError(
      'DISK_FULL',
      `stage "${stage.name}" cannot write${file ? ` "${file}"` : ''}: no space left on device`,
      DISK_FULL_HINT,
      { cause: error },
    );
  }
  // The typed errors of our packages (by their brands) keep their code and hint; anything else is this stage's failure.
  if (isExpectedError(error)) return error;
  return new BuilderError('STAGE_FAILED', `stage "${stage.name}" failed: ${(error as Error).message}`, undefined, {
    cause: error,
  });
}

export async function buildImage(request: BuildRequest): Promise<BuildResult> {
  const { config, run, options } = request;
  const selected = selectStages(request.stages, request);
  const workdir = request.workdir ?? defaultWorkdir(config);
  const env = request.env ?? process.env;
  const plan = await planBuild(request);
  const tools = [
    ...new Set(
      selected.filter((_, i) => plan[i]!.action === 'run').flatMap((s) => s.requiredTools({ config, options })),
    ),
  ];
  await checkTools(request.locateTool ?? pathLocator(env.PATH), [...tools, 'flock']);
  await mkdir(workdir, { recursive: true });
  await mkdir(config.output, { recursive: true });
  const locks: BuildLock[] = [];
  try {
    locks.push(await acquireBuildLock(config.output, run));
    if (path.resolve(workdir) !== path.resolve(config.output)) locks.push(await acquireBuildLock(workdir, run));
    await removeLeftovers(config.output, workdir);
    const tempDir = buildTempDir(workdir);
    await mkdir(tempDir, { recursive: true });
    try {
      return await runStages(request, selected, workdir, tempDir);
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  } finally {
    for (const lock of locks.reverse()) await lock.release();
  }
}

async function runStages(
  request: BuildRequest,
  selected: readonly Stage[],
  workdir: string,
  tempDir: string,
): Promise<BuildResult> {
  const { config, run, signal, options } = request;
  const env = request.env ?? process.env;

  let state = await readState(workdir);
  const stages: Partial<Record<StageName, StageRecord>> = { ...state.stages };
  const ran: StageName[] = [];
  const warnings: string[] = [];
  let artifacts: Artifacts = {};
  let failure: Error | undefined;
  // One evaluator: tool identities and input hashes are computed once per build.
  const evaluator = new Evaluator(request, () => state);
  const save = async () => {
    state = { version: 2, stages: { ...stages } };
    await writeState(workdir, state);
  };
  const tasks = new Listr(
    selected.map((stage) => ({
      title: stage.title,
      task: async (_: unknown, task: { output: string; skip(message?: string): void }) => {
        if (signal.aborted) throw new BuilderError('CANCELLED', 'build cancelled', undefined, { exitCode: 130 });
        const { hashes, decision } = await evaluator.evaluate(stage, new Map());
        if (decision.action === 'skip') {
          artifacts = { ...artifacts, ...pickArtifacts(artifactsOf(stages[stage.name]!), artifactsMade(stage)) };
          warnings.push(...(stages[stage.name]!.warnings ?? []));
          task.skip(decision.reason);
          return;
        }
        task.output = decision.reason;
        // Forget the old record first: if this run dies half way, the stage runs again next time.
        delete stages[stage.name];
        await save();
        const stageWarnings: string[] = [];
        const ctx: BuildContext = {
          config,
          workdir,
          tempDir,
          run,
          env,
          signal,
          options,
          // Only what the stage declared: checkChain made sure each artifact it needs is here.
          artifacts: pickArtifacts(artifacts, artifactsRead(stage)),
          log: (line) => {
            task.output = line;
          },
          warn: (line) => stageWarnings.push(line),
        };
        let made: Artifacts;
        try {
          made = pickArtifacts(await stage.run(ctx), artifactsMade(stage));
          const missing = stage.makes.find((name) => made[name] === undefined);
          if (missing)
            throw new BuilderError(
              'STAGE_FAILED',
              `stage "${stage.name}" finished without making its ${missing} artifact`,
              'this is a bug in the stage: please open an issue',
            );
        } catch (error) {
          // The CLI prints the error once, with its hint; the task line only says which kind it was.
          failure = stageError(stage, error);
          throw new Error(((failure as { code?: string }).code ?? 'failed').toLowerCase().replace(/_/g, ' '));
        }
        artifacts = { ...artifacts, ...made };
        warnings.push(...stageWarnings);
        stages[stage.name] = {
          fingerprint: fingerprintOf(hashes),
          inputs: hashes,
          outputs: await recordOutputs(made),
          warnings: stageWarnings,
        };
        ran.push(stage.name);
        await save();
      },
    })),
    {
      concurrent: false,
      exitOnError: true,
      registerSignalListeners: false,
      renderer: request.renderer ?? 'default',
      fallbackRenderer: 'simple',
      rendererOptions: { persistentOutput: false },
    } as ConstructorParameters<typeof Listr>[1],
  );
  try {
    await tasks.run();
  } catch (error) {
    throw failure ?? (error as Error);
  }
  return {
    workdir,
    artifacts,
    ran,
    skipped: selected.filter((s) => !ran.includes(s.name)).map((s) => s.name),
    warnings,
  };
}
