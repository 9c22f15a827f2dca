// THE process wrapper (STYLE P6): the only file in the project that imports execa (and the one place that
// starts processes: runStream uses node:child_process for a byte stream, see there, in a process group too).
// No shell, ever: (file, args[]). Errors become BuilderError TOOL_NOT_FOUND / CANCELLED / DISK_FULL, or a ToolError
// TOOL_FAILED / TOOL_TIMEOUT that carries the command, the tool's exit code or signal and its stderr as fields.
// Every child starts its own process group. The whole group is killed when the child is cancelled, times
// out or exits (so `snap pack`'s mksquashfs or `xz`'s threads never outlive it), and a small reaper process
// kills every live group, and every process that carries this run's tag in its environment, if this process dies
// without doing so (SIGKILL): nothing of a build survives it.
import { execa, type Options, type ResultPromise } from 'execa';
import { spawn as spawnChild } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
  /** Open file descriptors handed to the child as its fd 3, 4, ... (e.g. a lock file for `flock`). */
  readonly fds?: readonly number[];
  /** Write stdout to this file instead of keeping it. */
  readonly stdoutFile?: string;
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

const KILL_DELAY_MS = 2000;

/** Process groups of our live children, and the reaper that kills them if we die first. */
const groups = new Set<number>();
let reaper: ResultPromise | undefined;

// Every child carries RUN_TAG=<this run>.<n> in its environment, and so does everything it starts. The tag is what
// lets the reaper find a child even when this process died in the instant between spawning it and announcing its
// group, which on a loaded machine is a real window (a reaped-after-SIGKILL test failed 19 runs in 20 without it).
const RUN_TAG = 'COREFORGE_RUN_ID';
const runId = `${process.pid}-${randomBytes(6).toString('hex')}`;
let spawned = 0;

// The reaper reads "+PGID" / "-PGID" lines; at end of input (we exited or were killed) it SIGKILLs what is left:
// the groups it was told of, and every process whose environment carries this run's tag, with its group.
const REAPER = `const [tag]=process.argv.slice(1);const fs=require('fs');const g=new Set();let b='';
process.on('SIGINT',()=>{});process.on('SIGTERM',()=>{});
process.stdin.on('data',(d)=>{b+=d;let i;while((i=b.indexOf('\\n'))>=0){const l=b.slice(0,i);b=b.slice(i+1);const p=Number(l.slice(1));if(l[0]==='+')g.add(p);else g.delete(p);}});
const kill=(p)=>{try{process.kill(p,'SIGKILL')}catch{}};
process.stdin.on('end',()=>{for(const p of g)kill(-p);
for(const e of fs.readdirSync('/proc')){if(!/^[0-9]+$/.test(e))continue;try{
if(!('\\0'+fs.readFileSync('/proc/'+e+'/environ','latin1')).includes('\\0'+tag))continue;
const st=fs.readFileSync('/proc/'+e+'/stat','latin1');const pg=Number(st.slice(st.lastIndexOf(')')+2).split(' ')[2]);
if(pg>1)kill(-pg);kill(Number(e));}catch{}}process.exit(0)});`;

/** Starts the reaper before the first child, so no child can exist that it cannot find. */
function ensureReaper(): ResultPromise {
  if (reaper) return reaper;
  reaper = execa(process.execPath, ['-e', REAPER, `${RUN_TAG}=${runId}.`], {
    detached: true,
    stdin: 'pipe',
    stdout: 'ignore',
    stderr: 'ignore',
    buffer: false,
    reject: false,
    cleanup: false,
  });
  reaper.catch(() => undefined);
  reaper.unref();
  (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  reaper.stdin?.on('error', () => undefined);
  return reaper;
}

function tellReaper(line: string): void {
  ensureReaper().stdin?.write(`${line}\n`);
}

/** The environment entry that marks the next child (and its descendants) as ours. */
function nextTag(): Record<string, string> {
  ensureReaper();
  spawned += 1;
  return { [RUN_TAG]: `${runId}.${spawned}` };
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone.
  }
}

/** Kills every live child group (SIGTERM, then SIGKILL): for the CLI's signal handler. */
export function killAllChildren(): void {
  for (const pgid of groups) killGroup(pgid, 'SIGTERM');
  const later = setTimeout(() => {
    for (const pgid of groups) killGroup(pgid, 'SIGKILL');
  }, KILL_DELAY_MS);
  later.unref();
}

