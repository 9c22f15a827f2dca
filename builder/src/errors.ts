// The builder's one error class (STYLE P4). Branch on `code`, never on message text.

export type BuilderErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_UNREADABLE'
  | 'CONFIG_INVALID'
  | 'TOOL_NOT_FOUND'
  | 'TOOL_FAILED'
  | 'TOOL_TIMEOUT'
  | 'STAGE_UNKNOWN'
  | 'STAGE_FAILED'
  | 'KEY_NOT_FOUND'
  | 'KEY_EXISTS'
  | 'KEY_INSECURE'
  | 'INPUT_INVALID'
  | 'FILE_NOT_FOUND'
  | 'BOOT_TEST_FAILED'
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

/** Errors that are the user's or the machine's, not ours: print message + hint, no stack. */
export interface ExpectedError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly exitCode?: number;
}

const EXPECTED_NAMES = new Set([
  'BuilderError',
  'ModelAssertionError',
  'GadgetError',
  'SnapSpecError',
  'RuntimeError',
  'HarnessError',
]);

/** True for the typed errors of our packages (each has a `code` and may have a `hint`). */
export function isExpectedError(error: unknown): error is ExpectedError & Error {
  return error instanceof Error && EXPECTED_NAMES.has(error.name) && typeof (error as { code?: unknown }).code === 'string';
}
