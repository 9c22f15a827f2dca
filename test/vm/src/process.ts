// The process runners the harness is given (builder's run/spawn, structurally): the harness starts no process itself.

export interface RunOptionsLike {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  readonly timeout?: number;
  readonly binary?: boolean;
  readonly reject?: boolean;
}

export type RunLike = (
  tool: string,
  args: readonly string[],
  options?: RunOptionsLike,
) => Promise<{
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBuffer?: Uint8Array;
}>;

export interface SpawnedLike {
  readonly pid: number | undefined;
  readonly exited: Promise<{ exitCode: number | undefined; signal: string | undefined }>;
  kill(): Promise<void>;
}

export type SpawnLike = (
  tool: string,
  args: readonly string[],
  options?: {
    readonly cwd?: string;
    readonly signal?: AbortSignal;
    readonly timeout?: number;
    readonly onOutput?: (text: string) => void;
  },
) => SpawnedLike;