function start(tool: string, args: readonly string[], options: RunOptions): ResultPromise {
  debug('%s %o', tool, args);
  const stdio = options.fds?.length ? { stdio: ['pipe', 'pipe', 'pipe', ...options.fds] } : {};
  const execaOptions = {
    cwd: options.cwd,
    env: { ...options.env, ...nextTag() },
    extendEnv: true,
    cancelSignal: options.signal,
    timeout: options.timeout,
    forceKillAfterDelay: KILL_DELAY_MS,
    input: options.input,
    encoding: options.binary ? 'buffer' : 'utf8',
    reject: false,
    stripFinalNewline: false,
    all: false,
    lines: false,
    detached: true,
    ...stdio,
    ...(options.stdoutFile !== undefined && { stdout: { file: options.stdoutFile } }),
  } as Options;
  const child = execa(tool, args, execaOptions) as unknown as ResultPromise;
  const pgid = child.pid;
  if (pgid === undefined) return child;
  groups.add(pgid);
  tellReaper(`+${pgid}`);
  // Cancelled: the whole group gets SIGTERM, then SIGKILL (execa alone would signal only the child).
  const onAbort = () => {
    killGroup(pgid, 'SIGTERM');
    setTimeout(() => killGroup(pgid, 'SIGKILL'), KILL_DELAY_MS).unref();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Whatever the child left behind in its group (grandchildren) goes with it, at once: a grandchild holding
  // the child's stdout would otherwise keep the result from ever settling.
  child.once('exit', () => killGroup(pgid, 'SIGKILL'));
  const done = () => {
    options.signal?.removeEventListener('abort', onAbort);
    killGroup(pgid, 'SIGKILL');
    groups.delete(pgid);
    tellReaper(`-${pgid}`);
  };
  child.then(done, done);
  return child;
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
  const stderr =
    typeof result.stderr === 'string' ? result.stderr : Buffer.from(result.stderr as Uint8Array).toString();
  const stdoutRaw = result.stdout as unknown;
  const stdout =
    typeof stdoutRaw === 'string' ? stdoutRaw : stdoutRaw ? Buffer.from(stdoutRaw as Uint8Array).toString() : '';
  const base = {
    command,
    exitCode: result.exitCode ?? -1,
    stdout,
    stderr,
    ...(options.binary ? { stdoutBuffer: stdoutRaw as Uint8Array } : {}),
  };
  const cause = result instanceof Error ? result : undefined;
  if (
    (result as { code?: string }).code === 'ENOENT' ||
    (cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
  ) {
    throw new BuilderError('TOOL_NOT_FOUND', `cannot run "${tool}": command not found`, installHint(tool), { cause });
  }
  if (result.isCanceled) {
    throw new BuilderError('CANCELLED', `"${tool}" was cancelled`, undefined, { cause, exitCode: 130 });
  }
  if (result.timedOut) {
    throw new ToolError(
      'TOOL_TIMEOUT',
      `"${command}" did not finish within ${options.timeout} ms`,
      { command, signal: result.signal, stderr: tail(stderr) },
      { cause },
    );
  }
  if (result.exitCode !== 0 && options.reject !== false) {
    const why = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
    const detail = tail(stderr) || tail(stdout);
    if (/No space left on device/i.test(detail))
      throw new BuilderError(
        'DISK_FULL',
        `"${tool}" failed: no space left on device (${why})`,
        'free space on that filesystem, or build into a bigger one (output: in the project file, --workdir for the scratch files)',
        { cause },
      );
    throw new ToolError(
      'TOOL_FAILED',
      `"${command}" failed (${why})${detail ? `:\n${detail}` : ''}`,
      { command, toolExitCode: result.exitCode, signal: result.signal, stderr: tail(stderr) },
      { cause },
    );
  }
  return base;
};

/** A long-running child (QEMU, a server under test). The caller must call `kill()`; it is also killed on `signal`. */
export interface Spawned {
  readonly pid: number | undefined;
  readonly exited: Promise<{ exitCode: number | undefined; signal: string | undefined }>;
  kill(): Promise<void>;
}

export type Spawn = (
  tool: string,
  args: readonly string[],
  options?: Omit<RunOptions, 'reject' | 'binary' | 'input'>,
) => Spawned;

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

export type RunStream = (
  tool: string,
  args: readonly string[],
  options?: Pick<RunOptions, 'cwd' | 'env' | 'signal'>,
) => Streamed;

export const runStream: RunStream = (tool, args, options = {}) => {
  debug('%s %o (streamed)', tool, args);
  // node:child_process, not execa: execa does not wait for an unbuffered stdout to be drained and closes it
  // when the child exits, which cut the last megabytes of `xz -dc` off.
  // Its own process group, like every child of `run`: killed as a group on abort and when it exits, and by the
  // reaper (and the CLI's signal handler) if this process dies first.
  const child = spawnChild(tool, args as string[], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, ...nextTag() },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pgid = child.pid;
  if (pgid !== undefined) {
    groups.add(pgid);
    tellReaper(`+${pgid}`);
  }
  let released = false;
  const release = () => {
    if (released || pgid === undefined) return;
    released = true;
    killGroup(pgid, 'SIGKILL');
    groups.delete(pgid);
    tellReaper(`-${pgid}`);
  };
  const command = [tool, ...args].join(' ');
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-64 * 1024);
  });
  const onAbort = () => {
    if (pgid === undefined) return;
    killGroup(pgid, 'SIGTERM');
    setTimeout(() => killGroup(pgid, 'SIGKILL'), KILL_DELAY_MS).unref();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // What the child left in its group goes with it (the bytes it wrote stay readable in the pipe).
  child.once('exit', release);
  const done = new Promise<RunResult>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      release();
      options.signal?.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT')
        reject(
          new BuilderError('TOOL_NOT_FOUND', `cannot run "${tool}": command not found`, installHint(tool), {
            cause: error,
          }),
        );
      else
        reject(
          new ToolError(
            'TOOL_FAILED',
            `"${command}" failed: ${error.message}`,
            { command, stderr: tail(stderr) },
            { cause: error },
          ),
        );
    });
    child.once('close', (exitCode, signal) => {
      release();
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted)
        return reject(new BuilderError('CANCELLED', `"${tool}" was cancelled`, undefined, { exitCode: 130 }));
      if (exitCode !== 0) {
        const why = signal ? `killed by ${signal}` : `exit code ${exitCode}`;
        return reject(
          new ToolError('TOOL_FAILED', `"${command}" failed (${why})${stderr.trim() ? `:\n${tail(stderr)}` : ''}`, {
            command,
            toolExitCode: exitCode ?? undefined,
            signal: signal ?? undefined,
            stderr: tail(stderr),
          }),
        );
      }
      resolve({ command, exitCode: 0, stdout: '', stderr });
    });
  });
  return { stdout: child.stdout as unknown as Streamed['stdout'], done };
};
