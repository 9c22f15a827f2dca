// THE process wrapper (STYLE P6): the only file in the project that imports execa (and the one place that
// starts processes: runStream uses node:child_process for a byte stream, see there).
// No shell, ever: (file, args[]). Errors become BuilderError TOOL_NOT_FOUND / CANCELLED, or a ToolError TOOL_FAILED /
// TOOL_TIMEOUT that carries the command, the tool's exit code or signal and its stderr as fields.
import { execa, type ResultPromise } from 'execa';
import { spawn as spawnChild } from 'node:child_process';
import { debuglog } from 'node:util';
import { BuilderError, ToolError } from '../errors.js';
import { installHint } from './registry.js';

const debug = debuglog('coreforge:run');

export interface RunOptions {
  readonly cwd?: string;
  /** Extra environment, merged over the current one. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  /** Milliseconds; the child is killed (SIGTERM, then SIGKILL after 2 s) when it runs longer. */
  readonly timeout?: number;
  /** Called with each line of stdout and stderr as it arrives (spawn: with each chunk, not split into lines). */
  readonly onOutput?: (line: string) => void;
  /** Bytes or text written to stdin. */
  readonly input?: string | Uint8Array;
  /** Keep stdout as a Buffer instead of text. */
  readonly binary?: boolean;
  /** Resolve (not throw) on a non-zero exit; the caller inspects `exitCode`. */
  readonly reject?: boolean;
}

export interface RunResult {
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stdoutBuffer?: Uint8Array;
  readonly stderr: string;
}

/** Runs a tool to completion. */
export type Run = (tool: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

const TAIL_LINES = 40;

function tail(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-TAIL_LINES).join('\n');
}

function start(tool: string, args: readonly string[], options: RunOptions): ResultPromise {
  debug('%s %o', tool, args);
  return execa(tool, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    cancelSignal: options.signal,
    timeout: options.timeout,
    forceKillAfterDelay: 2000,
    input: options.input,
    encoding: options.binary ? 'buffer' : 'utf8',
    reject: false,
    stripFinalNewline: false,
    all: false,
    lines: false,
  }) as unknown as ResultPromise;
}

export const run: Run = async (tool, args, options = {}) => {
  const child = start(tool, args, options);
  if (options.onOutput) {
    const emit = (chunk: Buffer | string) => {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') options.onOutput?.(line);
    };
    child.stdout?.on('data', emit);
    child.stderr?.on('data', emit);
  }
  const result = await child;
  const command = [tool, ...args].join(' ');
  const stderr = typeof result.stderr === 'string' ? result.stderr : Buffer.from(result.stderr as Uint8Array).toString();
  const stdoutRaw = result.stdout as unknown;
  const stdout = typeof stdoutRaw === 'string' ? stdoutRaw : Buffer.from(stdoutRaw as Uint8Array).toString();
  const base = {
    command,
    exitCode: result.exitCode ?? -1,
    stdout,
    stderr,
    ...(options.binary ? { stdoutBuffer: stdoutRaw as Uint8Array } : {}),
  };
  const cause = result instanceof Error ? result : undefined;
  if ((result as { code?: string }).code === 'ENOENT' || (cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new BuilderError('TOOL_NOT_FOUND', `cannot run "${tool}": command not found`, installHint(tool), { cause });
  }
  if (result.isCanceled) {
    throw new BuilderError('CANCELLED', `"${tool}" was cancelled`, undefined, { cause, exitCode: 130 });
  }
  if (result.timedOut) {
    throw new ToolError('TOOL_TIMEOUT', `"${command}" did not finish within ${options.timeout} ms`, { command, signal: result.signal, stderr: tail(stderr) }, { cause });
  }
  if (result.exitCode !== 0 && options.reject !== false) {
    const why = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
    const detail = tail(stderr) || tail(stdout);
    throw new ToolError('TOOL_FAILED', `"${command}" failed (${why})${detail ? `:\n${detail}` : ''}`, { command, toolExitCode: result.exitCode, signal: result.signal, stderr: tail(stderr) }, { cause });
  }
  return base;
};

/** A long-running child (QEMU, a server under test). The caller must call `kill()`; it is also killed on `signal`. */
export interface Spawned {
  readonly pid: number | undefined;
  readonly exited: Promise<{ exitCode: number | undefined; signal: string | undefined }>;
  kill(): Promise<void>;
}

export type Spawn = (tool: string, args: readonly string[], options?: Omit<RunOptions, 'reject' | 'binary' | 'input'>) => Spawned;

export const spawn: Spawn = (tool, args, options = {}) => {
  const child = start(tool, args, options);
  if (options.onOutput) {
    const emit = (chunk: Buffer | string) => options.onOutput?.(chunk.toString());
    child.stdout?.on('data', emit);
    child.stderr?.on('data', emit);
  }
  const exited = child.then((r) => ({ exitCode: r.exitCode, signal: r.signal }));
  return {
    pid: child.pid,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
};

/** A child whose stdout is read as a byte stream (xz -dc of a multi-GiB image), with backpressure. */
export interface Streamed {
  readonly stdout: NodeJS.ReadableStream & AsyncIterable<Buffer>;
  /** Settles when the child exits: rejects like `run` (TOOL_NOT_FOUND, TOOL_FAILED, CANCELLED). */
  readonly done: Promise<RunResult>;
}

export type RunStream = (tool: string, args: readonly string[], options?: Pick<RunOptions, 'cwd' | 'env' | 'signal'>) => Streamed;

export const runStream: RunStream = (tool, args, options = {}) => {
  debug('%s %o (streamed)', tool, args);
  // node:child_process, not execa: execa does not wait for an unbuffered stdout to be drained and closes it
  // when the child exits, which cut the last megabytes of `xz -dc` off.
  const child = spawnChild(tool, args as string[], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const command = [tool, ...args].join(' ');
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-64 * 1024);
  });
  const onAbort = () => child.kill('SIGTERM');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const done = new Promise<RunResult>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT') reject(new BuilderError('TOOL_NOT_FOUND', `cannot run "${tool}": command not found`, installHint(tool), { cause: error }));
      else reject(new ToolError('TOOL_FAILED', `"${command}" failed: ${error.message}`, { command, stderr: tail(stderr) }, { cause: error }));
    });
    child.once('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return reject(new BuilderError('CANCELLED', `"${tool}" was cancelled`, undefined, { exitCode: 130 }));
      if (exitCode !== 0) {
        const why = signal ? `killed by ${signal}` : `exit code ${exitCode}`;
        return reject(new ToolError('TOOL_FAILED', `"${command}" failed (${why})${stderr.trim() ? `:\n${tail(stderr)}` : ''}`, { command, toolExitCode: exitCode ?? undefined, signal: signal ?? undefined, stderr: tail(stderr) }));
      }
      resolve({ command, exitCode: 0, stdout: '', stderr });
    });
  });
  return { stdout: child.stdout as unknown as Streamed['stdout'], done };
};
