// The runtime's one error class (STYLE P4). Branch on `code`, never on message text.

/** Every code a RuntimeError has; the native addon's codes (runtime/native, `NativeError`) are among them. */
export const RUNTIME_ERROR_CODES = [
  'ARGUMENT_INVALID',
  'LIBRARY_NOT_FOUND',
  'LIBRARY_UNSUPPORTED',
  'LIBRARY_CONFLICT',
  'ADDON_NOT_FOUND',
  'MODEL_NOT_FOUND',
  'MODEL_INVALID',
  'LABELS_INVALID',
  'EDGETPU_UNAVAILABLE',
  'EDGETPU_INCOMPATIBLE',
  'IMAGE_INVALID',
  'IMAGE_UNSUPPORTED',
  'IMAGE_TOO_LARGE',
  'IMAGE_BUSY',
  'INFERENCE_FAILED',
  'CLOSED',
] as const;
export type RuntimeErrorCode = (typeof RUNTIME_ERROR_CODES)[number];

export class RuntimeError extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
Object.defineProperty(RuntimeError.prototype, 'name', { value: 'RuntimeError', enumerable: false });
// A brand, as execa's isExecaError: the guard below needs neither instanceof nor the class's name.
const brand = Symbol('RuntimeError');
Object.defineProperty(RuntimeError.prototype, brand, { value: true, enumerable: false });

/** True for a RuntimeError (or a subclass of it). */
export function isRuntimeError(error: unknown): error is RuntimeError {
  return typeof error === 'object' && error !== null && brand in error;
}
