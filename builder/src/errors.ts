// The builder's one error class (STYLE P4), and ToolError, its subclass for a failed tool run. Branch on `code`,
// never on message text.
import { isGadgetError } from '@coreforge/gadget';
import { isModelAssertionError } from '@coreforge/model-assertions';
import { isRuntimeError } from '@coreforge/runtime';
import { isSnapSpecError } from '@coreforge/snaps';
import { isHarnessError } from '@coreforge/vm';

export type BuilderErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_UNREADABLE'
  | 'CONFIG_INVALID'
  | 'TOOL_NOT_FOUND'
  | 'TOOL_FAILED'
  | 'TOOL_TIMEOUT'
  | 'STAGE_UNKNOWN'
  | 'STAGE_FAILED'
  | 'STAGE_CHAIN_BROKEN'
  | 'KEY_NOT_FOUND'
  | 'KEY_EXISTS'
  | 'KEY_INSECURE'
  | 'INPUT_INVALID'
  | 'FILE_NOT_FOUND'
  | 'BUILD_LOCKED'
  | 'DISK_FULL'
  | 'RELEASE_REFUSED'
  | 'STORE_REFUSED'
  | 'SEED_REFUSED'
  | 'GADGET_BASE_INVALID'
  | 'BMAP_INVALID'
  | 'FLASH_REFUSED'
  | 'FLASH_FAILED'
  | 'VERIFY_FAILED'
  | 'CANCELLED';

export class BuilderError extends Error {
  constructor(
    readonly code: BuilderErrorCode,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions & { exitCode?: number },
  ) {
    super(message, options);
    this.exitCode = options?.exitCode ?? 1;
  }
  readonly exitCode: number;
}
Object.defineProperty(BuilderError.prototype, 'name', { value: 'BuilderError', enumerable: false });
// A brand, as execa's isExecaError: the guard below needs neither instanceof nor the class's name.
const brand = Symbol('BuilderError');
Object.defineProperty(BuilderError.prototype, brand, { value: true, enumerable: false });

/** True for a BuilderError (or a subclass of it). */
export function isBuilderError(error: unknown): error is BuilderError {
  return typeof error === 'object' && error !== null && brand in error;
}

/** A tool that ran and failed or timed out (STYLE P6): what ran, how it ended and what it said, as fields. */
export class ToolError extends BuilderError {
  /** The command line, `tool arg...`. */
  readonly command: string;
  /** The tool's own exit code (undefined when it was killed by a signal or never exited); `exitCode` is the CLI's. */
  readonly toolExitCode: number | undefined;
  /** The signal that ended the tool, if one did. */
  readonly signal: string | undefined;
  /** The last lines the tool wrote to stderr. */
  readonly stderr: string;
  constructor(
    code: 'TOOL_FAILED' | 'TOOL_TIMEOUT',
    message: string,
    run: {
      readonly command: string;
      readonly toolExitCode?: number;
      readonly signal?: string;
      readonly stderr: string;
    },
    options?: ErrorOptions,
  ) {
    super(code, message, undefined, options);
    this.command = run.command;
    this.toolExitCode = run.toolExitCode;
    this.signal = run.signal;
    this.stderr = run.stderr;
  }
}
Object.defineProperty(ToolError.prototype, 'name', { value: 'ToolError', enumerable: false });

/** Errors that are the user's or the machine's, not ours: print message + hint, no stack. */
export interface ExpectedError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly exitCode?: number;
}

/** True for the typed errors of our packages (each has a `code` and may have a `hint`), recognised by their brands. */
export function isExpectedError(error: unknown): error is ExpectedError & Error {
  return (
    isBuilderError(error) ||
    isModelAssertionError(error) ||
    isGadgetError(error) ||
    isSnapSpecError(error) ||
    isRuntimeError(error) ||
    isHarnessError(error)
  );
}
