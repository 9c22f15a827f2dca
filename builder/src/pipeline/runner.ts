// Runs the selected stages in order as listr2 tasks: preflight first, state file after each stage,
// --resume skips finished stages whose outputs still exist, --dry-run only plans.
import { Listr, type ListrRendererValue } from 'listr2';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectConfig } from '../config/types.js';
import { BuilderError } from '../errors.js';
import { checkTools, pathLocator, type LocateTool } from '../tools/preflight.js';
import type { Run } from '../tools/run.js';
import { selectStages, type StageSelection } from './select.js';
import { projectHash, readState, writeState, type BuildState } from './state-file.js';
import type { Artifacts, BuildContext, BuildOptions, Stage, StageName } from './stage.js';

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
  readonly resume?: boolean;
  /** listr2 renderer: 'default' on a TTY, 'simple' in CI logs, 'silent' for --json, 'test' in tests. */
  readonly renderer?: ListrRendererValue;
}

export interface BuildPlanEntry {
  readonly name: StageName;
  readonly title: string;
  readonly action: 'run' | 'skip (done)';
}

export interface BuildResult {
  readonly workdir: string;
  readonly artifacts: Artifacts;
  readonly ran: readonly StageName[];
  readonly skipped: readonly StageName[];
  readonly warnings: readonly string[];
}

const exists = (file: string) => access(file).then(() => true, () => false);

async function resumable(state: BuildState | undefined, hash: string): Promise<BuildState | undefined> {
  if (!state || state.projectHash !== hash) return undefined;
  for (const file of Object.values(state.artifacts)) if (typeof file === 'string' && !(await exists(file))) return undefined;
  return state;
}

export function defaultWorkdir(config: ProjectConfig): string {
  return path.join(config.output, '.coreforge-build');
}

export async function planBuild(request: Omit<BuildRequest, 'run' | 'signal' | 'renderer' | 'env' | 'locateTool'>): Promise<readonly BuildPlanEntry[]> {
  const selected = selectStages(request.stages, request);
  const workdir = request.workdir ?? defaultWorkdir(request.config);
  const state = request.resume ? await resumable(await readState(workdir), projectHash(request.config)) : undefined;
  return selected.map((s) => ({ name: s.name, title: s.title, action: state?.finished.includes(s.name) ? 'skip (done)' : 'run' }));
}

export async function buildImage(request: BuildRequest): Promise<BuildResult> {
  const { config, run, signal, options } = request;
  const selected = selectStages(request.stages, request);
  const workdir = request.workdir ?? defaultWorkdir(config);
  const hash = projectHash(config);
  const previous = request.resume ? await resumable(await readState(workdir), hash) : undefined;
  const finished = new Set<StageName>(previous?.finished ?? []);
  let artifacts: Artifacts = previous?.artifacts ?? {};
  const toRun = selected.filter((s) => !finished.has(s.name));

  const tools = [...new Set(toRun.flatMap((s) => s.requiredTools({ config, options })))];
  await checkTools(request.locateTool ?? pathLocator((request.env ?? process.env).PATH), tools);
  await mkdir(workdir, { recursive: true });

  const ran: StageName[] = [];
  const warnings: string[] = [];
  const tasks = new Listr(
    selected.map((stage) => ({
      title: stage.title,
      skip: () => (finished.has(stage.name) ? `${stage.title} (done in an earlier run)` : false),
      task: async (_: unknown, task: { output: string }) => {
        if (signal.aborted) throw new BuilderError('CANCELLED', 'build cancelled', undefined, { exitCode: 130 });
        const ctx: BuildContext = {
          config,
          workdir,
          run,
          env: request.env ?? process.env,
          signal,
          options,
          artifacts,
          log: (line) => {
            task.output = line;
          },
          warn: (line) => warnings.push(line),
        };
        try {
          artifacts = { ...artifacts, ...(await stage.run(ctx)) };
        } catch (error) {
          if (error instanceof BuilderError) throw error;
          if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.name !== 'Error') throw error;
          throw new BuilderError('STAGE_FAILED', `stage "${stage.name}" failed: ${(error as Error).message}`, undefined, { cause: error });
        }
        finished.add(stage.name);
        ran.push(stage.name);
        await writeState(workdir, { version: 1, projectHash: hash, finished: [...finished], artifacts });
      },
    })),
    {
      concurrent: false,
      exitOnError: true,
      renderer: request.renderer ?? 'default',
      fallbackRenderer: 'simple',
      rendererOptions: { persistentOutput: false },
    } as ConstructorParameters<typeof Listr>[1],
  );
  await tasks.run();
  return { workdir, artifacts, ran, skipped: selected.filter((s) => !ran.includes(s.name)).map((s) => s.name), warnings };
}
