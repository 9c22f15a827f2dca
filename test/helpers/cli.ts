// Runs the built coreforge binary as a user would (STYLE P12: spawn the bin, assert exit code, output, files).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../builder/dist/cli/main.js', import.meta.url));

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeout?: number } = {},
): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before the CLI tests`);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeout ?? 600_000, // a whole build under load on 2 shared cores can take minutes
  });
  return { exitCode: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
  /** Milliseconds (default 600 s). */
  readonly timeout?: number;
}

/** Starts the CLI without blocking the test worker (long builds; vitest's RPC times out under spawnSync). */
export function startCli(
  args: readonly string[],
  options: CliOptions = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before the CLI tests`);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeout ?? 600_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) =>
      resolve({ exitCode: code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : -1), stdout, stderr }),
    );
  });
  return { child, done };
}

export function runCliAsync(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}
