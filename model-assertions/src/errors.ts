// The one error class of @coreforge/model-assertions (STYLE P4).

export type ModelAssertionErrorCode =
  'MODEL_HEADER_INVALID' | 'ASSERTION_MALFORMED' | 'SIGNATURE_INVALID' | 'KEY_INVALID';

export class ModelAssertionError extends Error {
  constructor(
    readonly code: ModelAssertionErrorCode,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
Object.defineProperty(ModelAssertionError.prototype, 'name', { value: 'ModelAssertionError', enumerable: false });
// A brand, as execa's isExecaError: the guard below needs neither instanceof nor the class's name.
const brand = Symbol('ModelAssertionError');
Object.defineProperty(ModelAssertionError.prototype, brand, { value: true, enumerable: false });

/** True for a ModelAssertionError (or a subclass of it). */
export function isModelAssertionError(error: unknown): error is ModelAssertionError {
  return typeof error === 'object' && error !== null && brand in error;
}

export const headerError = (message: string) => new ModelAssertionError('MODEL_HEADER_INVALID', message);
